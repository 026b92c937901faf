/** Stream cursors (the firehose), saved in the same transaction as the labels they cover. */
export interface CursorTable {
  id: string
  seq: number
}
