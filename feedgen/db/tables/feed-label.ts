/**
 * Current labels from the labelers that feeds trust (com.atproto.label.subscribeLabels). Only
 * positive, signature-checked labels are kept; a negation deletes the row.
 */
export interface FeedLabelTable {
  src: string
  /** a post URI, or an account DID (a label on the account covers all its posts) */
  uri: string
  val: string
  /** epoch ms when the label expires, or null */
  exp_at: number | null
  cts: string
}
