// The moderators' command line: the review queue and manual label decisions, through the labeler's
// admin API (every action lands in the labeler's append-only audit log).
//
//   npm run review -- list [--status open|resolved|all] [--limit N]
//   npm run review -- show <report id>
//   npm run review -- label  <at:// uri | did> <value> --reason "…" [--cid CID] [--report ID]
//   npm run review -- negate <at:// uri | did> <value> --reason "…" [--cid CID] [--report ID]
//   npm run review -- resolve <report id> <acted|dismissed> --comment "…"
//   npm run review -- audit [--subject URI] [--report ID] [--limit N]
//
// Every command takes --json (print the API's JSON) and --moderator NAME (who acts; default
// $LABELER_MODERATOR, then the login name). The labeler is at $LABELER_URL (default
// http://127.0.0.1:$LABELER_PORT, port 3001); the password is $LABELER_ADMIN_PASSWORD.
// Exit codes: 0 done, 1 the labeler refused or could not be reached, 2 wrong usage.

import os from 'node:os'
import { parseArgs } from 'node:util'

const USAGE = `usage: npm run review -- <command> [options]
  list [--status open|resolved|all] [--limit N]      the review queue (open: oldest first)
  show <id>                                          one report, the subject's labels and its history
  label <uri|did> <value> --reason TEXT [--cid CID] [--report ID]
  negate <uri|did> <value> --reason TEXT [--cid CID] [--report ID]
  resolve <id> <acted|dismissed> --comment TEXT
  audit [--subject URI] [--report ID] [--limit N]
options: --json, --moderator NAME (default $LABELER_MODERATOR or your login name)
env: LABELER_URL (default http://127.0.0.1:$LABELER_PORT), LABELER_ADMIN_PASSWORD`

class UsageError extends Error {}
class ApiError extends Error {}

interface Report {
  id: number
  reasonType: string
  reason?: string
  subject: { did?: string; uri?: string; cid?: string }
  reportedBy: string
  createdAt: string
  status: string
  appeal: boolean
  resolution?: { resolution: string; comment: string; moderator: string; resolvedAt: string }
}

