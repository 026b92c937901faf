// Ingest benchmark (`npm run bench:ingest`): replays a generated firehose through a local WebSocket
// server into the full feed-generator pipeline (FeedgenService: FirehoseConsumer → Indexer → SQLite)
// and, in the same run, into a baseline written the way the official bluesky feed-generator starter
// kit does it (@atproto/sync Firehose, per-event handler, one INSERT per kept post, cursor every 20).
//
//   node scripts/bench/ingest.ts [--events 200000] [--baseline-events 40000] [--seed 1]
//                                [--batch-size N] [--max-queue N] [--baseline-db both|file|memory] [--skip-baseline]
//                                [--profile plein.cpuprofile]
//
// --profile writes V8 CPU profiles of the main thread covering only the timed runs: the Plein run to
// the given file, the baseline run next to it as *.baseline.cpuprofile (open them in Chrome DevTools).
//
// The last stdout line is JSON: {"events_per_s", "baseline_events_per_s", "ratio", "events", "baseline_db",
// "baseline_memory_events_per_s", "ratio_vs_memory"}; `ratio` is against the first baseline run (the file one by default).

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import type { FeedgenService } from '../../feedgen/index.ts'
import { benchFeedsYaml, FLAG_POST_CREATE, FLAG_UTRECHT_TEXT } from './firehose.ts'
import { fmt, posInt, waitUntil as waitUntilEvery } from './lib.ts'
import type { FirehoseWorkerReady } from './firehose-worker.ts'

// The logger reads LOG_LEVEL when shared/logger.ts is first imported: set it before loading the service.
process.env.LOG_LEVEL ??= 'silent'

const TARGET_EVENTS_PER_S = 20_000
const TARGET_RATIO = 20

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    'baseline-events': { type: 'string', default: '40000' },
    seed: { type: 'string', default: '1' },
    'batch-size': { type: 'string' },
    'max-queue': { type: 'string' },
    'baseline-db': { type: 'string', default: 'both' },
    'skip-baseline': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
})

const EVENTS = posInt('events', args.events)
const BASELINE_EVENTS = Math.min(EVENTS, posInt('baseline-events', args['baseline-events']))
const SEED = posInt('seed', args.seed)
const BATCH_SIZE = args['batch-size'] === undefined ? undefined : posInt('batch-size', args['batch-size'])
const MAX_QUEUE = args['max-queue'] === undefined ? undefined : posInt('max-queue', args['max-queue'])
const BASELINE_DB = args['baseline-db']
if (BASELINE_DB !== 'memory' && BASELINE_DB !== 'file' && BASELINE_DB !== 'both') {
  console.error(`--baseline-db must be file, memory or both, got "${BASELINE_DB}"`)
  process.exit(2)
}

const cpuUs = (u: NodeJS.CpuUsage) => u.user + u.system
/** CPU time of the replay server's thread (the worker), in µs */
async function serverCpuUs(): Promise<number> {
  const reply = new Promise<number>((resolve) => {
    const on = (m: { type?: string; us?: number }) => {
      if (m?.type !== 'cpu') return
      worker.off('message', on)
      resolve(m.us ?? 0)
    }
    worker.on('message', on)
  })
  worker.postMessage({ type: 'cpu' })
  return await reply
}
const cpuNow = async () => ({ thread: process.threadCpuUsage(), proc: process.cpuUsage(), server: await serverCpuUs() })
async function cpuSince(start: Awaited<ReturnType<typeof cpuNow>>): Promise<{ threadUs: number; procUs: number; serverUs: number }> {
  return { threadUs: cpuUs(process.threadCpuUsage(start.thread)), procUs: cpuUs(process.cpuUsage(start.proc)), serverUs: (await serverCpuUs()) - start.server }
}

/** Starts a CPU profile of this thread when --profile is given; the returned function writes it. */
async function startProfile(file: string | undefined): Promise<() => Promise<void>> {
  if (!file) return async () => {}
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async () => {
    const { profile } = await session.post('Profiler.stop')
    await writeFile(file, JSON.stringify(profile))
    session.disconnect()
    console.log(`  CPU profile of the timed run written to ${file}`)
  }
}

