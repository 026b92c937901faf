/** Stream cursors, saved in the same transaction as the rows they cover. */
export interface CursorTable {
  id: string
  seq: number
}
