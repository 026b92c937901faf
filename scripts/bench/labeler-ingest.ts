// Labeler ingest benchmark (`npm run bench:labeler`): a generated firehose (scripts/bench/firehose.ts,
// the live network's mix) whose posts carry realistic Dutch and English texts, some of which earn
// labels (from the classifier's fixtures), replayed at full speed by a WebSocket server in a separate
// process into the labeler's full pipeline (LabelerService: FirehoseConsumer → decode/filter →
// classifier → signed labels → SQLite file in WAL mode, labels and cursor in one transaction per batch).
//
//   node scripts/bench/labeler-ingest.ts [--events 200000] [--warm-events 40000] [--seed 1] [--labelled-share 0.02]
//                                        [--unlabelled-share 0.2] [--profile labeler.cpuprofile]
//
// The service is measured in its steady state: the first --warm-events events (replayed from the same
// generated pool) are taken before the clock starts, so that V8's compiling of the classifier and the
// pipeline (on the firehose thread and in the freshly started classify worker) is not counted; a
// labeler runs for weeks. The cold start's own rate is printed next to it (--warm-events 0 measures from
// the start, as before session 7). The measured --events are every frame of the pool once (the warm-up
// frames again with new seqs and record keys), so the posts counted are the pool's posts (scaled by
// the events measured when the warm-up's last batch ended past --warm-events).
//
// The last stdout line is JSON: {"posts_per_s", "events_per_s", "cpu_us_per_event", "cpu_us_per_post",
// "main_us_per_post", "worker_us_per_post", "posts", "events", "labels"} (main: the firehose thread;
// worker: the classify worker threads together). LABELER_CLASSIFY_WORKERS applies (0 = classify on the
// firehose thread, for A/B runs).

import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fmt, nonNegNumber, posInt, procMemory, round, startChild, waitUntil } from './lib.ts'
import type { ReplayMessage, ReplayReady } from './replay.ts'

process.env.LOG_LEVEL ??= 'silent'

const TARGET_POSTS_PER_S = 5_000

