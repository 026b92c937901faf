import type { Kysely, Transaction } from 'kysely'
import type { AuditLogTable } from './tables/audit-log.ts'
import type { CursorTable } from './tables/cursor.ts'
import type { LabelEventTable } from './tables/label-event.ts'
import type { LabelReasonTable } from './tables/label-reason.ts'
import type { LabelTable } from './tables/label.ts'
import type { ManualDecisionTable } from './tables/manual-decision.ts'
import type { ReportTable } from './tables/report.ts'

export interface LabelerSchema {
  label: LabelTable
  label_event: LabelEventTable
  label_reason: LabelReasonTable
  cursor: CursorTable
  report: ReportTable
  audit_log: AuditLogTable
  manual_decision: ManualDecisionTable
}

export type LabelerDb = Kysely<LabelerSchema>
export type LabelerTx = Transaction<LabelerSchema>
