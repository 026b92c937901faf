import { fromString as parseCid } from '@atcute/cid'
import { isValidAtUri, isValidDid } from '@atproto/syntax'
import { AuthRequiredError, InvalidRequestError, XRPCError, ResponseType } from '@atproto/xrpc-server'
import type { Handler, HttpServer } from '../../shared/http/index.ts'
import { LABEL_VALUES } from '../classify/index.ts'
import type { LabelerContext } from '../context.ts'
import { InvalidLabelError } from '../labels/store.ts'
import {
  checkAdminPassword,
  ReportAlreadyResolvedError,
  ReportNotFoundError,
  RESOLUTIONS,
  UnknownReportError,
  type ManualLabelInput,
  type Resolution,
} from '../moderation/index.ts'

// The moderators' API: plain JSON over HTTP, `Authorization: Bearer $LABELER_ADMIN_PASSWORD`. Not
// registered at all (404) when no password is configured. Used by `npm run review`.
//
//   GET  /admin/reports?status=open|resolved|all&subject=&limit=&cursor=   the review queue
//   GET  /admin/report?id=N            one report, the subject's current labels, its audit entries
//   GET  /admin/labels?uri=            the current labels on a subject, with their reasons
//   POST /admin/label   {uri, cid?, val, reason, moderator, reportId?}
//   POST /admin/negate  {uri, cid?, val, reason, moderator, reportId?}
//   POST /admin/resolve {id, resolution: acted|dismissed, comment, moderator}
//   GET  /admin/audit?subject=&report=&moderator=&limit=&cursor=          newest first

const MAX_LIMIT = 500

export default function register(server: HttpServer, ctx: LabelerContext, adminPassword: string | undefined): void {
  if (!adminPassword) return
  const guard =
    (handler: Handler): Handler =>
    async (rc) => {
      if (!checkAdminPassword(rc.req.headers.authorization, adminPassword)) {
        ctx.logger.warn({ path: rc.url.pathname }, 'admin request without the right password')
        throw new AuthRequiredError('send Authorization: Bearer <LABELER_ADMIN_PASSWORD>')
      }
      try {
        return await handler(rc)
      } catch (err) {
        if (err instanceof ReportNotFoundError || err instanceof UnknownReportError) throw new XRPCError(ResponseType.XRPCNotSupported, err.message, 'ReportNotFound')
        if (err instanceof ReportAlreadyResolvedError) throw new InvalidRequestError(err.message, 'AlreadyResolved')
        if (err instanceof InvalidLabelError) throw new InvalidRequestError(err.message)
        throw err
      }
    }
  const { moderation } = ctx

  server.get(
    '/admin/reports',
    guard(async ({ params }) => {
      const status = params.get('status') ?? 'open'
      if (status !== 'open' && status !== 'resolved' && status !== 'all') throw new InvalidRequestError('status must be open, resolved or all')
      const subject = params.get('subject') ?? undefined
      return { json: await moderation.reports.list({ status, subject, limit: limitParam(params), cursor: idParam(params, 'cursor') }) }
    }),
  )

  server.get(
    '/admin/report',
    guard(async ({ params }) => {
      const id = idParam(params, 'id')
      if (id === undefined) throw new InvalidRequestError('id is required')
      const report = await moderation.reports.get(id)
      const subject = report.subject.$type === 'com.atproto.admin.defs#repoRef' ? report.subject.did : report.subject.uri
      const labels = await ctx.store.currentLabels(subject)
      const audit = await moderation.audit({ subject, limit: 100 })
      const earlier = await moderation.reports.list({ status: 'all', subject, limit: 20 })
      return {
        json: {
          report,
          labels: labels.map((l) => ({ uri: l.uri, cid: l.cid, val: l.val, cts: l.cts, automatic: l.automatic, reasons: l.reasons })),
          otherReports: earlier.reports.filter((r) => r.id !== id),
          audit: audit.entries,
        },
      }
    }),
  )

  server.get(
    '/admin/labels',
    guard(async ({ params }) => {
      const uri = params.get('uri')
      if (!uri) throw new InvalidRequestError('uri is required')
      const labels = await ctx.store.currentLabels(uri)
      return { json: { labels: labels.map((l) => ({ uri: l.uri, cid: l.cid, val: l.val, cts: l.cts, automatic: l.automatic, reasons: l.reasons })) } }
    }),
  )

  server.post(
    '/admin/label',
    guard(async ({ body }) => {
      const input = actionInput(body)
      if (!(LABEL_VALUES as readonly string[]).includes(input.val)) {
        throw new InvalidRequestError(`val must be one of this labeler's values: ${LABEL_VALUES.join(', ')}`)
      }
      const result = await moderation.actions.label(input)
      ctx.logger.info({ moderator: input.moderator, uri: input.uri, val: input.val, audit: result.audit.id }, 'moderator applied a label')
      return { json: result }
    }),
  )

  server.post(
    '/admin/negate',
    guard(async ({ body }) => {
      const input = actionInput(body)
      const result = await moderation.actions.negate(input)
      ctx.logger.info({ moderator: input.moderator, uri: input.uri, val: input.val, audit: result.audit.id }, 'moderator negated a label')
      return { json: result }
    }),
  )

  server.post(
    '/admin/resolve',
    guard(async ({ body }) => {
      const b = object(body)
      const id = b.id
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new InvalidRequestError('id must be a report id')
      if (!(RESOLUTIONS as readonly unknown[]).includes(b.resolution)) throw new InvalidRequestError(`resolution must be one of: ${RESOLUTIONS.join(', ')}`)
      const comment = text(b.comment, 'comment', 2000)
      const moderator = moderatorName(b.moderator)
      const result = await moderation.reports.resolve(id, { resolution: b.resolution as Resolution, comment, moderator })
      ctx.logger.info({ moderator, report: id, resolution: b.resolution, audit: result.audit.id }, 'moderator resolved a report')
      return { json: result }
    }),
  )

  server.get(
    '/admin/audit',
    guard(async ({ params }) => {
      return {
        json: await moderation.audit({
          limit: limitParam(params),
          cursor: idParam(params, 'cursor'),
          subject: params.get('subject') ?? undefined,
          reportId: idParam(params, 'report'),
          moderator: params.get('moderator') ?? undefined,
        }),
      }
    }),
  )
}

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('the request body must be a JSON object')
  return body as Record<string, unknown>
}

