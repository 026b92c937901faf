import type { LabelStore } from '../labels/store.ts'
import { ModeratorActions } from './actions.ts'
import { listAudit } from './audit.ts'
import { ReportQueue, type RateLimit } from './reports.ts'

export { ModeratorActions, UnknownReportError, type ManualActionResult, type ManualLabelInput } from './actions.ts'
export { appendAudit, listAudit, type AuditAction, type AuditEntry } from './audit.ts'
export { checkAdminPassword } from './admin-auth.ts'
export { CLASSIFIER_REASON_TYPE, CLASSIFIER_TOOL, fileReviewSuggestions, reviewReason, type ReviewSuggestion } from './classifier-review.ts'
export { isAcceptedReasonType, isAppeal, REPORT_REASON_TYPES, REPORT_SUBJECT_TYPES } from './reasons.ts'
export {
  InvalidReportError,
  parseReport,
  ReportAlreadyResolvedError,
  ReportNotFoundError,
  ReportQueue,
  ReportRateLimitError,
  ReportRefusedError,
  RESOLUTIONS,
  reportView,
  type QueuedReport,
  type RateLimit,
  type ReportView,
  type Resolution,
} from './reports.ts'

export interface ModerationOptions {
  /** per-reporter limit on new reports; @default 10 per hour */
  reportRateLimit?: Partial<RateLimit>
  now?: () => number
}

/** Reports intake and review queue, moderator actions and the audit log, on the labeler's database. */
export class Moderation {
  readonly reports: ReportQueue
  readonly actions: ModeratorActions
  readonly #store: LabelStore

  constructor(store: LabelStore, opts: ModerationOptions = {}) {
    this.#store = store
    this.reports = new ReportQueue({ store, now: opts.now, rateLimit: opts.reportRateLimit })
    this.actions = new ModeratorActions({ store, now: opts.now })
  }

  async audit(q: Parameters<typeof listAudit>[1]): ReturnType<typeof listAudit> {
    return await listAudit(this.#store.db, q)
  }
}
