import { fromString as parseCid } from '@atcute/cid'
import { AtUri, isValidAtUri, isValidDid } from '@atproto/syntax'
import type { Selectable } from 'kysely'
import type { LabelerTx } from '../db/schema.ts'
import type { ReportTable } from '../db/tables/report.ts'
import type { LabelStore } from '../labels/store.ts'
import { appendAudit, type AuditEntry } from './audit.ts'
import { isAcceptedReasonType, isAppeal, REPO_REF, REPORT_REASON_TYPES, STRONG_REF } from './reasons.ts'

export type ReportSubject = { $type: typeof REPO_REF; did: string } | { $type: typeof STRONG_REF; uri: string; cid: string }

/** com.atproto.moderation.createReport#output */
export interface ReportView {
  id: number
  reasonType: string
  reason?: string
  subject: ReportSubject
  reportedBy: string
  createdAt: string
}

export type ReportStatus = 'open' | 'resolved'
export type Resolution = 'acted' | 'dismissed'
export const RESOLUTIONS: readonly Resolution[] = ['acted', 'dismissed']

/** A report as the review queue shows it. */
export interface QueuedReport extends ReportView {
  status: ReportStatus
  appeal: boolean
  modTool?: string
  resolution?: { resolution: string; comment: string; moderator: string; resolvedAt: string }
}

export interface RateLimit {
  /** reports one account may make per window; @default 10 */
  max: number
  /** @default one hour */
  windowMs: number
}

/** The report is malformed (a 400 InvalidRequest at the edge). */
export class InvalidReportError extends Error {
  override name = 'InvalidReportError'
}

/** The report is well-formed but not accepted; `code` is the XRPC error name. */
export class ReportRefusedError extends Error {
  override name = 'ReportRefusedError'
  readonly code: 'AppealNotAllowed' | 'AppealAlreadyOpen'
  constructor(code: ReportRefusedError['code'], message: string) {
    super(message)
    this.code = code
  }
}

export class ReportRateLimitError extends Error {
  override name = 'ReportRateLimitError'
  readonly retryAfterMs: number
  constructor(limit: RateLimit, retryAfterMs: number) {
    super(`too many reports: at most ${limit.max} per ${formatWindow(limit.windowMs)}; try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s)`)
    this.retryAfterMs = retryAfterMs
  }
}

export class ReportNotFoundError extends Error {
  override name = 'ReportNotFoundError'
}

export class ReportAlreadyResolvedError extends Error {
  override name = 'ReportAlreadyResolvedError'
}

interface ParsedReport {
  reasonType: string
  reason: string | undefined
  subject: ReportSubject
  subjectDid: string
  subjectKey: string
  modTool: string | undefined
}

const MAX_REASON_GRAPHEMES = 2000
const MAX_REASON_BYTES = 20_000
const segmenter = new Intl.Segmenter()

/**
 * Reports intake and the review queue. Intake rules: only the accepted reason types; appeals only
 * from the author of a subject that carries a label of this labeler, one open appeal per subject;
 * the same report (reporter, subject, reason type) while one is open returns that report; at most
 * `rateLimit.max` new reports per reporter per window.
 */
export class ReportQueue {
  readonly #store: LabelStore
  readonly #now: () => number
  readonly #rateLimit: RateLimit

  constructor(opts: { store: LabelStore; now?: () => number; rateLimit?: Partial<RateLimit> }) {
    this.#store = opts.store
    this.#now = opts.now ?? Date.now
    this.#rateLimit = { max: opts.rateLimit?.max ?? 10, windowMs: opts.rateLimit?.windowMs ?? 60 * 60_000 }
  }