function actionInput(body: unknown): ManualLabelInput {
  const b = object(body)
  if (typeof b.uri !== 'string' || b.uri.length > 8192 || !(isValidDid(b.uri) || isValidAtUri(b.uri))) throw new InvalidRequestError('uri must be an at:// URI or an account DID')
  if (b.cid !== undefined && typeof b.cid !== 'string') throw new InvalidRequestError('cid must be a string')
  if (b.cid && isValidDid(b.uri)) throw new InvalidRequestError('cid is for records: an account label (uri = DID) has none')
  if (b.cid && !isCid(b.cid)) throw new InvalidRequestError('cid must be the CID of a version of the record')
  if (typeof b.val !== 'string' || b.val === '') throw new InvalidRequestError('val is required')
  // @NOTE checked here too, not only in the label store: a negation that changes no label writes no
  // label, but it does write the audit log and the manual decision
  if (b.val.length > 128 || !/^[a-z!][a-z-]*$/.test(b.val)) throw new InvalidRequestError('val must be a label value: lowercase letters and hyphens')
  const input: ManualLabelInput = { uri: b.uri, val: b.val, reason: text(b.reason, 'reason', 2000), moderator: moderatorName(b.moderator) }
  if (b.cid !== undefined && b.cid !== '') input.cid = b.cid as string
  if (b.reportId !== undefined) {
    if (typeof b.reportId !== 'number' || !Number.isSafeInteger(b.reportId) || b.reportId < 1) throw new InvalidRequestError('reportId must be a report id')
    input.reportId = b.reportId
  }
  return input
}

function isCid(s: string): boolean {
  try {
    parseCid(s)
    return true
  } catch {
    return false
  }
}

function text(v: unknown, name: string, max: number): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidRequestError(`${name} is required: say why (it goes to the audit log)`)
  if (v.length > max) throw new InvalidRequestError(`${name} must be at most ${max} characters`)
  return v.trim()
}

function moderatorName(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidRequestError('moderator is required: who takes this action (it goes to the audit log)')
  // eslint-disable-next-line no-control-regex
  if (v.length > 128 || /[\u0000-\u001f\u007f]/.test(v)) throw new InvalidRequestError('moderator must be a name of at most 128 characters')
  return v.trim()
}

function limitParam(params: URLSearchParams): number {
  const v = params.get('limit')
  if (v === null) return 50
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > MAX_LIMIT) throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`)
  return Number(v)
}

function idParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name)
  if (v === null || v === '') return undefined
  if (!/^\d{1,15}$/.test(v)) throw new InvalidRequestError(`${name} must be a whole number`)
  return Number(v)
}
