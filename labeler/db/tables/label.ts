/** The current state of every label this labeler has issued: one row per (src, uri, cid, val). */
export interface LabelTable {
  src: string
  uri: string
  /** the record version the label applies to; '' when it applies to every version (so the unique key works) */
  cid: string
  val: string
  /** 1 when the current state is a negation */
  neg: number
  cts: string
  exp: string | null
  /** `exp` as epoch ms, for the expiry filter */
  exp_at: number | null
  sig: Uint8Array
  /** seq of the label_event that produced this state (unique: one event changes one row) */
  seq: number
}