  /** Validates and stores a report from `reportedBy` (the verified service-auth issuer). */
  async create(body: unknown, reportedBy: string): Promise<{ report: QueuedReport; duplicate: boolean }> {
    const r = parseReport(body)
    const appeal = isAppeal(r.reasonType)
    if (appeal) {
      if (r.subjectDid !== reportedBy) {
        throw new ReportRefusedError('AppealNotAllowed', 'only the author of the labelled post or account can appeal its labels')
      }
      const labels = await this.#store.currentLabels(r.subjectKey)
      if (labels.length === 0) throw new ReportRefusedError('AppealNotAllowed', 'there is no label from this labeler on this subject to appeal')
    }
    return await this.#store.write(async (trx) => {
      if (appeal) {
        const open = await openReports(trx).where('subject_key', '=', r.subjectKey).where('appeal', '=', 1).executeTakeFirst()
        if (open) throw new ReportRefusedError('AppealAlreadyOpen', `an appeal for this subject is already open (report ${open.id}); a moderator will review it`)
      } else {
        const same = await openReports(trx)
          .where('reported_by', '=', reportedBy)
          .where('subject_key', '=', r.subjectKey)
          .where('reason_type', '=', r.reasonType)
          .executeTakeFirst()
        if (same) return { report: rowToReport(same), duplicate: true }
      }
      const now = this.#now()
      const since = now - this.#rateLimit.windowMs
      const recent = await trx
        .selectFrom('report')
        .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('created_ms').as('oldest')])
        .where('reported_by', '=', reportedBy)
        .where('created_ms', '>', since)
        .executeTakeFirstOrThrow()
      if (Number(recent.n) >= this.#rateLimit.max) {
        throw new ReportRateLimitError(this.#rateLimit, Number(recent.oldest) + this.#rateLimit.windowMs - now)
      }
      const row = await trx
        .insertInto('report')
        .values({
          reason_type: r.reasonType,
          reason: r.reason ?? null,
          subject_type: r.subject.$type === REPO_REF ? 'account' : 'record',
          subject_did: r.subjectDid,
          subject_uri: r.subject.$type === STRONG_REF ? r.subject.uri : null,
          subject_cid: r.subject.$type === STRONG_REF ? r.subject.cid : null,
          subject_key: r.subjectKey,
          appeal: appeal ? 1 : 0,
          reported_by: reportedBy,
          mod_tool: r.modTool ?? null,
          created_at: new Date(now).toISOString(),
          created_ms: now,
          status: 'open',
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return { report: rowToReport(row), duplicate: false }
    })
  }

  /** Open reports oldest first (a queue); resolved or all reports newest first. `cursor`: the last id. */
  async list(q: { status: ReportStatus | 'all'; limit: number; cursor?: number; subject?: string }): Promise<{ reports: QueuedReport[]; cursor?: string }> {
    const asc = q.status === 'open'
    let query = this.#store.db.selectFrom('report').selectAll()
    if (q.status !== 'all') query = query.where('status', '=', q.status)
    if (q.subject !== undefined) query = query.where('subject_key', '=', q.subject)
    if (q.cursor !== undefined) query = query.where('id', asc ? '>' : '<', q.cursor)
    const rows = await query.orderBy('id', asc ? 'asc' : 'desc').limit(q.limit + 1).execute()
    const reports = rows.slice(0, q.limit).map(rowToReport)
    const last = reports.at(-1)
    return rows.length > q.limit && last ? { reports, cursor: String(last.id) } : { reports }
  }

  async get(id: number): Promise<QueuedReport> {
    const row = await this.#store.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new ReportNotFoundError(`there is no report ${id}`)
    return rowToReport(row)
  }

  /** Closes an open report; the resolution goes to the audit log in the same transaction. */
  async resolve(id: number, r: { resolution: Resolution; comment: string; moderator: string }): Promise<{ report: QueuedReport; audit: AuditEntry }> {
    return await this.#store.write(async (trx) => {
      const row = await trx.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) throw new ReportNotFoundError(`there is no report ${id}`)
      if (row.status !== 'open') throw new ReportAlreadyResolvedError(`report ${id} was already resolved (${row.resolution ?? ''}) by ${row.resolved_by ?? '?'}`)
      const now = new Date(this.#now())
      const updated = await trx
        .updateTable('report')
        .set({ status: 'resolved', resolution: r.resolution, resolution_comment: r.comment, resolved_by: r.moderator, resolved_at: now.toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const audit = await appendAudit(
        trx,
        {
          moderator: r.moderator,
          action: 'resolve',
          subject: row.subject_key,
          cid: row.subject_cid ?? undefined,
          reportId: id,
          reason: r.comment,
          detail: { resolution: r.resolution, reasonType: row.reason_type, appeal: row.appeal === 1 },
        },
        now,
      )
      return { report: rowToReport(updated), audit }
    })
  }
}

/** The open reports (a query to narrow further). */
export function openReports(trx: LabelerTx) {
  return trx.selectFrom('report').selectAll().where('status', '=', 'open')
}

