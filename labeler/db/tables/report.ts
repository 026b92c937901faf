import type { Generated } from 'kysely'

/**
 * Reports received through com.atproto.moderation.createReport: the review queue. A report is open
 * until a moderator resolves it; the resolution is written here and, append-only, in `audit_log`.
 */
export interface ReportTable {
  id: Generated<number>
  reason_type: string
  reason: string | null
  /** 'account' (com.atproto.admin.defs#repoRef) or 'record' (com.atproto.repo.strongRef) */
  subject_type: string
  /** the account, or the repo the record lives in */
  subject_did: string
  subject_uri: string | null
  subject_cid: string | null
  /** what de-duplication and "one open appeal" key on: the record URI, or the account DID */
  subject_key: string
  /** 1 for an appeal (reasonAppeal) */
  appeal: number
  reported_by: string
  /** createReport's modTool.name, when the client sent one */
  mod_tool: string | null
  /** ISO datetime (the lexicon's createdAt) */
  created_at: string
  /** epoch ms, for the per-reporter rate limit */
  created_ms: number
  /** 'open' | 'resolved' */
  status: string
  resolution: string | null
  resolution_comment: string | null
  resolved_by: string | null
  resolved_at: string | null
}
