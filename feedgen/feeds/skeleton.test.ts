import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { migrateToLatestOrThrow, openSqlite, type SqliteHandle } from '../../shared/db/index.ts'
import { explain } from '../api/explain.ts'
import type { AppContext } from '../context.ts'
import { migrations } from '../db/migrations/index.ts'
import type { FeedgenSchema } from '../db/schema.ts'
import type { FeedItemTable } from '../db/tables/feed-item.ts'
import { parseFeedsFile, type FeedDefinition } from './definitions.ts'
import { FeedMatcher } from './matcher.ts'
import { Membership } from './membership.ts'
import { FeedChanges } from './changes.ts'
import { FeedPageCache } from './page-cache.ts'
import { candidateConditions, feedState, readSkeleton, type ReadOptions, type SkeletonItem, type SkeletonPage } from './skeleton.ts'
import { mulberry32 } from '../../shared/prng.ts'
import { eventCounts } from '../sections.ts'

// The read path against a reference written from the README's list of policies: a feed of ~1,500
// items (a few prolific authors, reposts, shared timestamps, labels, inactive accounts, a reader's
// "show less", items indexed after the last release moment although written before it) is read page
// by page with several limits, and every page must be exactly the reference's next items. The
// explanation's per-author verdict must equal what the earlier row_number() query decided.

const NOW = Date.UTC(2026, 2, 10, 20, 0) // 21:00 in Amsterdam: the last release moment was 18:00 local
const LABELER = 'did:plc:labelerlabelerlabeleraa'
const OTHER_LABELER = 'did:plc:otherlabelerotherlabelera'
const READER = 'did:plc:readerreaderreaderreadera'
const PUB = 'did:plc:publisherpublisherpublish'


const rnd = mulberry32(42)
const authors = Array.from({ length: 40 }, (_, i) => `did:plc:author${String(i).padStart(2, '0')}aaaaaaaaaaaaaaa`)
const pickAuthor = () => authors[Math.floor(authors.length * rnd() * rnd())] as string
const pinned = `at://${authors[0]}/app.bsky.feed.post/pinned`

const { feeds } = parseFeedsFile(`
publisher: ${PUB}
feeds:
  - id: cap
    name: Cap
    include: { hashtags: [a] }
    exclude:
      labels:
        - labeler: ${LABELER}
          values: [pro-ed, self-harm]
    wellbeing:
      window: 24h
      perAuthor: 2
      maxItems: 60
      releases: ["06:00", "18:00"]
      pinned: ${pinned}
  - id: plain
    name: Plain
    include: { hashtags: [b] }
    exclude:
      labels:
        - labeler: ${LABELER}
          values: [pro-ed]
    wellbeing:
      window: 24h
      releases: ["06:00", "18:00"]
`)
const capFeed = feeds[0] as FeedDefinition
const plainFeed = feeds[1] as FeedDefinition

const items: FeedItemTable[] = []
const inactive = new Set([authors[3] as string, authors[17] as string, authors[30] as string])
const labels: { src: string; uri: string; val: string; exp_at: number | null }[] = []
const mutes: { feed: string; author: string }[] = [
  { feed: 'cap', author: authors[1] as string },
  { feed: 'cap', author: authors[5] as string },
  { feed: 'plain', author: authors[2] as string },
]

