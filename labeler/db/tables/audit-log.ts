import type { Generated } from 'kysely'

/**
 * Every moderator action: who, what, when, why. Append-only: SQLite triggers refuse UPDATE and
 * DELETE (migration 002), so an entry, once written, stays as it was.
 */
export interface AuditLogTable {
  id: Generated<number>
  /** ISO datetime */
  created_at: string
  moderator: string
  /** 'label' | 'negate' | 'resolve' */
  action: string
  /** the label subject (record URI or account DID), or the report's subject for 'resolve' */
  subject: string
  /** '' when the action is not about one record version */
  cid: string
  /** the label value ('' for 'resolve') */
  val: string
  report_id: number | null
  /** the moderator's reason or comment */
  reason: string
  /** JSON: what the action changed (label seqs, resolution, …) */
  detail: string
}