interface AuditEntry {
  id: number
  createdAt: string
  moderator: string
  action: string
  subject: string
  cid?: string
  val?: string
  reportId?: number
  reason: string
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      limit: { type: 'string' },
      reason: { type: 'string' },
      comment: { type: 'string' },
      cid: { type: 'string' },
      report: { type: 'string' },
      subject: { type: 'string' },
      moderator: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const [command, ...args] = positionals
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const api = adminClient()
  const moderator = () => values.moderator ?? process.env.LABELER_MODERATOR ?? os.userInfo().username
  const print = (json: unknown, human: () => string) => process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${human()}\n`)
  const reportId = (v: string | undefined, what: string) => {
    if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${what} must be a report id (a whole number)`)
    return Number(v)
  }

  switch (command) {
    case 'list': {
      const q = new URLSearchParams({ status: values.status ?? 'open' })
      if (values.limit) q.set('limit', values.limit)
      const res = (await api.get(`/admin/reports?${q}`)) as { reports: Report[]; cursor?: string }
      print(res, () => (res.reports.length === 0 ? `no ${values.status ?? 'open'} reports` : res.reports.map(reportLine).join('\n')))
      return
    }
    case 'show': {
      const id = reportId(args[0], 'show <id>')
      const res = (await api.get(`/admin/report?id=${id}`)) as {
        report: Report
        labels: { val: string; cid?: string; automatic: boolean; reasons: string[] }[]
        otherReports: Report[]
        audit: AuditEntry[]
      }
      print(res, () => {
        const r = res.report
        const lines = [
          reportLine(r),
          `  subject:     ${subjectOf(r)}${r.subject.cid ? ` (cid ${r.subject.cid})` : ''}`,
          `  reported by: ${r.reportedBy} at ${r.createdAt}`,
          `  reason:      ${r.reason ?? '(none given)'}`,
        ]
        if (r.resolution) lines.push(`  resolved:    ${r.resolution.resolution} by ${r.resolution.moderator} at ${r.resolution.resolvedAt}: ${r.resolution.comment}`)
        lines.push('  labels now:' + (res.labels.length === 0 ? ' none' : ''))
        for (const l of res.labels) lines.push(`    ${l.val}${l.cid ? ` (cid ${l.cid})` : ''} ${l.automatic ? 'automatic' : 'manual'}: ${l.reasons.join(', ')}`)
        if (res.otherReports.length > 0) lines.push('  other reports on this subject:', ...res.otherReports.map((o) => `    ${reportLine(o)}`))
        if (res.audit.length > 0) lines.push('  history:', ...res.audit.map((a) => `    ${auditLine(a)}`))
        return lines.join('\n')
      })
      return
    }
    case 'label':
    case 'negate': {
      const [uri, val] = args
      if (!uri || !val) throw new UsageError(`${command} <uri|did> <value> --reason TEXT`)
      if (!values.reason) throw new UsageError(`${command} needs --reason "why" (it goes to the audit log)`)
      const body: Record<string, unknown> = { uri, val, reason: values.reason, moderator: moderator() }
      if (values.cid) body.cid = values.cid
      if (values.report) body.reportId = reportId(values.report, '--report')
      const res = (await api.post(`/admin/${command}`, body)) as { events: { seq: number; cid?: string; neg: boolean }[]; audit: AuditEntry }
      print(res, () => {
        const done = res.events.length === 0 ? 'nothing changed (already in that state); decision recorded' : `${res.events.length} label change(s), seq ${res.events.map((e) => e.seq).join(', ')}`
        return `${command === 'label' ? 'labelled' : 'negated'} ${val} on ${uri}: ${done} (audit #${res.audit.id})`
      })
      return
    }
    case 'resolve': {
      const id = reportId(args[0], 'resolve <id>')
      const resolution = args[1]
      if (resolution !== 'acted' && resolution !== 'dismissed') throw new UsageError('resolve <id> <acted|dismissed> --comment TEXT')
      if (!values.comment) throw new UsageError('resolve needs --comment "…" (it goes to the audit log)')
      const res = (await api.post('/admin/resolve', { id, resolution, comment: values.comment, moderator: moderator() })) as { report: Report; audit: AuditEntry }
      print(res, () => `report ${id} resolved: ${resolution} (audit #${res.audit.id})`)
      return
    }
    case 'audit': {
      const q = new URLSearchParams()
      if (values.subject) q.set('subject', values.subject)
      if (values.report) q.set('report', String(reportId(values.report, '--report')))
      if (values.limit) q.set('limit', values.limit)
      const res = (await api.get(`/admin/audit?${q}`)) as { entries: AuditEntry[] }
      print(res, () => (res.entries.length === 0 ? 'the audit log is empty' : res.entries.map(auditLine).join('\n')))
      return
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

function adminClient() {
  const password = process.env.LABELER_ADMIN_PASSWORD
  if (!password) throw new UsageError('LABELER_ADMIN_PASSWORD is not set: set it to the labeler\'s admin password')
  const base = (process.env.LABELER_URL ?? `http://127.0.0.1:${process.env.LABELER_PORT ?? 3001}`).replace(/\/+$/, '')
  const call = async (path: string, init: RequestInit = {}) => {
    let res: Response
    try {
      res = await fetch(`${base}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${password}` } })
    } catch (err) {
      throw new ApiError(`could not reach the labeler at ${base} (${(err as Error).cause ?? (err as Error).message}); set LABELER_URL`)
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string }
    if (res.status === 404 && path.startsWith('/admin/') && body.error === 'NotFound') {
      throw new ApiError(`the labeler at ${base} has no admin API: start it with LABELER_ADMIN_PASSWORD set`)
    }
    if (!res.ok) throw new ApiError(`${res.status} ${body.error ?? ''}: ${body.message ?? ''}`)
    return body
  }
  return {
    get: (path: string) => call(path),
    post: (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  }
}

function subjectOf(r: Report): string {
  return r.subject.uri ?? r.subject.did ?? '?'
}

function reportLine(r: Report): string {
  const kind = r.appeal ? 'APPEAL' : r.reasonType.replace(/^.*#reason/, '').toLowerCase()
  const state = r.status === 'open' ? 'open' : `${r.status}: ${r.resolution?.resolution ?? ''}`
  const reason = r.reason ? ` "${r.reason.length > 80 ? `${r.reason.slice(0, 77)}…` : r.reason}"` : ''
  return `#${r.id} [${state}] ${kind} ${subjectOf(r)} by ${r.reportedBy} ${r.createdAt}${reason}`
}

function auditLine(a: AuditEntry): string {
  const what = a.action === 'resolve' ? `resolve report ${a.reportId ?? '?'}` : `${a.action} ${a.val ?? ''} on ${a.subject}${a.reportId ? ` (report ${a.reportId})` : ''}`
  return `${a.createdAt} #${a.id} ${a.moderator}: ${what}: ${a.reason}`
}

try {
  await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`review: ${err.message}\n\n${USAGE}\n`)
    process.exitCode = 2
  } else if (err instanceof ApiError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`review: ${(err as Error).message}\n`)
    process.exitCode = err instanceof ApiError ? 1 : 2
  } else {
    throw err
  }
}