/** CPU time (µs) of this process's threads by thread name (/proc/self/task/*: "node" is the firehose
 *  thread, V8 worker threads are the GC helpers, a Worker runs under its own thread id). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>()
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const us = ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6
      out.set(name, (out.get(name) ?? 0) + us)
    }
  } catch {
    // not Linux
  }
  return out
}

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    'warm-events': { type: 'string', default: '40000' },
    seed: { type: 'string', default: '1' },
    'labelled-share': { type: 'string', default: '0.02' },
    'unlabelled-share': { type: 'string', default: '0.2' },
    profile: { type: 'string' },
  },
})
const EVENTS = posInt('events', args.events)
const WARM = Math.floor(nonNegNumber('warm-events', args['warm-events']))
if (WARM > EVENTS) throw new Error(`--warm-events (${WARM}) must not be more than --events (${EVENTS})`)
nonNegNumber('labelled-share', args['labelled-share'])
nonNegNumber('unlabelled-share', args['unlabelled-share'])

console.log(`generating ${fmt(EVENTS)} firehose events with labeller texts (replay server in its own process) …`)
const replay = startChild<{ type: string }, ReplayMessage>('replay.ts', [
  '--pool',
  String(EVENTS),
  '--events',
  String(EVENTS + WARM),
  '--seed',
  args.seed,
  '--labeller-texts',
  '--labelled-share',
  args['labelled-share'],
  '--unlabelled-share',
  args['unlabelled-share'],
])
let failed = false
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-bench-labeler-'))
let result: { seconds: number; cpuUs: number; threadUs: number; workerUs: number; labels: number; labelled: number } | undefined
let measuredEvents = EVENTS
let measuredPosts = 0
try {
  const ready = await replay.next<ReplayReady>('ready')
  const { stats, texts } = ready
  console.log(
    `generated in ${fmt(ready.genMs / 1000, 1)}s: ${fmt(stats.events)} events, ${fmt(stats.posts)} posts ` +
      `(${fmt(texts?.labelledTexts ?? 0)} with a text people labelled, ${fmt(texts?.unlabelledTexts ?? 0)} with an unlabelled fixture text, ` +
      `the rest generated word salad in en/ja/pt/nl/de/es), ${fmt(stats.postDeletes)} post deletes`,
  )

  const { envToCfg, readEnv } = await import('../../labeler/config.ts')
  const { LabelerService } = await import('../../labeler/index.ts')
  const { cfg, secrets } = envToCfg(
    {
      dataDir,
      firehoseUrl: ready.url,
      plcUrl: 'http://127.0.0.1:1',
      port: 0,
      hostname: 'labels.bench',
      did: 'did:plc:' + 'benchlabeler'.padEnd(24, 'a'),
      signingKey: randomBytes(32).toString('hex'),
      allowPrivateNetwork: true,
      classifyWorkers: readEnv().classifyWorkers,
    },
    { host: '127.0.0.1' },
  )
  const service = await LabelerService.create(cfg, secrets)
  const metrics = service.ctx.firehose.metrics
  try {
    console.log(`\nLabeler (LabelerService, data dir ${dataDir}) …`)
    let session: Session | undefined
    const pool = service.classifyPool
    const tStart = performance.now()
    await service.start()
    let peakQueue = 0
    if (WARM > 0) {
      await waitUntil(() => (metrics.lastSeq ?? 0) >= WARM, () => (metrics.lastSeq ?? 0) + metrics.frames, 'labeler warm-up')
      const warmS = (performance.now() - tStart) / 1000
      console.log(`  warm-up:           the first ${fmt(metrics.lastSeq ?? 0)} events in ${fmt(warmS, 2)}s (${fmt((metrics.lastSeq ?? 0) / warmS)} events/s, not measured)`)
    }
    if (args.profile) {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
    }
    const seq0 = metrics.lastSeq ?? 0
    const workers0 = (await pool?.cpuUsage()) ?? { user: 0, system: 0 }
    const threads0 = threadCpu()
    const cpu0 = process.cpuUsage()
    const thread0 = process.threadCpuUsage()
    const t0 = performance.now()
    await waitUntil(
      () => {
        peakQueue = Math.max(peakQueue, metrics.queue)
        return (metrics.lastSeq ?? 0) >= EVENTS + WARM
      },
      () => (metrics.lastSeq ?? 0) + metrics.frames,
      'labeler pipeline',
    )
    const seconds = (performance.now() - t0) / 1000
    // a batch may end past --warm-events: the measured events are those after it, and the posts among
    // them the pool's share of posts (each pool frame is replayed once in the measured part)
    measuredEvents = EVENTS + WARM - seq0
    measuredPosts = Math.round((stats.posts * measuredEvents) / EVENTS)
    const cpu = process.cpuUsage(cpu0)
    const thread = process.threadCpuUsage(thread0)
    const workers1 = (await pool?.cpuUsage()) ?? { user: 0, system: 0 }
    const workerUs = workers1.user + workers1.system - workers0.user - workers0.system
    const threads = [...threadCpu()].map(([name, us]) => [name, us - (threads0.get(name) ?? 0)] as const).filter(([, us]) => us > 0)
    if (session) {
      const { profile } = await session.post('Profiler.stop')
      await writeFile(args.profile as string, JSON.stringify(profile))
      session.disconnect()
      console.log(`  CPU profile written to ${args.profile}`)
    }
    const db = service.store.db
    const labels = await db.selectFrom('label_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const labelled = await db
      .selectFrom('label')
      .select((eb) => eb.fn.count<number>('uri').distinct().as('n'))
      .where('neg', '=', 0)
      .executeTakeFirstOrThrow()
    const byVal = await db.selectFrom('label').select(['val', (eb) => eb.fn.countAll<number>().as('n')]).where('neg', '=', 0).groupBy('val').execute()
    result = { seconds, cpuUs: cpu.user + cpu.system, threadUs: thread.user + thread.system, workerUs, labels: Number(labels.n), labelled: Number(labelled.n) }
    console.log(`  events:            ${fmt(measuredEvents)} in ${fmt(seconds, 2)}s (after the warm-up)`)
    console.log(`  events/s:          ${fmt(measuredEvents / seconds)}`)
    console.log(`  posts classified:  ${fmt(measuredPosts)} → ${fmt(measuredPosts / seconds)} posts/s`)
    console.log(
      `  CPU µs/event:      ${fmt(result.threadUs / measuredEvents, 1)} on the pipeline thread, ${fmt(result.cpuUs / measuredEvents, 1)} whole process ` +
        `(${fmt(result.cpuUs / measuredPosts, 1)} per post; the replay server is another process)`,
    )
    console.log(
      `  CPU µs/post:       ${fmt(result.threadUs / measuredPosts, 1)} on the firehose thread, ` +
        (pool ? `${fmt(result.workerUs / measuredPosts, 1)} on ${pool.size} classify worker${pool.size === 1 ? '' : 's'}` : 'no classify workers (LABELER_CLASSIFY_WORKERS=0)') +
        `, ${fmt((result.cpuUs - result.threadUs - result.workerUs) / measuredPosts, 1)} elsewhere in the process`,
    )
    console.log(`  threads µs/post:   ${threads.map(([name, us]) => `${name} ${fmt(us / measuredPosts, 1)}`).join(', ')} (/proc, 10 ms ticks)`)
    console.log(
      `  labels:            ${fmt(result.labels)} signed label events, ${fmt(result.labelled)} posts labelled now, warm-up included ` +
        `(${byVal.map((r) => `${r.val} ${r.n}`).join(', ') || 'none'}); ${fmt(texts?.labelledTexts ?? 0)} posts got a labelled text`,
    )
    const mem = procMemory(process.pid)
    const mu = process.memoryUsage()
    const wh = await pool?.heapStatistics()
    const mb = (b: number) => fmt(b / 1048576)
    console.log(
      `  V8 heaps at the end: firehose thread ${mb(mu.heapUsed)} MB used of ${mb(mu.heapTotal)}` +
        (wh ? `, classify workers ${mb(wh.used)} of ${mb(wh.total)}` : '') +
        `; external ${mb(mu.external)} MB (array buffers ${mb(mu.arrayBuffers)})`,
    )
    console.log(
      `  memory:            peak RSS ${fmt((mem?.hwm ?? NaN) / 1048576)} MB (this process: the service; the frames are in the replay process); ` +
        `firehose queue peak ${fmt(peakQueue)} events`,
    )
    console.log(
      `  firehose metrics:  frames ${fmt(metrics.frames)}, batches ${fmt(metrics.batches)}, malformed ${metrics.malformed}, ` +
        `errorFrames ${metrics.errorFrames}, handlerErrors ${metrics.handlerErrors}, reconnects ${metrics.reconnects}`,
    )
    if (metrics.malformed > 0 || metrics.errorFrames > 0 || metrics.handlerErrors > 0) {
      console.log('  PROBLEM: the pipeline counted malformed frames, error frames or handler errors')
      failed = true
    }
    if ((texts?.labelledTexts ?? 0) > 0 && result.labels === 0) {
      console.log('  PROBLEM: posts with labelled texts went through, but no label was written')
      failed = true
    }
  } finally {
    await service.destroy()
  }
} catch (err) {
  console.log(`  PROBLEM: labeler benchmark failed: ${(err as Error).stack ?? String(err)}`)
  failed = true
} finally {
  await replay.stop()
  await rm(dataDir, { recursive: true, force: true })
}

const postsPerS = result ? Math.round(measuredPosts / result.seconds) : 0
console.log('\nsummary')
if (result) {
  console.log(`  posts classified/s: ${fmt(postsPerS)} (target ≥ ${fmt(TARGET_POSTS_PER_S)}: ${postsPerS >= TARGET_POSTS_PER_S ? 'met' : 'NOT met'})`)
}
console.log(
  JSON.stringify({
    posts_per_s: postsPerS,
    events_per_s: result ? Math.round(measuredEvents / result.seconds) : 0,
    cpu_us_per_event: result ? round(result.cpuUs / measuredEvents) : 0,
    cpu_us_per_post: result && measuredPosts ? round(result.cpuUs / measuredPosts) : 0,
    main_us_per_post: result && measuredPosts ? round(result.threadUs / measuredPosts) : 0,
    worker_us_per_post: result && measuredPosts ? round(result.workerUs / measuredPosts) : 0,
    posts: measuredPosts,
    events: measuredEvents,
    warm_events: WARM,
    labels: result?.labels ?? 0,
  }),
)
process.exit(failed ? 1 : 0)
