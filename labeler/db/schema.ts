import type { Kysely, Transaction } from 'kysely'
import type { CursorTable } from './tables/cursor.ts'
import type { LabelEventTable } from './tables/label-event.ts'
import type { LabelReasonTable } from './tables/label-reason.ts'
import type { LabelTable } from './tables/label.ts'

export interface LabelerSchema {
  label: LabelTable
  label_event: LabelEventTable
  label_reason: LabelReasonTable
  cursor: CursorTable
}

export type LabelerDb = Kysely<LabelerSchema>
export type LabelerTx = Transaction<LabelerSchema>
