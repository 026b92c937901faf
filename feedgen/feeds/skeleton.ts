import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely'
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/db/index.ts'
import type { FeedgenDb, FeedgenSchema } from '../db/schema.ts'
import { inQuietHours, lastRelease, nextLocal } from './clock.ts'
import type { FeedDefinition } from './definitions.ts'

export interface SkeletonItem {
  post: string
  reason?: { $type: 'app.bsky.feed.defs#skeletonReasonRepost'; repost: string } | { $type: 'app.bsky.feed.defs#skeletonReasonPin' }
  /** "<feed id>|<why>": why the item is in the feed (list, author, hashtag, keyword, repost, pin); sent back with interactions */
  feedContext?: string
}

export interface SkeletonPage {
  feed: SkeletonItem[]
  /** absent when the reader has reached the end of the feed ("all caught up") */
  cursor?: string
}

/**
 * The policies, in the order they apply (the README lists the same order):
 *  1. quiet hours: only the pinned post (or nothing), and the feed ends;
 *  2. candidates: items of this feed inside the window, released (indexed before the latest release
 *     moment), from active accounts, without an excluded label on the post or its author, and not by
 *     an author this reader asked to see less of; the pinned post is shown separately;
 *  3. per-author cap: only each author's newest N candidates (reposts count for the reposter);
 *  4. newest first, paged by `sort_at::uri` cursors;
 *  5. maxItems: a reading session (one chain of cursors) ends after this many posts;
 *  6. the pinned post comes first on the first page.
 */
export interface ReadOptions {
  limit: number
  cursor?: string
  now: number
  /** the reader's DID, when the request was authenticated */
  reader?: string
}

export interface FeedState {
  quiet: boolean
  windowStart?: number
  /** items indexed after this are not released yet */
  releasedBefore?: number
}

interface ClockState {
  quiet: boolean
  releasedBefore: number | undefined
  /** the instants between which `quiet` and `releasedBefore` hold: [from, until) */
  from: number
  until: number
}

/** The longest a clock state is reused, even when no quiet-hours boundary or release moment comes sooner. */
const CLOCK_STATE_MAX_MS = 60_000
const clockStates = new WeakMap<FeedDefinition, ClockState>()

/**
 * Quiet hours and the last release moment change only at the feed's local boundary times, so they are
 * worked out (time-zone arithmetic, several Intl calls) once per interval between two boundaries.
 * @NOTE measured (bench:feed-read): computing them on every request was ~2% of the service's CPU.
 */
function clockState(feed: FeedDefinition, now: number): ClockState {
  const cached = clockStates.get(feed)
  if (cached && now >= cached.from && now < cached.until) return cached
  const wb = feed.wellbeing
  const boundaries = [...(wb.quietHours ? [wb.quietHours.from, wb.quietHours.to] : []), ...(wb.releases ?? [])]
  const state: ClockState = {
    quiet: wb.quietHours ? inQuietHours(now, wb.timezone, wb.quietHours) : false,
    releasedBefore: wb.releases ? lastRelease(now, wb.timezone, wb.releases) : undefined,
    from: now,
    until: boundaries.length > 0 ? Math.min(nextLocal(now, wb.timezone, boundaries), now + CLOCK_STATE_MAX_MS) : Number.POSITIVE_INFINITY,
  }
  clockStates.set(feed, state)
  return state
}

export function feedState(feed: FeedDefinition, now: number): FeedState {
  const wb = feed.wellbeing
  const clock = clockState(feed, now)
  return {
    quiet: clock.quiet,
    windowStart: wb.windowMs === undefined ? undefined : now - wb.windowMs,
    releasedBefore: clock.releasedBefore,
  }
}

/** Until when `feedState(feed, now)` keeps its quiet hours and release moment (the window edge moves all the time). */
export function feedStateUntil(feed: FeedDefinition, now: number): number {
  return clockState(feed, now).until
}

export interface FeedCursor {
  ms: number
  uri: string
  /** posts served so far in this reading session (for maxItems) */
  served: number
}

/** a position before every item (a first page that held only the pin) */
const START: FeedCursor = { ms: Number.MAX_SAFE_INTEGER, uri: 'at://~', served: 0 }
const encodeCursor = (c: FeedCursor) => encodeTimeCursor(c.ms, c.uri, c.served)
export const decodeCursor = (c: string): FeedCursor => decodeTimeCursor(c)

type FI = ExpressionBuilder<FeedgenSchema & { fi: FeedgenSchema['feed_item'] }, 'fi'>

