import type { FeedgenDb } from '../db/schema.ts'
import type { FeedChanges } from './changes.ts'
import type { FeedDefinition } from './definitions.ts'
import {
  candidateConditions,
  capKey,
  feedState,
  feedStateUntil,
  finishPage,
  planPage,
  readSkeleton,
  skeletonItem,
  type FeedState,
  type ReadOptions,
  type SkeletonItem,
  type SkeletonPage,
} from './skeleton.ts'
import { setBounded } from '../../shared/bounded-map.ts'
import { countEvent, timeSection } from '../sections.ts'

// The part of a feed's pages that is the same for every reader at a given moment (step 2's window,
// release moment, account status and label exclusion, step 3's ranks per author, newest first) is read
// once and kept in memory until it can change: a committed write that touches the feed (FeedChanges),
// the next quiet-hours boundary or release moment, or the next expiry of a label the feed excludes.
// When the writes since were of single items (posts and reposts written or deleted) or of accounts that
// turned inactive or active again, only those items (the accounts' by the author and reposter indexes)
// are read again and the kept rows are updated (a copy: requests still reading the old rows keep them).
// The window's edge moves all the time: it is applied when serving. A reader's "show less" choices are
// applied on top (with the ranks recounted without the authors they hide), and when the rows in memory
// run out the next ones are read from the database.
// @NOTE measured (bench:feed-read, 1M items, 2 vCPUs): reading every page from SQLite (the candidate
// walk with an index probe per row for accounts, labels and mutes) was ~2–3 ms of CPU a request.

interface CachedRow {
  uri: string
  sort_at: number
  author: string
  reposter: string | null
  /** whose post it counts as for the per-author cap */
  key: string
  /** its rank among the candidates of `key` (1 = their newest), without any reader's "show less" */
  rank: number
  item: SkeletonItem
}

interface Entry {
  /** the feed's FeedChanges version when the rows were first read */
  version: number
  /** the `now` the rows were read at; served only at this moment or later, before `until` */
  at: number
  until: number
  state: FeedState
  rows: CachedRow[]
  /** every candidate (as of `at`) is in `rows` */
  complete: boolean
  /** candidates per author so far (for the ranks of rows read later) */
  counts: Map<string, number>
  reading: Promise<void> | undefined
}

/** More changed items (or accounts) than this since the rows were read: the rows are read again. */
const MAX_CATCH_UP_ITEMS = 500
/** More items (in all feeds) of the accounts that turned (in)active than this: the rows are read again. */
const MAX_ACCOUNT_ITEMS = 300
/** The first read of a feed's rows; later reads grow 4×, at most MAX_READ rows at a time, up to MAX_ROWS. */
const FIRST_ROWS = 256
/**
 * @NOTE a read holds the event loop (~5 µs a row with its account and label checks): 1,024 rows was
 * ~5–9 ms of CPU, the most frequent section over 5 ms in bench:feed-read (every page read again after
 * an account change is grown again by the deeper readers); 256 rows is ~1.5 ms
 */
const MAX_READ = 256
/** A reader that goes deeper than this many candidates is served straight from the database. */
const MAX_ROWS = 16_384
const MUTES_TTL_MS = 60_000
const MAX_MUTE_ENTRIES = 10_000

export class FeedPageCache {
  readonly #db: FeedgenDb
  readonly #changes: FeedChanges
  readonly #entries = new Map<string, Entry>()
  readonly #building = new Map<string, { version: number; at: number; entry: Promise<Entry> }>()
  readonly #mutes = new Map<string, { authors: ReadonlySet<string>; at: number }>()
  /** the first expiry after `from` of any stored label, as read when the labels were at `labelsVersion` */
  #labelExpiry: { from: number; labelsVersion: number; next: number } | undefined
  /** grows with every forgetMutes, so a read that began before a change is not kept */
  #muteChanges = 0

  readonly #cacheMutes: boolean

  /** `cacheMutes`: only this process writes readers' "show less" choices (it calls forgetMutes after each). */
  constructor(db: FeedgenDb, changes: FeedChanges, opts: { cacheMutes: boolean }) {
    this.#db = db
    this.#changes = changes
    this.#cacheMutes = opts.cacheMutes
  }

