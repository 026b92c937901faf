import { createHash } from 'node:crypto'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { fromDigest, toString as cidToString } from '@atcute/cid'
import { tid } from './firehose.ts'
import { rng } from './lib.ts'

// Seeds a feed generator's SQLite database (DATA_DIR/feedgen.sqlite, already migrated by the service)
// with a realistic index for the read benchmark: posts and feed items over the last `hours`, written
// the way the indexer writes them (the same columns and reason codes, sort_at = min(createdAt,
// indexedAt), reposts as items of the reposter), plus the state the wellbeing policies read: labels
// from a trusted labeler on posts and accounts, inactive accounts, and readers' "show less" choices.
// Rows go in through prepared statements in large transactions, because a million posts through the
// firehose would take a replay of ~30M events.

export interface SeedFeed {
  id: string
  /** share of all items */
  weight: number
  /** the include reason written for its items */
  reason: 'author' | 'list' | 'hashtag' | 'keyword'
  /** authors this feed's items come from: the global pool, or its own smaller pool */
  authors: 'global' | string[]
  /** share of the feed's items that are reposts by one of its authors; @default 0 */
  reposts?: number
}

export interface SeedOptions {
  dataDir: string
  items: number
  hours: number
  now: number
  seed: number
  /** the global author pool (skewed: a few accounts write much of it) */
  authors: string[]
  feeds: SeedFeed[]
  /** DID of the labeler the feeds trust */
  labeler: string
  labelValues: string[]
  /** share of posts with an excluded label; @default 0.01 */
  labelledPosts?: number
  /** share of authors with an account label; @default 0.002 */
  labelledAccounts?: number
  /** share of authors whose account is not active; @default 0.005 */
  inactiveAccounts?: number
  /** readers with "show less" choices, and how many each */
  readers: string[]
  mutesPerReader: number
}

