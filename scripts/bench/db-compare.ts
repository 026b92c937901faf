// The feed read path (readSkeleton: what getFeedSkeleton runs after auth) on SQLite and on PostgreSQL,
// same migrations, same generated feed. A quick comparison for choosing a database, not a target.
//
//   node scripts/bench/db-compare.ts [--items 50000] [--authors 2000] [--reads 1000] [--pg postgres://…]
//
// Without --pg a private PostgreSQL cluster is started from Debian's binaries (as the tests do) and
// removed afterwards. Two feeds of --items items over the last 48 h: `plain` (newest first only) and
// `wellbeing` (window, per-author cap 3, maxItems, label exclusion, a few inactive accounts). Each read
// is a page of 30, cycling through the first page and four pages deeper (through the cursor), on one
// connection, one read at a time. The last line is JSON.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { migrations } from '../../feedgen/db/migrations/index.ts'
import type { FeedgenSchema } from '../../feedgen/db/schema.ts'
import { parseFeedsFile } from '../../feedgen/feeds/definitions.ts'
import { readSkeleton } from '../../feedgen/feeds/skeleton.ts'
import { migrateToLatestOrThrow, openDatabase, type DatabaseConfig } from '../../shared/db/index.ts'
import { createTestDatabase, startPostgres } from '../../test/helpers/postgres.ts'

const { values: args } = parseArgs({
  options: { items: { type: 'string', default: '50000' }, authors: { type: 'string', default: '2000' }, reads: { type: 'string', default: '1000' }, pg: { type: 'string' } },
})
const ITEMS = Number(args.items)
const AUTHORS = Number(args.authors)
const READS = Number(args.reads)
for (const [k, v] of Object.entries({ items: ITEMS, authors: AUTHORS, reads: READS })) {
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`--${k} must be a whole number of at least 1`)
    process.exit(2)
  }
}
const NOW = Date.now()

const feeds = parseFeedsFile(`
publisher: did:plc:bench
feeds:
  - id: plain
    name: Plain
    include: { hashtags: [plain] }
  - id: wellbeing
    name: Wellbeing
    include: { hashtags: [wellbeing] }
    exclude:
      labels:
        - labeler: did:plc:labeler
          values: [pro-ed]
    wellbeing: { window: 48h, perAuthor: 3, maxItems: 200 }
`).feeds

let seed = 42
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31

async function fill(cfg: DatabaseConfig): Promise<void> {
  seed = 42
  const w = await openDatabase<FeedgenSchema>(cfg, { poolSize: 1 })
  await migrateToLatestOrThrow(w.db, migrations)
  const rows: FeedgenSchema['feed_item'][] = []
  for (let i = 0; i < ITEMS; i++) {
    const author = `did:plc:author${Math.floor(rnd() * AUTHORS)}`
    const sortAt = NOW - Math.floor(rnd() * 48 * 3_600_000)
    const uri = `at://${author}/app.bsky.feed.post/${i.toString(36).padStart(8, '0')}`
    for (const feed of ['plain', 'wellbeing']) rows.push({ feed, uri, post_uri: uri, author, reposter: null, sort_at: sortAt, indexed_at: sortAt, reason: 'hashtag' })
  }
  await w.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 2_000) await trx.insertInto('feed_item').values(rows.slice(i, i + 2_000)).execute()
    await trx.insertInto('account_status').values(Array.from({ length: 20 }, (_, i) => ({ did: `did:plc:author${i * 7}`, status: 'deactivated', updated_at: NOW }))).execute()
    const labelled = Array.from({ length: 200 }, (_, i) => rows[i * 50]!.uri)
    await trx.insertInto('feed_label').values(labelled.map((uri) => ({ src: 'did:plc:labeler', uri, val: 'pro-ed', exp_at: null, cts: new Date(NOW).toISOString() }))).execute()
  })
  await w.close()
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number

async function measure(cfg: DatabaseConfig): Promise<Record<string, { p50_ms: number; p99_ms: number }>> {
  const r = await openDatabase<FeedgenSchema>(cfg, { readonly: true, poolSize: 1 })
  const out: Record<string, { p50_ms: number; p99_ms: number }> = {}
  for (const feed of feeds) {
    const cursors: (string | undefined)[] = [undefined]
    let c: string | undefined
    for (let i = 0; i < 4; i++) {
      c = (await readSkeleton(r.db, feed, { limit: 30, cursor: c, now: NOW })).cursor
      if (c) cursors.push(c)
    }
    for (let i = 0; i < 100; i++) await readSkeleton(r.db, feed, { limit: 30, cursor: cursors[i % cursors.length], now: NOW })
    const times: number[] = []
    for (let i = 0; i < READS; i++) {
      const t = performance.now()
      await readSkeleton(r.db, feed, { limit: 30, cursor: cursors[i % cursors.length], now: NOW })
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    out[feed.id] = { p50_ms: Number(percentile(times, 50).toFixed(2)), p99_ms: Number(percentile(times, 99).toFixed(2)) }
  }
  await r.close()
  return out
}

const server = args.pg ? { url: args.pg, stop: async () => {} } : await startPostgres()
const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-db-compare-'))
try {
  const sqlite: DatabaseConfig = { kind: 'sqlite', file: path.join(dir, 'feedgen.sqlite') }
  const pgUrl = await createTestDatabase(server.url, 'db_compare')
  const postgres: DatabaseConfig = { kind: 'postgres', url: pgUrl, poolSize: 1, schema: 'feedgen' }
  await fill(sqlite)
  await fill(postgres)
  const c = new pg.Client({ connectionString: pgUrl })
  await c.connect()
  // as autovacuum would after a bulk load: planner statistics for every table
  await c.query('vacuum analyze')
  await c.end()
  console.log(`${ITEMS} items in each of two feeds, ${AUTHORS} authors, 48 h; pages of 30 (first and four deeper), ${READS} reads per feed, one at a time`)
  const result = { items: ITEMS, sqlite: await measure(sqlite), postgres: await measure(postgres) }
  for (const db of ['sqlite', 'postgres'] as const) {
    for (const [feed, m] of Object.entries(result[db])) console.log(`${db.padEnd(8)} ${feed.padEnd(9)} p50 ${m.p50_ms} ms  p99 ${m.p99_ms} ms`)
  }
  console.log(JSON.stringify(result))
} finally {
  await rm(dir, { recursive: true, force: true })
  await server.stop()
}
