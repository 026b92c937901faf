import type { FirehoseEvent } from '../../shared/firehose/events.ts'
import type { Logger } from '../../shared/logger.ts'
import type { Classifier } from '../classify/index.ts'
import { fileReviewSuggestions, type ReviewSuggestion } from '../moderation/classifier-review.ts'
import type { LabelerTx } from '../db/schema.ts'
import type { LabelInput, LabelStore } from './store.ts'

export const FIREHOSE_CURSOR_ID = 'firehose'
export const POST_COLLECTION = 'app.bsky.feed.post'

/**
 * Automatic labels from the firehose: every new post (or only posts in the configured languages) is
 * classified; its labels are written with the firehose cursor in one transaction. An edited post is
 * re-classified (labels that no longer apply are negated); a deleted post's labels are negated.
 * Manual decisions win: a value a moderator negated is not applied again (LabelStore.apply skips it
 * for automatic writes), and an edit only negates automatic labels, never a moderator's.
 * The learned layer's review suggestions (labels it does not give on its own) become reports in the
 * review queue, in the same transaction (moderation/classifier-review.ts).
 */
export class AutoLabeler {
  readonly #store: LabelStore
  readonly #classifier: Classifier
  readonly #langs: Set<string>
  readonly #logger: Logger

  constructor(opts: { store: LabelStore; classifier: Classifier; langs: string[]; logger: Logger }) {
    this.#store = opts.store
    this.#classifier = opts.classifier
    this.#langs = new Set(opts.langs)
    this.#logger = opts.logger
  }

  async getCursor(): Promise<number | undefined> {
    return await this.#store.getCursor(FIREHOSE_CURSOR_ID)
  }

  async handleBatch(events: FirehoseEvent[], cursor: number): Promise<void> {
    const inputs: LabelInput[] = []
    const reviews: ReviewSuggestion[] = []
    // @NOTE the batch is written at the end, in one transaction: a delete or an edit later in the same
    // batch (a post deleted right after it was made, seen together after a restart) must also see the
    // labels decided earlier in the batch, not only those already in the store
    const pending = new Map<string, LabelInput[]>()
    for (const evt of events) {
      if (evt.type !== 'commit') continue
      for (const op of evt.ops) {
        if (op.collection !== POST_COLLECTION) continue
        try {
          let decided: LabelInput[] = []
          if (op.action === 'delete') decided = await this.#negateAll(op.uri, pending)
          else if (op.record && op.cid) decided = await this.#classify(op.uri, op.cid, op.record, op.action === 'update', pending, reviews)
          inputs.push(...decided)
          if (decided.length > 0) pending.set(op.uri, [...(pending.get(op.uri) ?? []), ...decided])
        } catch (err) {
          this.#logger.warn({ err, uri: op.uri }, 'skipping a post that could not be labelled')
        }
      }
    }
    const within = reviews.length === 0 ? undefined : async (trx: LabelerTx) => void (await fileReviewSuggestions(trx, this.#store.src, reviews, Date.now()))
    await this.#store.apply(inputs, { cursor: { id: FIREHOSE_CURSOR_ID, seq: cursor }, automatic: true, ...(within ? { within } : {}) })
  }

  /** The labels in force on `uri`: the store's, with the decisions pending in this batch on top. */
  async #current(uri: string, pending: Map<string, LabelInput[]>): Promise<{ cid: string | undefined; val: string; automatic: boolean }[]> {
    const state = new Map<string, { cid: string | undefined; val: string; automatic: boolean }>()
    for (const l of await this.#store.currentLabels(uri)) state.set(`${l.cid ?? ''} ${l.val}`, { cid: l.cid, val: l.val, automatic: l.automatic })
    for (const input of pending.get(uri) ?? []) {
      const key = `${input.cid ?? ''} ${input.val}`
      if (input.neg) state.delete(key)
      else state.set(key, { cid: input.cid, val: input.val, automatic: state.get(key)?.automatic ?? true })
    }
    return [...state.values()]
  }

  async #classify(
    uri: string,
    cid: string,
    record: Record<string, unknown>,
    update: boolean,
    pending: Map<string, LabelInput[]>,
    reviews: ReviewSuggestion[],
  ): Promise<LabelInput[]> {
    const text = typeof record.text === 'string' ? record.text : ''
    const langs = Array.isArray(record.langs) ? record.langs.filter((l): l is string => typeof l === 'string') : undefined
    const result = this.#classifier.classify({ text, langs, alt: altTexts(record.embed), tags: tagFacets(record) })
    const out: LabelInput[] = []
    if (this.#langs.size === 0 || this.#langs.has(result.lang)) {
      for (const d of result.labels) out.push({ uri, cid, val: d.val, reasons: d.reasons })
      if (result.review !== undefined) reviews.push({ uri, cid, labels: result.review.map((d) => ({ val: d.val, score: d.score, reasons: d.reasons })) })
    }
    if (update) {
      // labels of the earlier version that the edited post no longer earns
      const keep = new Set(out.map((l) => l.val))
      for (const cur of await this.#current(uri, pending)) {
        if (cur.automatic && (!keep.has(cur.val) || cur.cid !== cid)) out.push({ uri, cid: cur.cid, val: cur.val, neg: true, reasons: ['post edited'] })
      }
    }
    return out
  }

  async #negateAll(uri: string, pending: Map<string, LabelInput[]>): Promise<LabelInput[]> {
    const current = await this.#current(uri, pending)
    return current.map((l) => ({ uri, cid: l.cid, val: l.val, neg: true, reasons: ['post deleted'] }))
  }
}

/** Alt texts of images (app.bsky.embed.images, also inside recordWithMedia). */
export function altTexts(embed: unknown): string[] {
  const out: string[] = []
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 3) return
    const obj = e as { images?: unknown; media?: unknown }
    if (Array.isArray(obj.images)) {
      for (const img of obj.images.slice(0, 4)) {
        const alt = (img as { alt?: unknown })?.alt
        if (typeof alt === 'string' && alt.length > 0) out.push(alt.slice(0, 2000))
      }
    }
    if (obj.media) visit(obj.media, depth + 1)
  }
  visit(embed, 0)
  return out
}

/** Hashtags the client attached: tag facets and the record's own `tags`. */
export function tagFacets(record: Record<string, unknown>): string[] {
  const out: string[] = []
  if (Array.isArray(record.facets)) {
    for (const f of record.facets) {
      const features = (f as { features?: unknown })?.features
      if (!Array.isArray(features)) continue
      for (const feat of features) {
        const x = feat as { $type?: unknown; tag?: unknown }
        if (x?.$type === 'app.bsky.richtext.facet#tag' && typeof x.tag === 'string') out.push(x.tag)
      }
    }
  }
  if (Array.isArray(record.tags)) for (const t of record.tags) if (typeof t === 'string') out.push(t)
  return out.slice(0, 16)
}
