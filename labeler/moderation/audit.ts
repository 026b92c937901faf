import type { Selectable } from 'kysely'
import type { LabelerDb, LabelerTx } from '../db/schema.ts'
import type { AuditLogTable } from '../db/tables/audit-log.ts'

export type AuditAction = 'label' | 'negate' | 'resolve'

export interface AuditEntryInput {
  moderator: string
  action: AuditAction
  subject: string
  cid?: string
  val?: string
  reportId?: number
  reason: string
  detail?: Record<string, unknown>
}

export interface AuditEntry {
  id: number
  createdAt: string
  moderator: string
  action: AuditAction
  subject: string
  cid?: string
  val?: string
  reportId?: number
  reason: string
  detail: Record<string, unknown>
}

/**
 * Appends one entry to the audit log, inside the caller's transaction (the one that makes the
 * change). The table is append-only: its triggers refuse UPDATE and DELETE.
 */
export async function appendAudit(trx: LabelerTx, entry: AuditEntryInput, now: Date): Promise<AuditEntry> {
  const row = await trx
    .insertInto('audit_log')
    .values({
      created_at: now.toISOString(),
      moderator: entry.moderator,
      action: entry.action,
      subject: entry.subject,
      cid: entry.cid ?? '',
      val: entry.val ?? '',
      report_id: entry.reportId ?? null,
      reason: entry.reason,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return auditRowToEntry(row)
}

/** Newest first; `cursor` is the id of the last entry of the previous page. */
export async function listAudit(
  db: LabelerDb,
  q: { limit: number; cursor?: number; subject?: string; reportId?: number; moderator?: string },
): Promise<{ entries: AuditEntry[]; cursor?: string }> {
  let query = db.selectFrom('audit_log').selectAll()
  if (q.cursor !== undefined) query = query.where('id', '<', q.cursor)
  if (q.subject !== undefined) query = query.where('subject', '=', q.subject)
  if (q.reportId !== undefined) query = query.where('report_id', '=', q.reportId)
  if (q.moderator !== undefined) query = query.where('moderator', '=', q.moderator)
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute()
  const entries = rows.slice(0, q.limit).map(auditRowToEntry)
  const last = entries.at(-1)
  return rows.length > q.limit && last ? { entries, cursor: String(last.id) } : { entries }
}

function auditRowToEntry(r: Selectable<AuditLogTable>): AuditEntry {
  const e: AuditEntry = {
    id: Number(r.id),
    createdAt: r.created_at,
    moderator: r.moderator,
    action: r.action as AuditAction,
    subject: r.subject,
    reason: r.reason,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }
  if (r.cid !== '') e.cid = r.cid
  if (r.val !== '') e.val = r.val
  if (r.report_id !== null) e.reportId = Number(r.report_id)
  return e
}