// posts over the last 30 h, timestamps rounded to the second so that many share one
for (let i = 0; i < 1500; i++) {
  const author = pickAuthor()
  const sortAt = Math.floor((NOW - 30 * 3_600_000 + rnd() * 30 * 3_600_000) / 1000) * 1000
  // most are indexed within seconds; some hours later (an outage, a backfill)
  const indexedAt = sortAt + (rnd() < 0.15 ? Math.floor(rnd() * 4 * 3_600_000) : Math.floor(rnd() * 3000))
  const uri = `at://${author}/app.bsky.feed.post/p${String(i).padStart(5, '0')}`
  const reposts = items.filter((x) => x.reposter === null).slice(-200)
  if (i % 10 === 9 && reposts.length > 0) {
    const subject = reposts[Math.floor(rnd() * reposts.length)] as FeedItemTable
    const reposter = pickAuthor()
    items.push({ ...subject, uri: `at://${reposter}/app.bsky.feed.repost/r${i}`, reposter, sort_at: sortAt, indexed_at: indexedAt, reason: 'repost' })
    continue
  }
  const feed = rnd() < 0.6 ? 'cap' : 'plain'
  items.push({ feed, uri, post_uri: uri, author, reposter: null, sort_at: sortAt, indexed_at: indexedAt, reason: 'hashtag' })
  if (rnd() < 0.2) items.push({ feed: feed === 'cap' ? 'plain' : 'cap', uri, post_uri: uri, author, reposter: null, sort_at: sortAt, indexed_at: indexedAt, reason: 'hashtag' })
  const r = rnd()
  if (r < 0.03) labels.push({ src: LABELER, uri, val: 'pro-ed', exp_at: null })
  else if (r < 0.05) labels.push({ src: LABELER, uri, val: 'self-harm', exp_at: NOW - 60_000 }) // expired
  else if (r < 0.07) labels.push({ src: OTHER_LABELER, uri, val: 'pro-ed', exp_at: null }) // not trusted
}
items.push({ feed: 'cap', uri: pinned, post_uri: pinned, author: authors[0] as string, reposter: null, sort_at: NOW - 3_600_000 * 7, indexed_at: NOW - 3_600_000 * 7, reason: 'hashtag' })
labels.push({ src: LABELER, uri: authors[8] as string, val: 'self-harm', exp_at: null }) // a whole account

/** The reference: the items a reader is served, in order, from the policies as the README lists them. */
function expected(feed: FeedDefinition, reader: string | undefined): FeedItemTable[] {
  const state = feedState(feed, NOW)
  const labelled = (uri: string) => {
    const ex = feed.exclude.labels[0]
    return ex !== undefined && labels.some((l) => l.src === ex.labeler && l.uri === uri && ex.values.includes(l.val) && (l.exp_at === null || l.exp_at > NOW))
  }
  const muted = (a: string) => reader !== undefined && mutes.some((m) => m.feed === feed.id && m.author === a)
  const candidates = items
    .filter(
      (x) =>
        x.feed === feed.id &&
        (state.windowStart === undefined || x.sort_at >= state.windowStart) &&
        (state.releasedBefore === undefined || x.indexed_at < state.releasedBefore) &&
        !inactive.has(x.author) &&
        (x.reposter === null || !inactive.has(x.reposter)) &&
        !labelled(x.post_uri) &&
        !labelled(x.author) &&
        !muted(x.author) &&
        (x.reposter === null || !muted(x.reposter)) &&
        x.post_uri !== feed.wellbeing.pinned,
    )
    .sort((a, b) => b.sort_at - a.sort_at || (a.uri < b.uri ? 1 : a.uri > b.uri ? -1 : 0))
  const cap = feed.wellbeing.perAuthor
  const counts = new Map<string, number>()
  const served = candidates.filter((x) => {
    // a repost counts for the reposter
    const key = x.reposter ?? x.author
    const n = (counts.get(key) ?? 0) + 1
    counts.set(key, n)
    return cap === undefined || n <= cap
  })
  return feed.wellbeing.maxItems === undefined ? served : served.slice(0, feed.wellbeing.maxItems)
}

