import type { LabelerTx } from '../db/schema.ts'
import type { LabelEvent, LabelInput, LabelStore } from '../labels/store.ts'
import { appendAudit, type AuditEntry } from './audit.ts'

export interface ManualLabelInput {
  /** the record URI, or an account DID */
  uri: string
  /** one version of the record; without it: the label applies to every version (label), or every current version is negated (negate) */
  cid?: string
  val: string
  /** why (goes to the audit log and the label's reasons) */
  reason: string
  /** who */
  moderator: string
  /** the report this action answers, if any */
  reportId?: number
}

export interface ManualActionResult {
  /** the label changes this action made (none when the state already was what the moderator asked) */
  events: { seq: number; uri: string; cid?: string; val: string; neg: boolean }[]
  audit: AuditEntry
}

/**
 * A moderator's label and negate actions. Each one writes the labels, the manual decision and the
 * audit log entry in one transaction; the decision makes the automatic path leave the value alone
 * on that subject (LabelStore.apply skips automatic labels a moderator negated, and the edit path
 * only negates automatic labels).
 */
export class ModeratorActions {
  readonly #store: LabelStore
  readonly #now: () => number

  constructor(opts: { store: LabelStore; now?: () => number }) {
    this.#store = opts.store
    this.#now = opts.now ?? Date.now
  }

  async label(input: ManualLabelInput): Promise<ManualActionResult> {
    const labels: LabelInput[] = [{ uri: input.uri, cid: input.cid, val: input.val, reasons: [`${input.moderator}: ${input.reason}`] }]
    return await this.#act('label', input, labels)
  }

  async negate(input: ManualLabelInput): Promise<ManualActionResult> {
    // @NOTE without a cid, every version that carries the value now is negated (the classifier labels
    // each version by cid); a label added between this read and the write is caught by the decision
    // only for future automatic writes
    const current = await this.#store.currentLabels(input.uri)
    const targets = current.filter((l) => l.val === input.val && (input.cid === undefined || (l.cid ?? '') === input.cid))
    const labels: LabelInput[] = targets.map((l) => ({ uri: input.uri, cid: l.cid, val: input.val, neg: true, reasons: [`${input.moderator}: ${input.reason}`] }))
    return await this.#act('negate', input, labels)
  }

  async #act(action: 'label' | 'negate', input: ManualLabelInput, labels: LabelInput[]): Promise<ManualActionResult> {
    let audit: AuditEntry | undefined
    const within = async (trx: LabelerTx, events: LabelEvent[]) => {
      const now = new Date(this.#now())
      if (input.reportId !== undefined) {
        const report = await trx.selectFrom('report').select('id').where('id', '=', input.reportId).executeTakeFirst()
        if (!report) throw new UnknownReportError(`there is no report ${input.reportId}`)
      }
      audit = await appendAudit(
        trx,
        {
          moderator: input.moderator,
          action,
          subject: input.uri,
          cid: input.cid,
          val: input.val,
          reportId: input.reportId,
          reason: input.reason,
          detail: { seqs: events.map((e) => e.seq), cids: [...new Set(labels.map((l) => l.cid ?? ''))] },
        },
        now,
      )
      const decision = { neg: action === 'negate' ? 1 : 0, moderator: input.moderator, decided_at: now.toISOString(), audit_id: audit.id }
      await trx
        .insertInto('manual_decision')
        .values({ uri: input.uri, val: input.val, ...decision })
        .onConflict((oc) => oc.columns(['uri', 'val']).doUpdateSet(decision))
        .execute()
    }
    const events = await this.#store.apply(labels, { automatic: false, within })
    return {
      events: events.map((e) => {
        const out: ManualActionResult['events'][number] = { seq: e.seq, uri: e.label.uri, val: e.label.val, neg: e.label.neg === true }
        if (e.label.cid !== undefined) out.cid = e.label.cid
        return out
      }),
      audit: audit as AuditEntry,
    }
  }
}

export class UnknownReportError extends Error {
  override name = 'UnknownReportError'
}