/** Resolves when `done()` is true; rejects when `progress()` has not moved for `stallMs` (polls every 2 ms). */
const waitUntil = (done: () => boolean, progress: () => number, what: string) => waitUntilEvery(done, progress, what, 30_000, 2)

// ------------------------------------------------------------------------------------------------
// 1. generate the firehose and serve it (worker thread)

console.log(`generating ${fmt(EVENTS)} firehose events (seed ${SEED}) …`)
const worker = new Worker(new URL('./firehose-worker.ts', import.meta.url), { workerData: { events: EVENTS, seed: SEED } })
const ready = await new Promise<FirehoseWorkerReady>((resolve, reject) => {
  worker.once('message', (m: FirehoseWorkerReady) => resolve(m))
  worker.once('error', reject)
  worker.once('exit', (code) => reject(new Error(`firehose worker exited (${code})`)))
})
const { stats } = ready
const firehoseUrl = `ws://127.0.0.1:${ready.port}`
console.log(
  `generated in ${fmt(ready.genMs / 1000, 1)}s: ${fmt(stats.events)} frames, ${fmt(stats.bytes / 1e6, 1)} MB ` +
    `(avg ${fmt(stats.bytes / stats.events)} B/frame), serving at ${firehoseUrl}`,
)
console.log(
  `  mix: likes ${fmt(stats.likes)}, follows ${fmt(stats.follows)}, posts ${fmt(stats.posts)}, reposts ${fmt(stats.reposts)}, ` +
    `deletes ${fmt(stats.postDeletes + stats.likeDeletes + stats.otherDeletes)} (posts ${fmt(stats.postDeletes)}), ` +
    `blocks ${fmt(stats.blocks)}, profiles ${fmt(stats.profiles)}, listitems ${fmt(stats.listitems)}, threadgates ${fmt(stats.gates)}, ` +
    `#identity ${fmt(stats.identity)}, #account ${fmt(stats.account)}`,
)
const intendedTotal = stats.intended.utrecht + stats.intended.fiets + stats.intended.authors
console.log(
  `  posts written to match a bench feed: ${fmt(intendedTotal)} (${fmt((100 * intendedTotal) / stats.posts, 1)}% of posts; ` +
    `utrecht ${stats.intended.utrecht}, fiets ${stats.intended.fiets}, authors ${stats.intended.authors}), ${stats.intendedDeleted} of them deleted later`,
)

let failed = false

// ------------------------------------------------------------------------------------------------
// 2. Plein: the full feed-generator service

const { envToCfg } = await import('../../feedgen/config.ts')
const { parseFeedsFile } = await import('../../feedgen/feeds/definitions.ts')
const { FeedgenService: Service } = await import('../../feedgen/index.ts')