  /** The same page as `readSkeleton(db, feed, opts)`. Throws InvalidCursorError for a malformed cursor. */
  async read(feed: FeedDefinition, opts: ReadOptions): Promise<SkeletonPage> {
    const now = opts.now
    const entry = await this.#entry(feed, now)
    const plan = planPage(feed, entry.state, opts)
    if (plan.done) return plan.done
    const { after, room } = plan
    const mutes = opts.reader === undefined ? undefined : await this.#readerMutes(feed.id, opts.reader, now)
    const cap = feed.wellbeing.perAuthor
    const windowStart = feed.wellbeing.windowMs === undefined ? undefined : now - feed.wellbeing.windowMs
    // with "show less" choices the ranks are counted again over what this reader can see
    const counts = mutes !== undefined && cap !== undefined ? new Map<string, number>() : undefined
    const out: CachedRow[] = []
    let i = mutes === undefined && after ? firstAfter(entry.rows, after) : 0
    for (;;) {
      if (i >= entry.rows.length) {
        if (entry.complete) break
        if (entry.rows.length >= MAX_ROWS) return await timeSection('page from the database', () => readSkeleton(this.#db, feed, opts))
        const held = entry.rows.length
        // @NOTE the read runs on the event loop (better-sqlite3): one read at a time, each after a turn
        // of the loop, so that a deep reader never holds the loop for more than one read (~1–2 ms)
        await new Promise((r) => setImmediate(r))
        await this.#more(feed, entry)
        // @NOTE never loop without reading: if no rows came and the rows are not complete, ask the database
        if (entry.rows.length === held && !entry.complete) return await timeSection('page from the database', () => readSkeleton(this.#db, feed, opts))
        continue
      }
      const r = entry.rows[i++] as CachedRow
      // rows are newest first: past the window's edge, nothing more is served
      if (windowStart !== undefined && r.sort_at < windowStart) break
      if (mutes !== undefined && (mutes.has(r.author) || (r.reposter !== null && mutes.has(r.reposter)))) continue
      if (cap !== undefined) {
        let rank = r.rank
        if (counts) {
          rank = (counts.get(r.key) ?? 0) + 1
          counts.set(r.key, rank)
        }
        if (rank > cap) continue
      }
      if (after && !(r.sort_at < after.ms || (r.sort_at === after.ms && r.uri < after.uri))) continue
      out.push(r)
      if (out.length > room) break
    }
    return finishPage(feed, plan, out, (r) => r.item)
  }

  /** After a reader's "show less" / "show more" choices for a feed were committed. */
  forgetMutes(feed: string, reader: string): void {
    this.#muteChanges++
    this.#mutes.delete(`${feed} ${reader}`)
  }

  async #entry(feed: FeedDefinition, now: number): Promise<Entry> {
    const version = this.#changes.version(feed.id)
    const valid = (e: Entry) => e.version === version && now >= e.at && now < e.until
    const cached = this.#entries.get(feed.id)
    if (cached && valid(cached)) return cached
    if (cached && cached.version < version && now >= cached.at && now < cached.until) {
      const updated = await timeSection('page catch-up', () => this.#catchUp(feed, cached))
      if (updated && now >= updated.at && now < updated.until) return updated
    }
    // one read for the requests that arrive together; a build that began before the latest change
    // (or at a later moment) is not waited for
    const building = this.#building.get(feed.id)
    if (building && building.version === version && now >= building.at) {
      const e = await building.entry
      if (valid(e)) return e
    }
    countEvent(`page read again: ${this.#why(feed.id, cached, now)}`)
    const entry = timeSection('page rebuild', () => this.#build(feed, now, version))
    const b = { version, at: now, entry }
    this.#building.set(feed.id, b)
    try {
      const e = await entry
      const current = this.#entries.get(feed.id)
      if (!current || current.version < e.version || (current.version === e.version && current.at <= e.at)) this.#entries.set(feed.id, e)
      return e
    } finally {
      if (this.#building.get(feed.id) === b) this.#building.delete(feed.id)
    }
  }

  /** why the last catch-up gave up (for #why) */
  #lastMiss = 'catch-up outlived'

  #miss(reason: string): undefined {
    this.#lastMiss = reason
    return undefined
  }

  /** Why a feed's rows are read again (for `bench:feed-read`'s breakdown). */
  #why(feed: string, cached: Entry | undefined, now: number): string {
    if (!cached) return 'not in memory'
    if (now >= cached.until) return 'boundary or label expiry'
    if (now < cached.at) return 'clock behind'
    if (cached.version < this.#changes.version(feed)) return `changes (${this.#changes.opaqueSince(feed, cached.version) ?? this.#lastMiss})`
    return 'other'
  }

  /**
   * A copy of `entry` brought up to the feed's current version by reading again only the items written
   * or deleted since and the items of accounts that turned inactive or active again, or undefined when
   * other changes happened (then the rows are read again).
   */
  async #catchUp(feed: FeedDefinition, entry: Entry): Promise<Entry | undefined> {
    const target = this.#changes.version(feed.id)
    const changed = this.#changes.changesSince(feed.id, entry.version)
    if (!changed) return undefined
    if (changed.uris.size + changed.accounts.size > MAX_CATCH_UP_ITEMS) return this.#miss('more changed items than MAX_CATCH_UP_ITEMS')
    const { uris, accounts } = changed
    // the rows read so far end at the last one: an item after it is read when the rows grow
    const last = entry.rows[entry.rows.length - 1]
    const inRows = (r: { sort_at: number; uri: string }) => entry.complete || !last || r.sort_at > last.sort_at || (r.sort_at === last.sort_at && r.uri >= last.uri)
    // @NOTE the window and the release moment are checked here, not in SQL: with a range on sort_at
    // the planner walked the feed's whole window (~40 ms) instead of looking the items up by key
    const { windowStart, releasedBefore } = entry.state
    if (accounts.size > 0) {
      // an account that is inactive now shows nothing: its rows go, nothing to read. One that is active
      // again: its items in the rows' range are read again.
      // @NOTE by the author and reposter indexes alone (with the feed in the condition, SQLite walked
      // the feed's whole primary key); an account with many items (~2,000 at most in bench:feed-read's
      // 1M, ~10 µs each) costs more than reading the rows again
      const inactive = await this.#db.selectFrom('account_status').select('did').where('did', 'in', [...accounts]).execute()
      const nowInactive = new Set(inactive.map((r) => r.did))
      const dids = [...accounts].filter((d) => !nowInactive.has(d))
      const theirs =
        dids.length === 0
          ? []
          : await this.#db
              .selectFrom('feed_item')
              .select(['feed', 'uri', 'sort_at'])
              .where('author', 'in', dids)
              .unionAll(this.#db.selectFrom('feed_item').select(['feed', 'uri', 'sort_at']).where('reposter', 'in', dids))
              .limit(MAX_ACCOUNT_ITEMS + 1)
              .execute()
      if (theirs.length > MAX_ACCOUNT_ITEMS) return this.#miss('accounts with more items than MAX_ACCOUNT_ITEMS')
      for (const t of theirs) {
        const r = { sort_at: Number(t.sort_at), uri: t.uri }
        if (t.feed === feed.id && (windowStart === undefined || r.sort_at >= windowStart) && inRows(r)) uris.add(t.uri)
      }
    }
    if (uris.size > MAX_CATCH_UP_ITEMS) return this.#miss('more changed items than MAX_CATCH_UP_ITEMS')
    const byKey = { quiet: false }
    const found =
      uris.size === 0
        ? []
        : await this.#db
            .selectFrom('feed_item as fi')
            .select(['fi.uri', 'fi.post_uri', 'fi.sort_at', 'fi.indexed_at', 'fi.reposter', 'fi.reason', 'fi.author'])
            .where((eb) => eb.and([...candidateConditions(eb, feed, byKey, entry.at, undefined), eb('fi.uri', 'in', [...uris])]))
            .execute()
    const gone = (r: CachedRow) => uris.has(r.uri) || accounts.has(r.author) || (r.reposter !== null && accounts.has(r.reposter))
    const fresh = found.filter(
      (f) =>
        (windowStart === undefined || Number(f.sort_at) >= windowStart) &&
        (releasedBefore === undefined || (Number(f.indexed_at) < releasedBefore && Number(f.sort_at) < releasedBefore)),
    )
    const add = fresh.map((f) => ({ f, sort_at: Number(f.sort_at), uri: f.uri })).filter(inRows)
    const removes = entry.rows.some(gone)
    if (add.length === 0 && !removes) {
      // nothing changed in the rows held (e.g. items older than they reach): the same rows, a newer version
      if (target > entry.version) entry.version = target
      return entry
    }
    const rows = removes ? entry.rows.filter((r) => !gone(r)) : entry.rows.slice()
    for (const { f } of add) {
      const r = { uri: f.uri, sort_at: Number(f.sort_at), author: f.author, reposter: f.reposter, key: capKey(f), rank: 0, item: skeletonItem(feed, f) }
      rows.splice(firstAfter(rows, { ms: r.sort_at, uri: r.uri }), 0, r)
    }
    const counts = new Map<string, number>()
    const ranked = rows.map((r) => {
      const rank = (counts.get(r.key) ?? 0) + 1
      counts.set(r.key, rank)
      return rank === r.rank ? r : { ...r, rank }
    })
    const updated: Entry = { ...entry, version: target, rows: ranked, counts, reading: undefined }
    this.#keep(feed.id, entry, updated, target)
    return updated
  }

  #keep(feed: string, from: Entry, updated: Entry, version: number): void {
    const current = this.#entries.get(feed)
    if (!current || current.version < version || current === from) this.#entries.set(feed, updated)
  }

  async #build(feed: FeedDefinition, now: number, version: number): Promise<Entry> {
    const state = feedState(feed, now)
    let until = feedStateUntil(feed, now)
    const entry: Entry = { version, at: now, until, state, rows: [], complete: state.quiet, counts: new Map(), reading: undefined }
    if (state.quiet) return entry
    // an excluded label that expires lets its post back in: the rows hold until the next expiry
    if (feed.exclude.labels.length > 0) until = Math.min(until, await this.#nextLabelExpiry(now))
    entry.until = until
    await this.#readRows(feed, entry, FIRST_ROWS)
    return entry
  }

  /**
   * The first moment after `now` at which a stored label expires (of any labeler and value: at worst
   * a page is read again sooner than needed). Read again only after labels changed or that moment.
   * @NOTE measured: the query scans feed_label (~7 ms at 10k labels); per page read it was most of the CPU.
   */
  async #nextLabelExpiry(now: number): Promise<number> {
    const labelsVersion = this.#changes.labelsVersion
    const known = this.#labelExpiry
    if (known && known.labelsVersion === labelsVersion && now >= known.from && now < known.next) return known.next
    const row = await this.#db
      .selectFrom('feed_label')
      .select((eb) => eb.fn.min('exp_at').as('next'))
      .where('exp_at', '>', now)
      .executeTakeFirst()
    const next = row?.next === null || row?.next === undefined ? Number.POSITIVE_INFINITY : Number(row.next)
    this.#labelExpiry = { from: now, labelsVersion, next }
    return next
  }

  async #more(feed: FeedDefinition, entry: Entry): Promise<void> {
    if (!entry.reading) {
      const size = Math.min(MAX_ROWS - entry.rows.length, MAX_READ, Math.max(FIRST_ROWS, entry.rows.length * 3))
      entry.reading = timeSection('page more rows', () => this.#readRows(feed, entry, size)).finally(() => (entry.reading = undefined))
    }
    await entry.reading
  }

  /** The next `size` candidates after the last row (step 2's conditions as of `entry.at`, no reader). */
  async #readRows(feed: FeedDefinition, entry: Entry, size: number): Promise<void> {
    const last = entry.rows[entry.rows.length - 1]
    let q = this.#db
      .selectFrom('feed_item as fi')
      .select(['fi.uri', 'fi.post_uri', 'fi.sort_at', 'fi.reposter', 'fi.reason', 'fi.author'])
      .where((eb) => eb.and(candidateConditions(eb, feed, entry.state, entry.at, undefined)))
    if (last) q = q.where((eb) => eb.or([eb('fi.sort_at', '<', last.sort_at), eb.and([eb('fi.sort_at', '=', last.sort_at), eb('fi.uri', '<', last.uri)])]))
    const rows = await q.orderBy('fi.sort_at', 'desc').orderBy('fi.uri', 'desc').limit(size).execute()
    for (const r of rows) {
      const key = capKey(r)
      const rank = (entry.counts.get(key) ?? 0) + 1
      entry.counts.set(key, rank)
      entry.rows.push({ uri: r.uri, sort_at: Number(r.sort_at), author: r.author, reposter: r.reposter, key, rank, item: skeletonItem(feed, r) })
    }
    if (rows.length < size) entry.complete = true
  }

  async #readerMutes(feed: string, reader: string, now: number): Promise<ReadonlySet<string> | undefined> {
    const k = `${feed} ${reader}`
    let m = this.#cacheMutes ? this.#mutes.get(k) : undefined
    if (!m || now < m.at || now - m.at >= MUTES_TTL_MS) {
      const changes = this.#muteChanges
      const rows = await this.#db.selectFrom('reader_mute').select('author').where('feed', '=', feed).where('reader', '=', reader).execute()
      m = { authors: new Set(rows.map((r) => r.author)), at: now }
      this.#mutes.delete(k)
      if (!this.#cacheMutes || changes !== this.#muteChanges) return m.authors.size > 0 ? m.authors : undefined
      setBounded(this.#mutes, k, m, MAX_MUTE_ENTRIES)
    }
    return m.authors.size > 0 ? m.authors : undefined
  }
}

/** The index of the first row strictly after the cursor's position (rows newest first, by sort_at then uri). */
function firstAfter(rows: CachedRow[], after: { ms: number; uri: string }): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const r = rows[mid] as CachedRow
    if (r.sort_at < after.ms || (r.sort_at === after.ms && r.uri < after.uri)) hi = mid
    else lo = mid + 1
  }
  return lo
}