let dir: string
let h: SqliteHandle<FeedgenSchema>
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-skeleton-'))
  h = openSqlite<FeedgenSchema>(path.join(dir, 'x.sqlite'))
  await migrateToLatestOrThrow(h.db, migrations)
  for (let i = 0; i < items.length; i += 200) await h.db.insertInto('feed_item').values(items.slice(i, i + 200)).execute()
  const posts = [...new Map(items.filter((x) => x.reposter === null).map((x) => [x.uri, x])).values()]
  for (let i = 0; i < posts.length; i += 200) {
    await h.db
      .insertInto('post')
      .values(
        posts.slice(i, i + 200).map((x) => ({
          uri: x.uri,
          cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
          author: x.author,
          created_at: x.sort_at,
          indexed_at: x.indexed_at,
          sort_at: x.sort_at,
          text: 'a post #a #b',
          langs: '["nl"]',
          tags: '["a","b"]',
          is_reply: 0,
        })),
      )
      .execute()
  }
  await h.db.insertInto('feed_label').values(labels.map((l) => ({ ...l, cts: new Date(NOW).toISOString() }))).execute()
  await h.db.insertInto('account_status').values([...inactive].map((did) => ({ did, status: 'deactivated', updated_at: NOW }))).execute()
  await h.db.insertInto('reader_mute').values(mutes.map((m) => ({ ...m, reader: READER, created_at: NOW }))).execute()
})
afterAll(async () => {
  await h.db.destroy()
  await rm(dir, { recursive: true, force: true })
})

type Reader = (feed: FeedDefinition, opts: ReadOptions) => Promise<SkeletonPage>
const fromDb: Reader = (feed, opts) => readSkeleton(h.db, feed, opts)

async function readAll(feed: FeedDefinition, limit: number, reader: string | undefined, read: Reader = fromDb): Promise<SkeletonItem[][]> {
  const pages: SkeletonItem[][] = []
  let cursor: string | undefined
  for (let i = 0; i < 2000; i++) {
    const page = await read(feed, { limit, cursor, now: NOW, reader })
    pages.push(page.feed)
    if (!page.cursor) return pages
    cursor = page.cursor
  }
  throw new Error('the feed did not end')
}

// the page cache must serve exactly the same pages; a fresh cache for every pass, and one kept across
// passes (rows read for one reader reused for the next)
const sharedCache = () => {
  let cache: FeedPageCache | undefined
  return (): Reader => {
    cache ??= new FeedPageCache(h.db, new FeedChanges(), { cacheMutes: true })
    const c = cache
    return (feed, opts) => c.read(feed, opts)
  }
}
const readers: [string, () => Reader][] = [
  ['readSkeleton', () => fromDb],
  ['FeedPageCache, fresh', () => {
    const c = new FeedPageCache(h.db, new FeedChanges(), { cacheMutes: true })
    return (feed, opts) => c.read(feed, opts)
  }],
  ['FeedPageCache, kept', sharedCache()],
]

describe.each(readers)('%s against the reference', (_name, makeReader) => {
  for (const feed of [capFeed, plainFeed]) {
    for (const reader of [undefined, READER]) {
      test(`${feed.id}, ${reader ? 'a reader with "show less" choices' : 'anonymous'}: every page, for limits 1, 7, 30 and 100`, async () => {
        const want = expected(feed, reader)
        // the data must exercise what is tested: capped authors, items waiting for the next release
        expect(want.length).toBeGreaterThan(feed.wellbeing.maxItems ? feed.wellbeing.maxItems - 1 : 100)
        const state = feedState(feed, NOW)
        expect(items.some((x) => x.feed === feed.id && x.sort_at < (state.releasedBefore as number) && x.indexed_at >= (state.releasedBefore as number))).toBe(true)
        for (const limit of [1, 7, 30, 100]) {
          const pages = await readAll(feed, limit, reader, makeReader())
          const all = pages.flat()
          for (const p of pages) expect(p.length).toBeLessThanOrEqual(limit)
          const pins = all.filter((x) => x.reason?.$type === 'app.bsky.feed.defs#skeletonReasonPin')
          if (feed.wellbeing.pinned) {
            expect(pins).toHaveLength(1)
            expect(pages[0]?.[0]?.post).toBe(feed.wellbeing.pinned)
          } else expect(pins).toHaveLength(0)
          const got = all.filter((x) => x.reason?.$type !== 'app.bsky.feed.defs#skeletonReasonPin')
          expect(got.map((x) => (x.reason && 'repost' in x.reason ? x.reason.repost : x.post))).toEqual(want.map((x) => x.uri))
        }
      })
    }
  }
})