export interface SeedStats {
  posts: number
  items: number
  byFeed: Record<string, number>
  reposts: number
  labels: number
  inactive: number
  mutes: number
  seconds: number
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'

export function fakeDid(rnd: () => number, prefix = ''): string {
  let s = prefix
  while (s.length < 24) s += B32[Math.floor(rnd() * 32)]
  return `did:plc:${s}`
}

const WORDS = (
  'de het een en van in is dat op te met voor niet zijn maar ook als er bij nog wat zo aan dan om vandaag echt leuk mooi ' +
  'weer lekker even morgen gisteren fiets trein koffie werk huis stad regen zon avond weekend gezellig nieuwe boek muziek ' +
  'kinderen markt gracht buurt terras bibliotheek gemeente straat park'
).split(' ')

export function seedFeedDb(opts: SeedOptions): SeedStats {
  const t0 = performance.now()
  const rnd = rng(opts.seed)
  const db = new SqliteDatabase(path.join(opts.dataDir, 'feedgen.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -200000')
  // bulk load: the secondary indexes go before and are rebuilt after, from their own definitions
  const indexes = db
    .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name in ('post', 'feed_item') and sql is not null")
    .all() as { name: string; sql: string }[]
  for (const ix of indexes) db.exec(`drop index "${ix.name}"`)
  const insPost = db.prepare(
    'insert into post (uri, cid, author, created_at, indexed_at, sort_at, text, langs, tags, is_reply) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const insItem = db.prepare('insert or ignore into feed_item (feed, uri, post_uri, author, reposter, sort_at, indexed_at, reason) values (?, ?, ?, ?, ?, ?, ?, ?)')
  const insLabel = db.prepare('insert or ignore into feed_label (src, uri, val, exp_at, cts) values (?, ?, ?, ?, ?)')
  const insStatus = db.prepare('insert or ignore into account_status (did, status, updated_at) values (?, ?, ?)')
  const insMute = db.prepare('insert or ignore into reader_mute (feed, reader, author, created_at) values (?, ?, ?, ?)')

  const pickAuthor = (pool: string[]) => pool[Math.floor(pool.length * rnd() * rnd())] as string
  const totalWeight = opts.feeds.reduce((a, f) => a + f.weight, 0)
  const pickFeed = (): SeedFeed => {
    let r = rnd() * totalWeight
    for (const f of opts.feeds) if ((r -= f.weight) < 0) return f
    return opts.feeds[opts.feeds.length - 1] as SeedFeed
  }
  const stats: SeedStats = { posts: 0, items: 0, byFeed: {}, reposts: 0, labels: 0, inactive: 0, mutes: 0, seconds: 0 }
  const labelledPosts = opts.labelledPosts ?? 0.01
  const start = opts.now - opts.hours * 3_600_000
  const step = (opts.hours * 3_600_000) / opts.items
  const recent: { uri: string; author: string; sortAt: number }[] = []

  const writeChunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const ms = Math.floor(start + i * step + rnd() * step)
      const feed = pickFeed()
      const pool = feed.authors === 'global' ? opts.authors : feed.authors
      const author = pickAuthor(pool)
      // indexed a moment after it was written; sort_at = min(createdAt, indexedAt)
      const indexedAt = ms + Math.floor(rnd() * 2000)
      if (feed.reposts && recent.length > 0 && rnd() < feed.reposts) {
        const subject = recent[Math.floor(rnd() * recent.length)] as (typeof recent)[number]
        const repostUri = `at://${author}/app.bsky.feed.repost/${tid(ms * 1000, i)}`
        insItem.run(feed.id, repostUri, subject.uri, subject.author, author, ms, indexedAt, 'repost')
        stats.reposts++
        stats.items++
        stats.byFeed[feed.id] = (stats.byFeed[feed.id] ?? 0) + 1
        continue
      }
      const uri = `at://${author}/app.bsky.feed.post/${tid(ms * 1000, i)}`
      const cid = cidToString(fromDigest(0x71, createHash('sha256').update(uri).digest()))
      let text = ''
      const n = 8 + Math.floor(rnd() * 30)
      for (let w = 0; w < n; w++) text += (w ? ' ' : '') + (WORDS[Math.floor(rnd() * WORDS.length)] as string)
      const tags = feed.reason === 'hashtag' ? `["${feed.id}"]` : '[]'
      insPost.run(uri, cid, author, ms, indexedAt, ms, text, '["nl"]', tags, rnd() < 0.3 ? 1 : 0)
      stats.posts++
      insItem.run(feed.id, uri, uri, author, null, ms, indexedAt, feed.reason)
      stats.items++
      stats.byFeed[feed.id] = (stats.byFeed[feed.id] ?? 0) + 1
      // some posts are in a second feed too (a Utrecht post with #fiets)
      if (rnd() < 0.1) {
        const other = pickFeed()
        if (other.id !== feed.id && other.authors === 'global' && feed.authors === 'global') {
          insItem.run(other.id, uri, uri, author, null, ms, indexedAt, other.reason)
          stats.items++
          stats.byFeed[other.id] = (stats.byFeed[other.id] ?? 0) + 1
          i++
        }
      }
      if (rnd() < labelledPosts) {
        insLabel.run(opts.labeler, uri, opts.labelValues[Math.floor(rnd() * opts.labelValues.length)], null, new Date(indexedAt).toISOString())
        stats.labels++
      }
      recent.push({ uri, author, sortAt: ms })
      if (recent.length > 5000) recent.shift()
    }
  })
  const CHUNK = 50_000
  for (let from = 0; from < opts.items; from += CHUNK) writeChunk(from, Math.min(opts.items, from + CHUNK))

  for (const ix of indexes) db.exec(ix.sql)

  const allAuthors = new Set<string>(opts.authors)
  for (const f of opts.feeds) if (f.authors !== 'global') for (const a of f.authors) allAuthors.add(a)
  const authorList = [...allAuthors]
  db.transaction(() => {
    for (const a of authorList) {
      if (rnd() < (opts.labelledAccounts ?? 0.002)) {
        insLabel.run(opts.labeler, a, opts.labelValues[0], null, new Date(opts.now - 3_600_000).toISOString())
        stats.labels++
      }
      if (rnd() < (opts.inactiveAccounts ?? 0.005)) {
        insStatus.run(a, rnd() < 0.8 ? 'deactivated' : 'takendown', opts.now - 3_600_000)
        stats.inactive++
      }
    }
    // readers ask to see less of prolific authors most (they fill feeds)
    for (const reader of opts.readers) {
      for (let m = 0; m < opts.mutesPerReader; m++) {
        const feed = opts.feeds[Math.floor(rnd() * opts.feeds.length)] as SeedFeed
        const pool = feed.authors === 'global' ? opts.authors : feed.authors
        insMute.run(feed.id, reader, pickAuthor(pool), opts.now - Math.floor(rnd() * 30 * 86_400_000))
        stats.mutes++
      }
    }
  })()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  stats.seconds = (performance.now() - t0) / 1000
  return stats
}
