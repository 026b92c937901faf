import { fromString as parseCid } from '@atcute/cid'
import type { Keypair } from '@atproto/crypto'
import { isValidAtUri, isValidDatetime, isValidDid } from '@atproto/syntax'
import { sql, type ExpressionBuilder } from 'kysely'
import { InvalidCursorError, migrateToLatestOrThrow, openDatabase, type DatabaseConfig, type DatabaseHandle } from '../../shared/db/index.ts'
import { subsystemLogger } from '../../shared/logger.ts'
import { migrations } from '../db/migrations/index.ts'
import type { LabelerDb, LabelerSchema, LabelerTx } from '../db/schema.ts'
import { InvalidLabelError, signLabel, type SignedLabel, type UnsignedLabel } from '../../shared/labels/signing.ts'

export { InvalidLabelError }

/** One label decision: apply `val` to `uri` (optionally to one version, `cid`), or negate it. */
export interface LabelInput {
  /** an at:// URI, or a DID for an account label */
  uri: string
  cid?: string
  /** lowercase letters and hyphens, optionally a leading `!`; at most 128 bytes */
  val: string
  neg?: boolean
  /** any atproto datetime; stored and signed in its normalized form (UTC, milliseconds, `Z`) */
  exp?: string
  /** why: the rules that fired, or a moderator's note */
  reasons?: string[]
}

export interface LabelEvent {
  seq: number
  label: SignedLabel
}

export type CurrentLabel = SignedLabel & { reasons: string[]; automatic: boolean }

export interface LabelStoreOptions {
  /** SQLite file; `:memory:` for tests (or give `database`) */
  file?: string
  /** where the labels live: a SQLite file or a PostgreSQL schema (takes precedence over `file`) */
  database?: DatabaseConfig
  /** the labeler's DID: `src` of every label it issues */
  src: string
  /** the labeler's `#atproto_label` key */
  keypair: Keypair
  /** @default Date.now */
  now?: () => number
  /** keep only the newest N events for subscribeLabels backfill; @default keep all */
  retainEvents?: number
}

export interface ApplyOptions {
  /** a stream cursor written in the same transaction as the labels */
  cursor?: { id: string; seq: number }
  /** the classifier decided (true) or a moderator (false); @default false */
  automatic?: boolean
  /** the version of the rules that produced the reasons */
  rulesVersion?: string
  /**
   * Runs inside the same transaction, after the labels are written (the moderation audit log and
   * manual decisions), so both commit or neither does.
   */
  within?: (trx: LabelerTx, events: LabelEvent[]) => Promise<void>
}

const VAL_RE = /^[a-z!][a-z-]*$/
const MAX_LIST_LIMIT = 10_000
const MAX_QUERY_LIMIT = 1_000

interface PreparedInput {
  uri: string
  cid: string
  val: string
  neg: boolean
  exp: string | undefined
  reasons: string[] | undefined
}

type Listener = (events: LabelEvent[]) => void

/** PostgreSQL: the transaction-level advisory lock every label store write holds (one writer at a time, also across processes). */
const WRITE_LOCK = 0x706c6e6c // "plnl"

/**
 * Labels issued by this labeler: the current state per (src, uri, cid, val) in `label`, and every
 * change as a signed event with an ever-growing `seq` in `label_event` (the subscribeLabels stream).
 * One writer per database; `apply` calls are serialized, and listeners see events in seq order.
 * @NOTE seqs are gap-free and a reader never sees seq N+1 before N: SQLite has one writer; on PostgreSQL
 * every write transaction first takes an advisory lock (held until commit) and hands out the next seq
 * itself (a sequence would leave gaps on rollback and could commit out of order).
 */
export class LabelStore {
  readonly #db: LabelerDb
  readonly #handle: DatabaseHandle<LabelerSchema>
  readonly #pg: boolean
  readonly #src: string
  readonly #keypair: Keypair
  readonly #now: () => number
  readonly #retainEvents: number | undefined
  readonly #listeners = new Set<Listener>()
  readonly #logger = subsystemLogger('labeler:labels')
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(handle: DatabaseHandle<LabelerSchema>, opts: LabelStoreOptions) {
    this.#handle = handle
    this.#db = handle.db
    this.#pg = handle.kind === 'postgres'
    this.#src = opts.src
    this.#keypair = opts.keypair
    this.#now = opts.now ?? Date.now
    this.#retainEvents = opts.retainEvents
  }

