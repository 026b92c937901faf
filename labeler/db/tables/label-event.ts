import type { Generated } from 'kysely'

/**
 * The append-only stream served by subscribeLabels. `seq` is INTEGER PRIMARY KEY AUTOINCREMENT, so a
 * number is never handed out twice, also after old events are deleted or the process restarts.
 */
export interface LabelEventTable {
  seq: Generated<number>
  src: string
  uri: string
  /** '' when the label has no cid */
  cid: string
  val: string
  neg: number
  cts: string
  exp: string | null
  sig: Uint8Array
  /** epoch ms */
  created_at: number
}