/** Conditions of step 2, shared by the skeleton and the explanation. */
export function candidateConditions(eb: FI, feed: FeedDefinition, state: FeedState, now: number, reader: string | undefined): Expression<SqlBool>[] {
  const conds: Expression<SqlBool>[] = [eb('fi.feed', '=', feed.id)]
  if (state.windowStart !== undefined) conds.push(eb('fi.sort_at', '>=', state.windowStart))
  if (state.releasedBefore !== undefined) {
    conds.push(eb('fi.indexed_at', '<', state.releasedBefore))
    // @NOTE implied (sort_at = min(createdAt, indexedAt) ≤ indexed_at for every item), but it bounds the
    // range scan of feed_item_order_idx: without it every request skipped, row by row, all the items
    // indexed since the last release (measured: ~6 h of a 150k-item feed took ~70 ms per request)
    conds.push(eb('fi.sort_at', '<', state.releasedBefore))
  }
  const inactive = (col: 'fi.author' | 'fi.reposter') => eb.exists(eb.selectFrom('account_status as a').select(sql.lit(1).as('one')).whereRef('a.did', '=', col))
  conds.push(eb.not(inactive('fi.author')))
  conds.push(eb.or([eb('fi.reposter', 'is', null), eb.not(inactive('fi.reposter'))]))
  for (const ex of feed.exclude.labels) {
    const labelled = (col: 'fi.post_uri' | 'fi.author') =>
      eb.exists(
        eb
          .selectFrom('feed_label as l')
          .select(sql.lit(1).as('one'))
          .whereRef('l.uri', '=', col)
          .where('l.src', '=', ex.labeler)
          .where('l.val', 'in', ex.values)
          .where((w) => w.or([w('l.exp_at', 'is', null), w('l.exp_at', '>', now)])),
      )
    conds.push(eb.not(labelled('fi.post_uri')))
    conds.push(eb.not(labelled('fi.author')))
  }
  if (reader) {
    const muted = (col: 'fi.author' | 'fi.reposter') =>
      eb.exists(
        eb
          .selectFrom('reader_mute as m')
          .select(sql.lit(1).as('one'))
          .where('m.feed', '=', feed.id)
          .where('m.reader', '=', reader)
          .whereRef('m.author', '=', col),
      )
    conds.push(eb.not(muted('fi.author')))
    conds.push(eb.or([eb('fi.reposter', 'is', null), eb.not(muted('fi.reposter'))]))
  }
  if (feed.wellbeing.pinned) conds.push(eb('fi.post_uri', '!=', feed.wellbeing.pinned))
  return conds
}

export interface CandidateRow {
  uri: string
  post_uri: string
  sort_at: number
  reposter: string | null
  reason: string
  author: string
}

/** Whose post an item counts as for the per-author cap: a repost counts for the reposter. */
export const capKey = (r: { author: string; reposter: string | null }): string => r.reposter ?? r.author

/** Chunks of the walk grow 4× from `firstChunk` up to this many rows. */
const MAX_CHUNK = 2_000

/**
 * Step 3's walk: the feed's candidates (step 2) newest first, each with its rank among the candidates
 * of the same author (`capKey`; 1 = their newest), read in chunks that grow. `visit` returns false to
 * stop. With `key`, only that author's candidates are walked (their posts, and their reposts): the
 * ranks are the same as in the full walk. With `until`, the walk ends after that position.
 * @NOTE measured (bench:feed-read): reading the first chunk of 500 rows for every page cost ~3 ms at
 * 1M items; a page of 30 mostly needs ~60–120 rows.
 */
export async function walkCandidates(
  db: FeedgenDb,
  feed: FeedDefinition,
  state: FeedState,
  opts: { now: number; reader?: string; key?: string; until?: { ms: number; uri: string }; firstChunk: number },
  visit: (row: CandidateRow, rank: number) => boolean,
): Promise<void> {
  const counts = new Map<string, number>()
  let pos: { ms: number; uri: string } | undefined
  let size = Math.max(1, Math.min(MAX_CHUNK, Math.floor(opts.firstChunk)))
  for (;;) {
    let q = db
      .selectFrom('feed_item as fi')
      .select(['fi.uri', 'fi.post_uri', 'fi.sort_at', 'fi.reposter', 'fi.reason', 'fi.author'])
      .where((eb) => eb.and(candidateConditions(eb, feed, state, opts.now, opts.reader)))
    const key = opts.key
    if (key !== undefined) q = q.where((eb) => eb.or([eb('fi.reposter', '=', key), eb.and([eb('fi.reposter', 'is', null), eb('fi.author', '=', key)])]))
    const until = opts.until
    if (until) q = q.where((eb) => eb.or([eb('fi.sort_at', '>', until.ms), eb.and([eb('fi.sort_at', '=', until.ms), eb('fi.uri', '>=', until.uri)])]))
    const from = pos
    if (from) q = q.where((eb) => eb.or([eb('fi.sort_at', '<', from.ms), eb.and([eb('fi.sort_at', '=', from.ms), eb('fi.uri', '<', from.uri)])]))
    const chunk = await q.orderBy('fi.sort_at', 'desc').orderBy('fi.uri', 'desc').limit(size).execute()
    for (const r of chunk) {
      const k = capKey(r)
      const rank = (counts.get(k) ?? 0) + 1
      counts.set(k, rank)
      if (!visit(r, rank)) return
    }
    const last = chunk[chunk.length - 1]
    if (chunk.length < size || !last) return
    pos = { ms: Number(last.sort_at), uri: last.uri }
    size = Math.min(MAX_CHUNK, size * 4)
  }
}