  /** the labeler's DID: `src` of every label it issues */
  get src(): string {
    return this.#src
  }

  static async open(opts: LabelStoreOptions): Promise<LabelStore> {
    if (!isValidDid(opts.src)) throw new Error(`the labeler's DID (label src) must be a DID, got "${opts.src}"`)
    if (opts.retainEvents !== undefined && (!Number.isSafeInteger(opts.retainEvents) || opts.retainEvents < 1)) {
      throw new Error(`retainEvents must be a whole number of at least 1, got ${opts.retainEvents}`)
    }
    const database: DatabaseConfig | undefined = opts.database ?? (opts.file === undefined ? undefined : { kind: 'sqlite', file: opts.file })
    if (database === undefined) throw new Error('the label store needs a database (or a SQLite file)')
    const handle = await openDatabase<LabelerSchema>(database, { name: 'plein-labeler' })
    try {
      await migrateToLatestOrThrow(handle.db, migrations)
      const store = new LabelStore(handle, opts)
      await store.#pruneEvents(handle.db)
      return store
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /**
   * Applies label changes in one transaction and returns the events for those that changed the
   * current state, in seq order. The same label twice is a no-op (no event, no write); negating an
   * absent or already negated label is a no-op; a negation replaces the label; applying it again
   * after a negation is a new positive event; a different `exp` is a change. Any invalid input
   * throws InvalidLabelError before anything is written; `cursor` is saved in the same transaction.
   * Manual decisions win: with `automatic`, a value a moderator negated on that subject is skipped.
   * Listeners get the events right after the commit.
   */
  async apply(inputs: LabelInput[], opts: ApplyOptions = {}): Promise<LabelEvent[]> {
    const prepared = inputs.map(prepareInput)
    const cursor = opts.cursor
    if (cursor !== undefined && (typeof cursor.id !== 'string' || cursor.id === '' || !Number.isSafeInteger(cursor.seq) || cursor.seq < 0)) {
      throw new InvalidLabelError('cursor must be { id: non-empty string, seq: whole number ≥ 0 }')
    }
    return await this.#exclusive(async () => {
      const now = this.#now()
      const events: LabelEvent[] = []
      await this.#db.transaction().execute(async (trx) => {
        await this.#lock(trx)
        const seqs = await this.#seqs(trx)
        for (const input of prepared) {
          const evt = await this.#applyOne(trx, input, now, opts, seqs)
          if (evt) events.push(evt)
        }
        if (opts.within) await opts.within(trx, events)
        if (events.length > 0) await this.#pruneEvents(trx)
        if (cursor !== undefined) {
          await trx
            .insertInto('cursor')
            .values({ id: cursor.id, seq: cursor.seq })
            .onConflict((oc) => oc.column('id').doUpdateSet({ seq: cursor.seq }))
            .execute()
        }
      })
      this.#emit(events)
      return events
    })
  }

  async #applyOne(trx: LabelerTx, input: PreparedInput, now: number, opts: ApplyOptions, seqs: () => number | undefined): Promise<LabelEvent | undefined> {
    const key = { src: this.#src, uri: input.uri, cid: input.cid, val: input.val }
    if (opts.automatic && !input.neg && (await manuallyNegated(trx, input.uri, input.val))) return undefined
    const cur = await trx
      .selectFrom('label')
      .select(['neg', 'exp', 'cts'])
      .where('src', '=', key.src)
      .where('uri', '=', key.uri)
      .where('cid', '=', key.cid)
      .where('val', '=', key.val)
      .executeTakeFirst()
    if (input.neg) {
      if (cur === undefined || cur.neg === 1) return undefined
    } else if (cur !== undefined && cur.neg === 0 && (cur.exp ?? undefined) === input.exp) {
      // a moderator confirming a label the classifier set: the label stays, the decision becomes manual
      if (!opts.automatic) await writeReason(trx, key, input, opts, now)
      return undefined
    }
    // @NOTE cts strictly grows per label, also when the clock steps back, so "newest cts wins" holds
    let ctsMs = now
    const curCts = cur === undefined ? NaN : Date.parse(cur.cts)
    if (curCts >= ctsMs) ctsMs = curCts + 1
    const unsigned: UnsignedLabel = { ver: 1, src: key.src, uri: key.uri, val: key.val, cts: new Date(ctsMs).toISOString() }
    if (input.cid !== '') unsigned.cid = input.cid
    if (input.neg) unsigned.neg = true
    if (input.exp !== undefined) unsigned.exp = input.exp
    const label = await signLabel(unsigned, this.#keypair)
    const common = { neg: input.neg ? 1 : 0, cts: label.cts, exp: input.exp ?? null, sig: label.sig }
    const explicitSeq = seqs()
    const { seq } = await trx
      .insertInto('label_event')
      .values({ ...(explicitSeq === undefined ? {} : { seq: explicitSeq }), ...key, ...common, created_at: now })
      .returning('seq')
      .executeTakeFirstOrThrow()
    const state = { ...common, exp_at: input.exp === undefined ? null : Date.parse(input.exp), seq }
    await trx
      .insertInto('label')
      .values({ ...key, ...state })
      .onConflict((oc) => oc.columns(['src', 'uri', 'cid', 'val']).doUpdateSet(state))
      .execute()
    await writeReason(trx, key, input, opts, now)
    return { seq, label }
  }

  /**
   * The database, for modules that keep their own tables in it (moderation). Reads only: writes go
   * through `write` or `apply({ within })`, so they are ordered with the label writes.
   */
  get db(): LabelerDb {
    return this.#db
  }

  /** Runs `fn` in a write transaction, after every earlier write has finished. */
  async write<T>(fn: (trx: LabelerTx) => Promise<T>): Promise<T> {
    return await this.#exclusive(() =>
      this.#db.transaction().execute(async (trx) => {
        await this.#lock(trx)
        return await fn(trx)
      }),
    )
  }

  /** PostgreSQL: one label store writer at a time, until this transaction ends (SQLite: its single writer already is). */
  async #lock(trx: LabelerTx): Promise<void> {
    if (this.#pg) await sql`select pg_advisory_xact_lock(${sql.lit(WRITE_LOCK)})`.execute(trx)
  }

  /**
   * The seqs for this transaction's new events: on PostgreSQL counted on from the newest seq (under the
   * write lock); on SQLite AUTOINCREMENT hands them out (undefined).
   */
  async #seqs(trx: LabelerTx): Promise<() => number | undefined> {
    if (!this.#pg) return () => undefined
    let next = (await latestSeq(trx, true)) + 1
    return () => next++
  }

  async getCursor(id: string): Promise<number | undefined> {
    const row = await this.#db.selectFrom('cursor').select('seq').where('id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : Number(row.seq)
  }

  /** The newest seq handed out (0 before the first event); survives deletes of old events. */
  async getLatestSeq(): Promise<number> {
    return await latestSeq(this.#db, this.#pg)
  }

  /** The oldest retained event's seq (0 when there is none). */
  async getEarliestSeq(): Promise<number> {
    const row = await this.#db.selectFrom('label_event').select((eb) => eb.fn.min('seq').as('seq')).executeTakeFirst()
    return Number(row?.seq ?? 0)
  }

  /** Events with seq > afterSeq, ascending, at most `limit`. */
  async listLabelEvents(afterSeq: number, limit: number): Promise<LabelEvent[]> {
    const rows = await this.#db
      .selectFrom('label_event')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(clamp(limit, MAX_LIST_LIMIT))
      .execute()
    return rows.map((r) => ({ seq: Number(r.seq), label: rowToLabel(r) }))
  }

  /**
   * Current labels for queryLabels, oldest change first. `uriPatterns` are exact URIs, or prefixes
   * when they end in `*` (the only wildcard; `*` alone matches everything; `%` and `_` are literal).
   * Negated and expired labels are not served. `cursor` is opaque (the seq of the last label
   * returned); a query that is exhausted returns no cursor.
   */
  async queryLabels(q: { uriPatterns: string[]; sources?: string[]; limit: number; cursor?: string }): Promise<{ labels: SignedLabel[]; cursor?: string }> {
    const limit = clamp(q.limit, MAX_QUERY_LIMIT)
    const after = q.cursor === undefined ? 0 : decodeSeqCursor(q.cursor)
    if (q.uriPatterns.length === 0) return { labels: [] }
    const matchAll = q.uriPatterns.some((p) => p === '*')
    let query = this.#db
      .selectFrom('label')
      .selectAll()
      .where('neg', '=', 0)
      .where((eb) => eb.or([eb('exp_at', 'is', null), eb('exp_at', '>', this.#now())]))
      .where('seq', '>', after)
    if (!matchAll) query = query.where((eb) => eb.or(q.uriPatterns.map((p) => uriPatternFilter(eb, p))))
    if (q.sources !== undefined && q.sources.length > 0) query = query.where('src', 'in', q.sources)
    const rows = await query.orderBy('seq', 'asc').limit(limit + 1).execute()
    const page = rows.slice(0, limit)
    const labels = page.map(rowToLabel)
    const last = page.at(-1)
    return rows.length > limit && last !== undefined ? { labels, cursor: String(last.seq) } : { labels }
  }

  /** This labeler's labels on `uri` that are in force now (not negated, not expired), with their reasons. */
  async currentLabels(uri: string): Promise<CurrentLabel[]> {
    const rows = await this.#db
      .selectFrom('label')
      .leftJoin('label_reason', (j) =>
        j
          .onRef('label_reason.src', '=', 'label.src')
          .onRef('label_reason.uri', '=', 'label.uri')
          .onRef('label_reason.cid', '=', 'label.cid')
          .onRef('label_reason.val', '=', 'label.val'),
      )
      .selectAll('label')
      .select(['label_reason.reasons', 'label_reason.automatic'])
      .where('label.uri', '=', uri)
      .where('label.src', '=', this.#src)
      .where('label.neg', '=', 0)
      .where((eb) => eb.or([eb('label.exp_at', 'is', null), eb('label.exp_at', '>', this.#now())]))
      .orderBy('label.seq', 'asc')
      .execute()
    return rows.map((r) => ({ ...rowToLabel(r), reasons: parseReasons(r.reasons), automatic: r.automatic === 1 }))
  }

  /** `listener` gets each batch of new events right after its transaction commits, in seq order. */
  onEvents(listener: (events: LabelEvent[]) => void): () => void {
    const wrapped: Listener = (events) => listener(events)
    this.#listeners.add(wrapped)
    return () => {
      this.#listeners.delete(wrapped)
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#queue.catch(() => undefined)
    this.#listeners.clear()
    await this.#handle.close()
  }

  #emit(events: LabelEvent[]): void {
    if (events.length === 0) return
    for (const listener of [...this.#listeners]) {
      try {
        listener(events)
      } catch (err) {
        this.#logger.error({ err }, 'a label event listener threw')
      }
    }
  }

  /** Runs `fn` after every earlier write has finished, so commits and emits happen in seq order. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the label store is closed'))
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #pruneEvents(db: LabelerDb | LabelerTx): Promise<void> {
    const keep = this.#retainEvents
    if (keep === undefined) return
    await db
      .deleteFrom('label_event')
      .where('seq', '<=', (eb) => eb.selectFrom('label_event').select('seq').orderBy('seq', 'desc').limit(1).offset(keep))
      .execute()
  }
}

/**
 * The newest seq handed out, 0 before the first. SQLite: AUTOINCREMENT's counter. PostgreSQL: the
 * highest seq in `label` (every event updates its label's row, and label rows are never deleted), or in
 * `label_event`; both are index lookups, and pruned events do not lower it.
 */
async function latestSeq(db: LabelerDb | LabelerTx, pg: boolean): Promise<number> {
  if (!pg) {
    const { rows } = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'label_event'`.execute(db)
    return Number(rows[0]?.seq ?? 0)
  }
  const { rows } = await sql<{ seq: number | null }>`select greatest((select max(seq) from label), (select max(seq) from label_event)) as seq`.execute(db)
  return Number(rows[0]?.seq ?? 0)
}

async function writeReason(
  trx: LabelerTx,
  key: { src: string; uri: string; cid: string; val: string },
  input: PreparedInput,
  opts: ApplyOptions,
  now: number,
): Promise<void> {
  const reason = {
    reasons: JSON.stringify(input.reasons ?? []),
    rules_version: opts.rulesVersion ?? null,
    automatic: opts.automatic ? 1 : 0,
    created_at: now,
  }
  await trx
    .insertInto('label_reason')
    .values({ ...key, ...reason })
    .onConflict((oc) => oc.columns(['src', 'uri', 'cid', 'val']).doUpdateSet(reason))
    .execute()
}

/** Manual decisions win: a value a moderator negated on a subject (any version) is not applied automatically. */
async function manuallyNegated(trx: LabelerTx, uri: string, val: string): Promise<boolean> {
  const row = await trx.selectFrom('manual_decision').select('neg').where('uri', '=', uri).where('val', '=', val).executeTakeFirst()
  return row?.neg === 1
}

function prepareInput(input: LabelInput, i: number): PreparedInput {
  const bad = (msg: string) => new InvalidLabelError(`label input ${i}: ${msg}`)
  if (input === null || typeof input !== 'object') throw bad('not an object')
  const { uri, cid, val, neg, exp, reasons } = input
  if (typeof uri !== 'string' || uri.length > 8192 || !(isValidDid(uri) || isValidAtUri(uri))) throw bad(`uri must be an at:// URI or a DID, got "${String(uri).slice(0, 200)}"`)
  if (cid !== undefined && (typeof cid !== 'string' || !isCid(cid))) throw bad(`cid is not a CID: "${String(cid).slice(0, 200)}"`)
  if (typeof val !== 'string' || val.length > 128 || !VAL_RE.test(val)) {
    throw bad(`val must be lowercase letters and hyphens (optionally a leading "!"), at most 128 bytes, got "${String(val).slice(0, 200)}"`)
  }
  if (neg !== undefined && typeof neg !== 'boolean') throw bad('neg must be a boolean')
  let expNorm: string | undefined
  if (exp !== undefined) {
    const ms = typeof exp === 'string' && isValidDatetime(exp) ? Date.parse(exp) : NaN
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw bad(`exp must be a datetime with a timezone, got "${String(exp).slice(0, 200)}"`)
    expNorm = new Date(ms).toISOString()
  }
  if (reasons !== undefined && (!Array.isArray(reasons) || !reasons.every((r) => typeof r === 'string'))) throw bad('reasons must be strings')
  return { uri, cid: cid ?? '', val, neg: neg === true, exp: expNorm, reasons }
}

function isCid(s: string): boolean {
  try {
    parseCid(s)
    return true
  } catch {
    return false
  }
}

interface LabelRow {
  src: string
  uri: string
  cid: string
  val: string
  neg: number
  cts: string
  exp: string | null
  sig: Uint8Array
}

function rowToLabel(r: LabelRow): SignedLabel {
  const label: SignedLabel = { ver: 1, src: r.src, uri: r.uri, val: r.val, cts: r.cts, sig: new Uint8Array(r.sig) }
  if (r.cid !== '') label.cid = r.cid
  if (r.neg === 1) label.neg = true
  if (r.exp !== null) label.exp = r.exp
  return label
}

function parseReasons(json: string | null): string[] {
  if (json === null) return []
  try {
    const v: unknown = JSON.parse(json)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

function clamp(limit: number, max: number): number {
  if (!Number.isFinite(limit) || limit < 1) return 1
  return Math.min(Math.floor(limit), max)
}

function decodeSeqCursor(cursor: string): number {
  if (!/^\d{1,16}$/.test(cursor)) throw new InvalidCursorError('malformed cursor')
  const seq = Number(cursor)
  if (!Number.isSafeInteger(seq)) throw new InvalidCursorError('malformed cursor')
  return seq
}

/**
 * Exact match, or a prefix match when the pattern ends in `*`, as an index range
 * (`prefix <= uri < successor(prefix)`) rather than LIKE, so `%` and `_` stay literal.
 */
function uriPatternFilter(eb: ExpressionBuilder<LabelerSchema, 'label'>, pattern: string) {
  if (!pattern.endsWith('*')) return eb('uri', '=', pattern)
  const prefix = pattern.slice(0, -1)
  const upper = successor(prefix)
  if (upper !== undefined) return eb.and([eb('uri', '>=', prefix), eb('uri', '<', upper)])
  // only U+10FFFF characters (or nothing) after the first: no string bounds the range from above
  const n = [...prefix].length
  return eb.and([eb('uri', '>=', prefix), eb(eb.fn('substr', [eb.ref('uri'), eb.lit(1), eb.val(n)]), '=', prefix)])
}

/**
 * The smallest string greater than every string that starts with `prefix`, in SQLite's BINARY
 * (UTF-8 byte, so code point) order: the prefix with its last code point incremented.
 */
export function successor(prefix: string): string | undefined {
  const cps = [...prefix].map((c) => c.codePointAt(0) as number)
  while (cps.length > 0 && cps[cps.length - 1] === 0x10ffff) cps.pop()
  const last = cps.pop()
  if (last === undefined) return undefined
  // the next code point after U+D7FF that UTF-8 can carry is U+E000 (no surrogates)
  cps.push(last >= 0xd7ff && last < 0xe000 ? 0xe000 : last + 1)
  return String.fromCodePoint(...cps)
}