/** Checks createReport's input against its lexicon and this labeler's rules. */
export function parseReport(body: unknown): ParsedReport {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidReportError('the request body must be a JSON object')
  const b = body as Record<string, unknown>
  if (typeof b.reasonType !== 'string') throw new InvalidReportError('reasonType is required')
  if (!isAcceptedReasonType(b.reasonType)) {
    throw new InvalidReportError(`this labeler does not take reports of type "${b.reasonType.slice(0, 200)}"; it takes: ${REPORT_REASON_TYPES.join(', ')}`)
  }
  let reason: string | undefined
  if (b.reason !== undefined) {
    if (typeof b.reason !== 'string') throw new InvalidReportError('reason must be a string')
    if (Buffer.byteLength(b.reason) > MAX_REASON_BYTES || graphemes(b.reason) > MAX_REASON_GRAPHEMES) {
      throw new InvalidReportError(`reason must be at most ${MAX_REASON_GRAPHEMES} characters`)
    }
    reason = b.reason
  }
  const s = b.subject
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new InvalidReportError('subject is required: a com.atproto.admin.defs#repoRef or a com.atproto.repo.strongRef')
  const subj = s as Record<string, unknown>
  let subject: ReportSubject
  let subjectDid: string
  let subjectKey: string
  if (subj.$type === REPO_REF) {
    if (typeof subj.did !== 'string' || !isValidDid(subj.did)) throw new InvalidReportError('subject.did must be a DID')
    subject = { $type: REPO_REF, did: subj.did }
    subjectDid = subjectKey = subj.did
  } else if (subj.$type === STRONG_REF) {
    if (typeof subj.uri !== 'string' || !isValidAtUri(subj.uri)) throw new InvalidReportError('subject.uri must be an at:// URI')
    const uri = new AtUri(subj.uri)
    if (!isValidDid(uri.host)) throw new InvalidReportError('subject.uri must name its repo by DID (at://did:…/collection/rkey)')
    if (!uri.collection || !uri.rkey) throw new InvalidReportError('subject.uri must point at a record (at://did/collection/rkey)')
    if (typeof subj.cid !== 'string' || !isCid(subj.cid)) throw new InvalidReportError('subject.cid must be a CID')
    subject = { $type: STRONG_REF, uri: subj.uri, cid: subj.cid }
    subjectDid = uri.host
    subjectKey = subj.uri
  } else {
    throw new InvalidReportError(`subject.$type must be ${REPO_REF} or ${STRONG_REF}`)
  }
  let modTool: string | undefined
  const mt = b.modTool as { name?: unknown } | undefined
  if (mt && typeof mt === 'object' && typeof mt.name === 'string') modTool = mt.name.slice(0, 200)
  return { reasonType: b.reasonType, reason, subject, subjectDid, subjectKey, modTool }
}

export function reportView(r: QueuedReport): ReportView {
  const v: ReportView = { id: r.id, reasonType: r.reasonType, subject: r.subject, reportedBy: r.reportedBy, createdAt: r.createdAt }
  if (r.reason !== undefined) v.reason = r.reason
  return v
}

function rowToReport(r: Selectable<ReportTable>): QueuedReport {
  const subject: ReportSubject =
    r.subject_type === 'account' ? { $type: REPO_REF, did: r.subject_did } : { $type: STRONG_REF, uri: r.subject_uri ?? '', cid: r.subject_cid ?? '' }
  const out: QueuedReport = {
    id: Number(r.id),
    reasonType: r.reason_type,
    subject,
    reportedBy: r.reported_by,
    createdAt: r.created_at,
    status: r.status as ReportStatus,
    appeal: r.appeal === 1,
  }
  if (r.reason !== null) out.reason = r.reason
  if (r.mod_tool !== null) out.modTool = r.mod_tool
  if (r.status === 'resolved') {
    out.resolution = { resolution: r.resolution ?? '', comment: r.resolution_comment ?? '', moderator: r.resolved_by ?? '', resolvedAt: r.resolved_at ?? '' }
  }
  return out
}

function graphemes(s: string): number {
  let n = 0
  for (const _ of segmenter.segment(s)) n++
  return n
}

function isCid(s: string): boolean {
  try {
    parseCid(s)
    return true
  } catch {
    return false
  }
}

function formatWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} hours`
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`
  return `${ms / 1000} s`
}