describe('explain: the per-author verdict', () => {
  test('equals the row_number() ranking over all candidates, for every item of the capped feed', async () => {
    const membership = new Membership(new Set())
    const matcher = new FeedMatcher(feeds, membership)
    const ctx = { now: () => NOW, readDb: h.db } as unknown as AppContext
    const state = feedState(capFeed, NOW)
    const cap = capFeed.wellbeing.perAuthor as number
    const posts = [...new Set(items.filter((x) => x.feed === 'cap' && x.reposter === null && x.post_uri !== pinned).map((x) => x.post_uri))]
    // the ranking the explanation used before: a window over every candidate of the feed
    const ranks = await h.db
      .selectFrom('feed_item as fi')
      .select(['fi.uri', sql<number>`row_number() over (partition by coalesce(fi.reposter, fi.author) order by fi.sort_at desc, fi.uri desc)`.as('rn')])
      .where((eb) => eb.and(candidateConditions(eb, capFeed, state, NOW, undefined)))
      .execute()
    const rankOf = new Map(ranks.map((r) => [r.uri, Number(r.rn)]))
    let blocked = 0
    for (const uri of posts) {
      const got = await explain(ctx, matcher, capFeed, uri)
      const note = got.policies.find((p) => p.policy === 'perAuthor')
      const rank = rankOf.get(uri)
      const over = rank !== undefined && rank > cap
      expect({ uri, blocks: note?.blocks }).toEqual({ uri, blocks: over })
      if (over) blocked++
    }
    // the data has capped posts and posts within the cap
    expect(blocked).toBeGreaterThan(20)
    expect(blocked).toBeLessThan(posts.length - 20)
  })
})

describe('FeedPageCache: pages held in memory change when the feed can change', () => {
  const pagesAt = async (read: Reader, feed: FeedDefinition, now: number, reader?: string) => {
    const out: SkeletonItem[][] = []
    let cursor: string | undefined
    for (let i = 0; i < 200; i++) {
      const page = await read(feed, { limit: 30, cursor, now, reader })
      out.push(page.feed)
      if (!page.cursor) return out
      cursor = page.cursor
    }
    throw new Error('the feed did not end')
  }

  test('at the next release moment, quiet-hours boundary and window edge (no write in between)', async () => {
    const cache = new FeedPageCache(h.db, new FeedChanges(), { cacheMutes: true })
    const read: Reader = (feed, opts) => cache.read(feed, opts)
    for (const feed of [capFeed, plainFeed]) {
      const at21 = await pagesAt(read, feed, NOW)
      expect(at21).toEqual(await pagesAt(fromDb, feed, NOW))
      // 05:59:59.999 local: the same release; the window has moved on by nine hours
      const before = Date.UTC(2026, 2, 11, 5, 0) - 1
      expect(await pagesAt(read, feed, before)).toEqual(await pagesAt(fromDb, feed, before))
      // 06:00 local, the next release: the items indexed since 18:00 come in
      const release = Date.UTC(2026, 2, 11, 5, 0)
      const later = await pagesAt(read, feed, release)
      expect(later).toEqual(await pagesAt(fromDb, feed, release))
      expect(later.flat().length).toBeGreaterThan(0)
      expect(later).not.toEqual(await pagesAt(fromDb, feed, before))
    }
  })

  test('a label that expires lets its post back in at that moment; a change reported by a writer shows at once', async () => {
    const changes = new FeedChanges()
    const cache = new FeedPageCache(h.db, changes, { cacheMutes: true })
    const read: Reader = (feed, opts) => cache.read(feed, opts)
    const first = (await read(plainFeed, { limit: 5, now: NOW })).feed[0]?.post as string
    expect(first).toBeDefined()
    // a label that expires a second from now hides the post until then
    await h.db.insertInto('feed_label').values({ src: LABELER, uri: first, val: 'pro-ed', exp_at: NOW + 1000, cts: new Date(NOW).toISOString() }).execute()
    try {
      // not reported yet: the page in memory is still the old one (what a write in another process would do)
      expect((await read(plainFeed, { limit: 5, now: NOW })).feed[0]?.post).toBe(first)
      changes.labelsChanged([plainFeed.id])
      expect((await read(plainFeed, { limit: 5, now: NOW })).feed.map((i) => i.post)).not.toContain(first)
      expect((await read(plainFeed, { limit: 5, now: NOW + 999 })).feed.map((i) => i.post)).not.toContain(first)
      expect((await read(plainFeed, { limit: 5, now: NOW + 1000 })).feed[0]?.post).toBe(first)
    } finally {
      await h.db.deleteFrom('feed_label').where('uri', '=', first).where('exp_at', '=', NOW + 1000).execute()
    }
  })

  test("a reader's show-less choice shows on their next page once forgotten; other readers keep theirs", async () => {
    const cache = new FeedPageCache(h.db, new FeedChanges(), { cacheMutes: true })
    const read: Reader = (feed, opts) => cache.read(feed, opts)
    const before = await pagesAt(read, capFeed, NOW, READER)
    const someone = authors[12] as string
    expect(before.flat().some((i) => i.post.includes(someone))).toBe(true)
    await h.db.insertInto('reader_mute').values({ feed: 'cap', reader: READER, author: someone, created_at: NOW }).execute()
    try {
      cache.forgetMutes('cap', READER)
      mutes.push({ feed: 'cap', author: someone })
      const after = await pagesAt(read, capFeed, NOW, READER)
      expect(after.flat().some((i) => i.post.includes(someone) && !i.reason)).toBe(false)
      expect(after).toEqual(await pagesAt(fromDb, capFeed, NOW, READER))
      const want = expected(capFeed, READER).map((x) => x.uri)
      expect(after.flat().filter((x) => x.reason?.$type !== 'app.bsky.feed.defs#skeletonReasonPin').map((x) => (x.reason && 'repost' in x.reason ? x.reason.repost : x.post))).toEqual(want)
      expect(await pagesAt(read, capFeed, NOW)).toEqual(await pagesAt(fromDb, capFeed, NOW))
    } finally {
      mutes.pop()
      await h.db.deleteFrom('reader_mute').where('reader', '=', READER).where('author', '=', someone).execute()
    }
  })
})