/** The page a request asks for, before its rows are read: what quiet hours, maxItems and the pin leave room for. */
export type PagePlan =
  | { done: SkeletonPage }
  | { done?: undefined; after: FeedCursor | undefined; served: number; room: number; pinItem: SkeletonItem | undefined }

/** Steps 1, 5 and 6 before the rows: quiet hours, the session's room, the pin. Throws InvalidCursorError. */
export function planPage(feed: FeedDefinition, state: FeedState, opts: { limit: number; cursor?: string }): PagePlan {
  const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor)
  const pinned = feed.wellbeing.pinned
  const pinItem: SkeletonItem | undefined = pinned ? { post: pinned, reason: { $type: 'app.bsky.feed.defs#skeletonReasonPin' }, feedContext: `${feed.id}|pin` } : undefined

  // 1. quiet hours: the feed rests
  if (state.quiet) return { done: { feed: !after && pinItem ? [pinItem] : [] } }

  const served = after?.served ?? 0
  const maxItems = feed.wellbeing.maxItems
  // 6. the pin takes one place on the first page
  const pinFirst = !after && pinItem !== undefined
  const pageRoom = opts.limit - (pinFirst ? 1 : 0)
  const room = maxItems === undefined ? pageRoom : Math.min(pageRoom, maxItems - served)
  if (room <= 0) {
    if (pinFirst && pinItem && (maxItems === undefined || maxItems > 0)) return { done: { feed: [pinItem], cursor: encodeCursor(START) } }
    return { done: { feed: pinFirst && pinItem ? [pinItem] : [] } }
  }
  return { after, served, room, pinItem: pinFirst ? pinItem : undefined }
}

/** A candidate row as a skeleton item (a repost carries its reason). */
export function skeletonItem(feed: FeedDefinition, r: { uri: string; post_uri: string; reposter: string | null; reason: string }): SkeletonItem {
  const item: SkeletonItem = { post: r.post_uri, feedContext: `${feed.id}|${r.reason}` }
  if (r.reposter !== null) item.reason = { $type: 'app.bsky.feed.defs#skeletonReasonRepost', repost: r.uri }
  return item
}

/**
 * Steps 4–6 after the rows: `rows` are the page's rows newest first, one more than `room` when the
 * feed goes on; the cursor ends the session after maxItems.
 */
export function finishPage<R extends { sort_at: number | string; uri: string }>(
  feed: FeedDefinition,
  plan: Exclude<PagePlan, { done: SkeletonPage }>,
  rows: R[],
  item: (r: R) => SkeletonItem,
): SkeletonPage {
  const more = rows.length > plan.room
  const page = more ? rows.slice(0, plan.room) : rows
  const items = page.map(item)
  if (plan.pinItem) items.unshift(plan.pinItem)
  const last = page[page.length - 1]
  const total = plan.served + page.length
  const maxItems = feed.wellbeing.maxItems
  const sessionOver = maxItems !== undefined && total >= maxItems
  return more && last && !sessionOver ? { feed: items, cursor: encodeCursor({ ms: Number(last.sort_at), uri: last.uri, served: total }) } : { feed: items }
}

/** One page straight from the database (the reference; `FeedPageCache` serves the same pages from memory). */
export async function readSkeleton(db: FeedgenDb, feed: FeedDefinition, opts: ReadOptions): Promise<SkeletonPage> {
  const state = feedState(feed, opts.now)
  const plan = planPage(feed, state, opts)
  if (plan.done) return plan.done
  const { after, served, room } = plan

  const perAuthor = feed.wellbeing.perAuthor
  let rows: CandidateRow[]
  if (perAuthor === undefined) {
    let q = db
      .selectFrom('feed_item as fi')
      .select(['fi.uri', 'fi.post_uri', 'fi.sort_at', 'fi.reposter', 'fi.reason', 'fi.author'])
      .where((eb) => eb.and(candidateConditions(eb, feed, state, opts.now, opts.reader)))
    if (after) q = q.where((eb) => eb.or([eb('fi.sort_at', '<', after.ms), eb.and([eb('fi.sort_at', '=', after.ms), eb('fi.uri', '<', after.uri)])]))
    rows = await q.orderBy('fi.sort_at', 'desc').orderBy('fi.uri', 'desc').limit(room + 1).execute()
  } else {
    // 3. the cap counts over all candidates, newest first, so a page boundary never lets an author
    // exceed it: walk the candidates in order, counting per author, until the page is full.
    const out: CandidateRow[] = []
    await walkCandidates(db, feed, state, { now: opts.now, reader: opts.reader, firstChunk: 16 + 2 * (served + room + 1) }, (r, rank) => {
      if (rank > perAuthor) return true
      const ms = Number(r.sort_at)
      if (after && !(ms < after.ms || (ms === after.ms && r.uri < after.uri))) return true
      out.push(r)
      return out.length <= room
    })
    rows = out
  }
  return finishPage(feed, plan, rows, (r) => skeletonItem(feed, r))
}
