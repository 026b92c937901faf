import type { FirehoseEvent, RepoOp } from '../../shared/firehose/events.ts'
import type { Logger } from '../../shared/logger.ts'
import type { Classifier, ClassifyInput } from '../classify/index.ts'
import { fileReviewSuggestions, type ReviewSuggestion } from '../moderation/classifier-review.ts'
import type { LabelerTx } from '../db/schema.ts'
import { InThreadClassifier, type PostClassifier, type Verdict } from './classify-pool.ts'
import type { LabelInput, LabelStore } from './store.ts'

export const FIREHOSE_CURSOR_ID = 'firehose'
export const POST_COLLECTION = 'app.bsky.feed.post'

/** A batch's post ops (creates, updates, deletes, in firehose order) and the verdicts of its creates and updates. */
export interface PreparedBatch {
  ops: RepoOp[]
  verdicts: Verdict[]
}

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
  readonly #classifier: PostClassifier
  readonly #logger: Logger

  /**
   * @param opts.classifier a ClassifyPool (worker threads), or a Classifier to classify in this thread
   * @param opts.langs classify only posts in these languages; for a pool, the pool's own `langs` apply
   */
  constructor(opts: { store: LabelStore; classifier: Classifier | PostClassifier; langs: string[]; logger: Logger }) {
    this.#store = opts.store
    this.#classifier = 'classifyBatch' in opts.classifier ? opts.classifier : new InThreadClassifier(opts.classifier, opts.langs)
    this.#logger = opts.logger
  }

  async getCursor(): Promise<number | undefined> {
    return await this.#store.getCursor(FIREHOSE_CURSOR_ID)
  }

  /**
   * Starts classifying a batch's posts (FirehoseConsumer's prepareBatch): with a pool, a worker thread
   * classifies the next batch while this thread writes the one before it.
   */
  prepare(events: FirehoseEvent[]): Promise<PreparedBatch> {
    const ops: RepoOp[] = []
    const posts: ClassifyInput[] = []
    for (const evt of events) {
      if (evt.type !== 'commit') continue
      for (const op of evt.ops) {
        if (op.collection !== POST_COLLECTION) continue
        if (op.action !== 'delete' && !(op.record && op.cid)) continue
        ops.push(op)
        if (op.action !== 'delete') posts.push(classifyInput(op.record as Record<string, unknown>))
      }
    }
    const verdicts = posts.length === 0 ? Promise.resolve([]) : this.#classifier.classifyBatch(posts)
    return verdicts.then((v) => ({ ops, verdicts: v }))
  }

  /**
   * Decides and writes a batch's labels with the firehose cursor, in one transaction. `prepared` is
   * `prepare(events)` when the consumer started it ahead; otherwise the batch is classified here.
   */
  async handleBatch(events: FirehoseEvent[], cursor: number, prepared?: Promise<PreparedBatch>): Promise<void> {
    // the batch's posts are classified together (in a worker thread while this thread decodes the next
    // frames and writes the batch before), then decided and written in firehose order.
    // A worker that cannot classify the batch throws here: nothing is written, the consumer retries
    const { ops, verdicts } = await (prepared ?? this.prepare(events))
    const inputs: LabelInput[] = []
    const reviews: ReviewSuggestion[] = []
    // @NOTE the batch is written at the end, in one transaction: a delete or an edit later in the same
    // batch (a post deleted right after it was made, seen together after a restart) must also see the
    // labels decided earlier in the batch, not only those already in the store
    const pending = new Map<string, LabelInput[]>()
    let next = 0
    for (const op of ops) {
      try {
        let decided: LabelInput[] = []
        if (op.action === 'delete') decided = await this.#negateAll(op.uri, pending)
        else {
          const verdict = verdicts[next++]
          if (verdict !== null && verdict !== undefined && 'failed' in verdict) throw new Error(verdict.failed)
          decided = await this.#decide(op.uri, op.cid as string, verdict ?? null, op.action === 'update', pending, reviews)
        }
        inputs.push(...decided)
        if (decided.length > 0) pending.set(op.uri, [...(pending.get(op.uri) ?? []), ...decided])
      } catch (err) {
        this.#logger.warn({ err, uri: op.uri }, 'skipping a post that could not be labelled')
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

  async #decide(
    uri: string,
    cid: string,
    verdict: Exclude<Verdict, { failed: string }>,
    update: boolean,
    pending: Map<string, LabelInput[]>,
    reviews: ReviewSuggestion[],
  ): Promise<LabelInput[]> {
    const out: LabelInput[] = []
    if (verdict !== null) {
      for (const d of verdict.labels) out.push({ uri, cid, val: d.val, reasons: d.reasons })
      if (verdict.review !== undefined) reviews.push({ uri, cid, labels: verdict.review })
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

/** What the classifier reads of a post record: its text, stated languages, alt texts and hashtags. */
export function classifyInput(record: Record<string, unknown>): ClassifyInput {
  const text = typeof record.text === 'string' ? record.text : ''
  const input: ClassifyInput = { text }
  if (Array.isArray(record.langs)) input.langs = record.langs.filter((l): l is string => typeof l === 'string')
  const alt = altTexts(record.embed)
  if (alt.length > 0) input.alt = alt
  const tags = tagFacets(record)
  if (tags.length > 0) input.tags = tags
  return input
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