const feedsYaml = benchFeedsYaml(ready.publisher, ready.benchAuthors)

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-bench-ingest-'))
let plein: { seconds: number; eventsPerS: number; threadUsPerEvent: number; procUsPerEvent: number; serverUsPerEvent: number } | undefined
let service: FeedgenService | undefined
try {
  const cfg = envToCfg(
    {
      dataDir,
      firehoseUrl,
      plcUrl: 'http://127.0.0.1:1',
      port: 0,
      hostname: 'feeds.bench',
      allowPrivateNetwork: true,
    },
    { feeds: parseFeedsFile(feedsYaml, 'bench feeds'), host: '127.0.0.1' },
  )
  service = await Service.create(cfg, { firehose: { ...(BATCH_SIZE ? { batchSize: BATCH_SIZE } : {}), ...(MAX_QUEUE ? { maxQueue: MAX_QUEUE } : {}) } })
  const metrics = service.ctx.firehose.metrics
  console.log(`\nPlein (FeedgenService, data dir ${dataDir}) …`)
  const stopProfile = await startProfile(args.profile)
  const cpu0 = await cpuNow()
  const t0 = performance.now()
  await service.start()
  await waitUntil(
    () => (metrics.lastSeq ?? 0) >= EVENTS,
    () => (metrics.lastSeq ?? 0) + metrics.frames,
    'Plein pipeline',
  )
  const seconds = (performance.now() - t0) / 1000
  const cpu = await cpuSince(cpu0)
  await stopProfile()
  plein = {
    seconds,
    eventsPerS: EVENTS / seconds,
    threadUsPerEvent: cpu.threadUs / EVENTS,
    procUsPerEvent: cpu.procUs / EVENTS,
    serverUsPerEvent: cpu.serverUs / EVENTS,
  }
  const cursor = await service.indexer.getCursor()

  const items = await service.db.selectFrom('feed_item').select(['feed', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('feed').execute()
  const posts = await service.db.selectFrom('post').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const byFeed = Object.fromEntries(items.map((r) => [r.feed, Number(r.n)]))
  const storedItems = items.reduce((s, r) => s + Number(r.n), 0)

  console.log(`  events:            ${fmt(EVENTS)} in ${fmt(seconds, 2)}s`)
  console.log(`  events/s:          ${fmt(plein.eventsPerS)}  (${fmt(stats.bytes / 1e6 / seconds, 1)} MB/s of frames)`)
  console.log(
    `  CPU µs/event:      ${fmt(plein.threadUsPerEvent, 1)} on the pipeline thread; ${fmt(plein.procUsPerEvent, 1)} whole process ` +
      `(of which ${fmt(plein.serverUsPerEvent, 1)} on the replay server thread, the rest V8 GC, compiler and other helper threads)`,
  )
  console.log(
    `  firehose metrics:  frames ${fmt(metrics.frames)}, events ${fmt(metrics.events)}, batches ${fmt(metrics.batches)}, malformed ${metrics.malformed}, ` +
      `errorFrames ${metrics.errorFrames}, handlerErrors ${metrics.handlerErrors}, reconnects ${metrics.reconnects}, saved cursor ${cursor}`,
  )
  console.log(
    `  stored:            ${fmt(Number(posts.n))} posts, ${fmt(storedItems)} feed items (utrecht ${byFeed.utrecht ?? 0}, fiets ${byFeed.fiets ?? 0}, authors ${byFeed.authors ?? 0} incl. reposts)`,
  )
  if (metrics.malformed > 0 || metrics.errorFrames > 0 || metrics.handlerErrors > 0) {
    console.log('  PROBLEM: the pipeline counted malformed frames, error frames or handler errors')
    failed = true
  }
  if (Number(posts.n) === 0) {
    console.log('  PROBLEM: no posts were stored; matching did not happen')
    failed = true
  }
} catch (err) {
  console.log(`  PROBLEM: Plein pipeline failed: ${(err as Error).stack ?? String(err)}`)
  failed = true
} finally {
  await service?.destroy()
  await rm(dataDir, { recursive: true, force: true })
}

// ------------------------------------------------------------------------------------------------
// 3. baseline: the starter kit's way

type BaselineResult = { db: 'memory' | 'file'; events: number; seconds: number; eventsPerS: number; threadUsPerEvent: number }
async function runBaseline(BASELINE_DB: 'memory' | 'file'): Promise<BaselineResult | undefined> {
  let baseline: BaselineResult | undefined
  const { Firehose } = await import('@atproto/sync')
  const { IdResolver } = await import('@atproto/identity')
  const { Kysely, SqliteDialect } = await import('kysely')
  const { default: SqliteDatabase } = await import('better-sqlite3')

  interface StarterSchema {
    post: { uri: string; cid: string; indexedAt: string }
    sub_state: { service: string; cursor: number }
  }
  const baseDir = BASELINE_DB === 'file' ? await mkdtemp(path.join(os.tmpdir(), 'plein-bench-baseline-')) : undefined
  // the starter kit's default FEEDGEN_SQLITE_LOCATION is ":memory:"
  const raw = new SqliteDatabase(baseDir ? path.join(baseDir, 'db.sqlite') : ':memory:')
  const db = new Kysely<StarterSchema>({ dialect: new SqliteDialect({ database: raw }) })
  await db.schema.createTable('post').addColumn('uri', 'varchar', (c) => c.primaryKey()).addColumn('cid', 'varchar', (c) => c.notNull()).addColumn('indexedAt', 'varchar', (c) => c.notNull()).execute()
  await db.schema.createTable('sub_state').addColumn('service', 'varchar', (c) => c.primaryKey()).addColumn('cursor', 'integer', (c) => c.notNull()).execute()
  await db.insertInto('sub_state').values({ service: firehoseUrl, cursor: 0 }).execute()

  // #identity events make @atproto/sync resolve the DID document even with unauthenticatedHandles;
  // answer "not found" at once instead of going to a PLC directory.
  const notFoundFetch = (async () => new Response(null, { status: 404 })) as unknown as typeof globalThis.fetch
  const idResolver = new IdResolver({ plcUrl: 'http://127.0.0.1:1', fetch: notFoundFetch })

  const errors = new Map<string, number>()
  let firstError: Error | undefined
  let maxSeq = 0
  let handled = 0
  let postCreates = 0

  const firehose = new Firehose({
    service: firehoseUrl,
    idResolver,
    unauthenticatedCommits: true,
    unauthenticatedHandles: true,
    onError: (err) => {
      errors.set(err.constructor.name, (errors.get(err.constructor.name) ?? 0) + 1)
      firstError ??= err
    },
    handleEvent: async (evt) => {
      handled++
      if (evt.seq > maxSeq) maxSeq = evt.seq
      if (evt.event === 'create' && evt.collection === 'app.bsky.feed.post') {
        postCreates++
        const text = (evt.record as { text?: unknown }).text
        if (typeof text === 'string' && text.toLowerCase().includes('utrecht')) {
          await db
            .insertInto('post')
            .values({ uri: evt.uri.toString(), cid: evt.cid.toString(), indexedAt: new Date().toISOString() })
            .onConflict((oc) => oc.doNothing())
            .execute()
        }
      } else if (evt.event === 'delete' && evt.collection === 'app.bsky.feed.post') {
        await db.deleteFrom('post').where('uri', '=', evt.uri.toString()).execute()
      }
      // the starter kit saves its cursor every 20 events
      if (evt.seq % 20 === 0) await db.updateTable('sub_state').set({ cursor: evt.seq }).where('service', '=', firehoseUrl).execute()
    },
  })

  console.log(`\nbaseline (starter-kit style, @atproto/sync Firehose, first ${fmt(BASELINE_EVENTS)} events, SQLite ${BASELINE_DB}) …`)
  const stopProfile = await startProfile(args.profile?.replace(/(\.cpuprofile)?$/, '.baseline.cpuprofile'))
  const cpu0 = await cpuNow()
  const t0 = performance.now()
  const running = firehose.start()
  try {
    await waitUntil(
      () => maxSeq >= BASELINE_EVENTS,
      () => maxSeq + [...errors.values()].reduce((a, b) => a + b, 0),
      'baseline',
    )
    const seconds = (performance.now() - t0) / 1000
    const cpu = await cpuSince(cpu0)
    baseline = { db: BASELINE_DB, events: BASELINE_EVENTS, seconds, eventsPerS: BASELINE_EVENTS / seconds, threadUsPerEvent: cpu.threadUs / BASELINE_EVENTS }
    await stopProfile()
  } catch (err) {
    console.log(`  PROBLEM: baseline failed: ${(err as Error).message}`)
    failed = true
  }
  await Promise.race([firehose.destroy(), new Promise((r) => setTimeout(r, 5000))])
  void running

  // what the generator wrote up to the last event the handler saw (it runs a little past the range)
  const seenTo = maxSeq
  let expectedHandled = 0
  let expectedPostCreates = 0
  let expectedUtrecht = 0
  for (let i = 0; i < seenTo; i++) {
    expectedHandled += ready.opsPerFrame[i] as number
    const f = ready.flags[i] as number
    if (f & FLAG_POST_CREATE) expectedPostCreates++
    if (f & FLAG_UTRECHT_TEXT) expectedUtrecht++
  }
  const kept = await db.selectFrom('post').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  if (baseline) {
    console.log(`  events:            ${fmt(BASELINE_EVENTS)} in ${fmt(baseline.seconds, 2)}s${BASELINE_EVENTS < EVENTS ? ` (the first ${fmt(BASELINE_EVENTS)} of the ${fmt(EVENTS)}; its rate is taken from that subset)` : ''}`)
    console.log(`  events/s:          ${fmt(baseline.eventsPerS)}`)
    console.log(`  CPU µs/event:      ${fmt(baseline.threadUsPerEvent, 1)} on the pipeline thread`)
  }
  console.log(
    `  handler saw:       seq 1..${fmt(seenTo)}: ${fmt(handled)} events (expected ${fmt(expectedHandled)}), ` +
      `${fmt(postCreates)} post creates (expected ${fmt(expectedPostCreates)})`,
  )
  console.log(`  stored:            ${fmt(Number(kept.n))} posts mentioning "utrecht" (${fmt(expectedUtrecht)} such posts created, before deletes)`)
  const errorList = [...errors.entries()].map(([k, v]) => `${k} ${v}`).join(', ')
  console.log(`  onError:           ${errorList || 'none'}`)
  if (firstError) console.log(`  first error:       ${firstError.message}${firstError.cause ? `: ${String((firstError.cause as Error).message ?? firstError.cause)}` : ''}`)
  if (handled !== expectedHandled || postCreates !== expectedPostCreates || errors.size > 0) {
    console.log('  PROBLEM: the baseline did not see every generated event cleanly (frames may be invalid)')
    failed = true
  }
  await db.destroy()
  if (baseDir) await rm(baseDir, { recursive: true, force: true })
  return baseline
}

// The starter kit's default FEEDGEN_SQLITE_LOCATION is ":memory:" (everything is lost at a restart);
// a deployment sets a file, which is what Plein always does. Both are measured; the headline ratio is
// against the file, the like-for-like one (both keep their data), and the in-memory one is printed too.
const baselines: BaselineResult[] = []
if (!args['skip-baseline']) {
  for (const kind of BASELINE_DB === 'both' ? (['file', 'memory'] as const) : [BASELINE_DB as 'file' | 'memory']) {
    const r = await runBaseline(kind)
    if (r) baselines.push(r)
  }
}
const baseline = baselines[0]
const memoryBaseline = baselines.find((b) => b.db === 'memory')

// ------------------------------------------------------------------------------------------------
// 4. report

worker.postMessage({ type: 'close' })
await Promise.race([new Promise((r) => worker.once('exit', r)), new Promise((r) => setTimeout(r, 2000))])
await worker.terminate()

const eventsPerS = plein ? Math.round(plein.eventsPerS) : 0
const baselinePerS = baseline ? Math.round(baseline.eventsPerS) : 0
const ratio = baselinePerS > 0 ? Math.round((eventsPerS / baselinePerS) * 100) / 100 : 0
console.log('\nsummary')
console.log(`  Plein:    ${fmt(eventsPerS)} events/s (${fmt(EVENTS)} events${plein ? `, ${fmt(plein.threadUsPerEvent, 1)} CPU µs/event` : ''})`)
for (const b of baselines) {
  const r = Math.round((eventsPerS / b.eventsPerS) * 100) / 100
  console.log(`  baseline (SQLite ${b.db === 'file' ? 'file' : ':memory:'}): ${fmt(Math.round(b.eventsPerS))} events/s (${fmt(b.events)} events, ${fmt(b.threadUsPerEvent, 1)} CPU µs/event) → ratio ${r}×`)
}
console.log(`  ratio:    ${ratio}× (against the ${baseline ? (baseline.db === 'file' ? 'file' : 'in-memory') : 'no'} baseline)`)
console.log(`  targets:  ≥ ${fmt(TARGET_EVENTS_PER_S)} events/s: ${eventsPerS >= TARGET_EVENTS_PER_S ? 'yes' : 'NO'}; ≥ ${TARGET_RATIO}× baseline: ${baseline ? (ratio >= TARGET_RATIO ? 'yes' : 'NO') : 'not measured'}`)
const memoryPerS = memoryBaseline ? Math.round(memoryBaseline.eventsPerS) : 0
console.log(
  JSON.stringify({
    events_per_s: eventsPerS,
    baseline_events_per_s: baselinePerS,
    ratio,
    events: EVENTS,
    baseline_db: baseline?.db ?? null,
    baseline_memory_events_per_s: memoryPerS,
    ratio_vs_memory: memoryPerS > 0 ? Math.round((eventsPerS / memoryPerS) * 100) / 100 : 0,
  }),
)
// a library handle (e.g. a resolver timer) must not keep the benchmark alive after its report
process.exit(failed ? 1 : 0)
