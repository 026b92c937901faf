/** Authors whose recent posts still have to be fetched from their PDS (written with the membership change). */
export interface BackfillTable {
  did: string
  requested_at: number
  attempts: number
  next_attempt_at: number
}