describe('FeedPageCache: written and deleted items are read again, the rest is kept', () => {
  test('new items at the top, in the middle and far down, a deleted one and a repost: every page equals the database', async () => {
    const changes = new FeedChanges()
    const cache = new FeedPageCache(h.db, changes, { cacheMutes: true })
    const read: Reader = (feed, opts) => cache.read(feed, opts)
    const all = async (r: Reader, feed: FeedDefinition, reader?: string) => {
      const out: SkeletonItem[][] = []
      let cursor: string | undefined
      for (let i = 0; i < 500; i++) {
        const page = await r(feed, { limit: 25, cursor, now: NOW, reader })
        out.push(page.feed)
        if (!page.cursor) return out
        cursor = page.cursor
      }
      throw new Error('the feed did not end')
    }
    // the capped feed's first page only: its rows in memory end early, so some changes fall after
    // them; the plain feed read to its end: all its rows are in memory
    await read(capFeed, { limit: 10, now: NOW })
    await all(read, plainFeed)
    const released = feedState(capFeed, NOW).releasedBefore as number
    const prolific = authors[0] as string
    const added: FeedItemTable[] = [
      // the newest of an author who is already at the cap: pushes their oldest shown post out
      { feed: 'cap', uri: `at://${prolific}/app.bsky.feed.post/zz-top`, post_uri: `at://${prolific}/app.bsky.feed.post/zz-top`, author: prolific, reposter: null, sort_at: released - 1000, indexed_at: released - 1000, reason: 'hashtag' },
      // in the middle, and far down (after the rows read so far)
      { feed: 'cap', uri: `at://${authors[20]}/app.bsky.feed.post/zz-mid`, post_uri: `at://${authors[20]}/app.bsky.feed.post/zz-mid`, author: authors[20] as string, reposter: null, sort_at: NOW - 8 * 3_600_000, indexed_at: NOW - 8 * 3_600_000, reason: 'hashtag' },
      { feed: 'plain', uri: `at://${authors[21]}/app.bsky.feed.post/zz-low`, post_uri: `at://${authors[21]}/app.bsky.feed.post/zz-low`, author: authors[21] as string, reposter: null, sort_at: NOW - 22 * 3_600_000, indexed_at: NOW - 22 * 3_600_000, reason: 'hashtag' },
      // outside the window, and one by an inactive account
      { feed: 'plain', uri: `at://${authors[21]}/app.bsky.feed.post/zz-old`, post_uri: `at://${authors[21]}/app.bsky.feed.post/zz-old`, author: authors[21] as string, reposter: null, sort_at: NOW - 25 * 3_600_000, indexed_at: NOW - 25 * 3_600_000, reason: 'hashtag' },
      { feed: 'plain', uri: `at://${authors[3]}/app.bsky.feed.post/zz-gone`, post_uri: `at://${authors[3]}/app.bsky.feed.post/zz-gone`, author: authors[3] as string, reposter: null, sort_at: NOW - 5 * 3_600_000, indexed_at: NOW - 5 * 3_600_000, reason: 'hashtag' },
      // a repost by a muted author (hidden from READER) and one not yet released (hidden from all)
      { feed: 'cap', uri: `at://${authors[1]}/app.bsky.feed.repost/zz-rp`, post_uri: `at://${authors[22]}/app.bsky.feed.post/x`, author: authors[22] as string, reposter: authors[1] as string, sort_at: released - 500, indexed_at: released - 500, reason: 'repost' },
      { feed: 'cap', uri: `at://${authors[23]}/app.bsky.feed.post/zz-later`, post_uri: `at://${authors[23]}/app.bsky.feed.post/zz-later`, author: authors[23] as string, reposter: null, sort_at: released - 200, indexed_at: released + 200, reason: 'hashtag' },
    ]
    const before = await all(fromDb, capFeed)
    const gone = before[0]?.find((i) => !i.reason)?.post as string
    const goneRow = await h.db.selectFrom('feed_item').selectAll().where('feed', '=', 'cap').where('uri', '=', gone).executeTakeFirstOrThrow()
    await h.db.insertInto('feed_item').values(added).execute()
    await h.db.deleteFrom('feed_item').where('feed', '=', 'cap').where('uri', '=', gone).execute()
    try {
      const touched = new Map<string, Set<string>>()
      for (const a of [...added, goneRow]) (touched.get(a.feed) ?? touched.set(a.feed, new Set()).get(a.feed))?.add(a.uri)
      // not reported yet: the rows in memory are still the old ones
      expect((await read(capFeed, { limit: 10, now: NOW })).feed).toEqual(before[0]?.slice(0, 10))
      changes.touchItems(touched)
      for (const feed of [capFeed, plainFeed]) {
        for (const reader of [undefined, READER]) expect(await all(read, feed, reader)).toEqual(await all(fromDb, feed, reader))
      }
      const after = (await all(read, capFeed)).flat().map((i) => i.post)
      expect(after).toContain(added[0]?.uri)
      expect(after).not.toContain(gone)
      expect(after).not.toContain(added[6]?.uri)
      const plain = (await all(read, plainFeed)).flat().map((i) => i.post)
      expect(plain).toContain(added[2]?.uri)
      expect(plain).not.toContain(added[3]?.uri)
      expect(plain).not.toContain(added[4]?.uri)
    } finally {
      await h.db.deleteFrom('feed_item').where('uri', 'in', added.map((a) => a.uri)).execute()
      await h.db.insertInto('feed_item').values(goneRow).execute()
    }
  })

  test('accounts turning inactive and active again: their items go and come back, read by account, no rows read again', async () => {
    const changes = new FeedChanges()
    const cache = new FeedPageCache(h.db, changes, { cacheMutes: true })
    const read: Reader = (feed, opts) => cache.read(feed, opts)
    const all = async (r: Reader, feed: FeedDefinition, reader?: string) => {
      const out: SkeletonItem[][] = []
      let cursor: string | undefined
      for (let i = 0; i < 500; i++) {
        const page = await r(feed, { limit: 25, cursor, now: NOW, reader })
        out.push(page.feed)
        if (!page.cursor) return out
        cursor = page.cursor
      }
      throw new Error('the feed did not end')
    }
    const readAgain = () => Object.entries(eventCounts()).reduce((n, [k, v]) => (k.startsWith('page read again') ? n + v : n), 0)
    // the capped feed's first page only (rows in memory end early), the plain feed to its end
    await read(capFeed, { limit: 10, now: NOW })
    await all(read, plainFeed)
    const rebuilt = readAgain()
    // an author and a reposter, each with items in both feeds (not so many that reading the rows again is cheaper)
    const count = async (col: 'author' | 'reposter', did: string) =>
      Number((await h.db.selectFrom('feed_item').select((eb) => eb.fn.countAll().as('n')).where(col, '=', did).executeTakeFirstOrThrow()).n)
    const pick = async (col: 'author' | 'reposter', not?: string) => {
      for (const did of authors) {
        if (inactive.has(did) || did === not) continue
        const n = (await count('author', did)) + (await count('reposter', did))
        if (n > 0 && n <= 100 && (await count(col, did)) > 0) return did
      }
      throw new Error(`no ${col} with at most 100 items`)
    }
    const first = await pick('author')
    const who = [first, await pick('reposter', first)]
    // (the pin is served whoever wrote it)
    const byWho = (pages: SkeletonItem[][]) =>
      pages.flat().filter((i) => i.reason?.$type !== 'app.bsky.feed.defs#skeletonReasonPin' && who.some((d) => i.post.includes(d) || (i.reason && 'repost' in i.reason && i.reason.repost.includes(d))))
    expect(byWho(await all(fromDb, capFeed)).length).toBeGreaterThan(0)
    const held = new Map([
      ['cap', new Set(who)],
      ['plain', new Set(who)],
    ])
    await h.db.insertInto('account_status').values(who.map((did) => ({ did, status: 'takendown', updated_at: NOW }))).execute()
    try {
      // not reported yet: the rows in memory are still the old ones
      expect(byWho([(await read(capFeed, { limit: 10, now: NOW })).feed]).length).toBeGreaterThan(0)
      changes.touchAccounts(held)
      for (const feed of [capFeed, plainFeed]) {
        for (const reader of [undefined, READER]) {
          const pages = await all(read, feed, reader)
          expect(pages).toEqual(await all(fromDb, feed, reader))
          expect(byWho(pages)).toEqual([])
        }
      }
    } finally {
      await h.db.deleteFrom('account_status').where('did', 'in', who).execute()
    }
    changes.touchAccounts(held)
    for (const feed of [capFeed, plainFeed]) {
      for (const reader of [undefined, READER]) expect(await all(read, feed, reader)).toEqual(await all(fromDb, feed, reader))
    }
    expect(byWho(await all(read, capFeed)).length).toBeGreaterThan(0)
    // caught up by account both times: the rows were not read again
    expect(readAgain()).toBe(rebuilt)

    // the most prolific author: turning inactive needs no read of their items (their rows go)
    const prolific = authors[0] as string
    const theirs = new Map([
      ['cap', new Set([prolific])],
      ['plain', new Set([prolific])],
    ])
    await h.db.insertInto('account_status').values({ did: prolific, status: 'deactivated', updated_at: NOW }).execute()
    try {
      changes.touchAccounts(theirs)
      for (const feed of [capFeed, plainFeed]) expect(await all(read, feed)).toEqual(await all(fromDb, feed))
      expect(readAgain()).toBe(rebuilt)
    } finally {
      await h.db.deleteFrom('account_status').where('did', '=', prolific).execute()
    }
    changes.touchAccounts(theirs)
    for (const feed of [capFeed, plainFeed]) {
      for (const reader of [undefined, READER]) expect(await all(read, feed, reader)).toEqual(await all(fromDb, feed, reader))
    }
  })
})
