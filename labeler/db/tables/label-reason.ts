/** Why a label is in its current state: the rules that fired, or a moderator's note. One row per label key. */
export interface LabelReasonTable {
  src: string
  uri: string
  /** '' when the label has no cid */
  cid: string
  val: string
  /** JSON array of strings */
  reasons: string
  rules_version: string | null
  /** 1 when the classifier decided, 0 for a moderator */
  automatic: number
  /** epoch ms */
  created_at: number
}
