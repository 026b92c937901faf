/**
 * A moderator's latest decision on a label value for a subject (any version of the record): the
 * classifier never re-applies a label a moderator negated, and never negates one a moderator applied.
 */
export interface ManualDecisionTable {
  uri: string
  val: string
  /** 1: the moderator negated it; 0: the moderator applied it */
  neg: number
  moderator: string
  /** ISO datetime */
  decided_at: string
  /** the audit_log entry of the decision */
  audit_id: number
}
