/** Accounts that are not active (takendown, suspended, deactivated, …): their posts are not served. */
export interface AccountStatusTable {
  did: string
  status: string
  updated_at: number
}
