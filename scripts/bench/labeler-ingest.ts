// Labeler ingest benchmark (`npm run bench:labeler`): a generated firehose (scripts/bench/firehose.ts,
// the live network's mix) whose posts carry realistic Dutch and English texts, some of which earn
// labels (from the classifier's fixtures), replayed at full speed by a WebSocket server in a separate
// process into the labeler's full pipeline (LabelerService: FirehoseConsumer → decode/filter →
// classifier → signed labels → SQLite file in WAL mode, labels and cursor in one transaction per batch).
//
//   node scripts/bench/labeler-ingest.ts [--events 200000] [--seed 1] [--labelled-share 0.02]
//                                        [--unlabelled-share 0.2] [--profile labeler.cpuprofile]
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
    seed: { type: 'string', default: '1' },
    'labelled-share': { type: 'string', default: '0.02' },
    'unlabelled-share': { type: 'string', default: '0.2' },
    profile: { type: 'string' },
  },
})
const EVENTS = posInt('events', args.events)
nonNegNumber('labelled-share', args['labelled-share'])
nonNegNumber('unlabelled-share', args['unlabelled-share'])

console.log(`generating ${fmt(EVENTS)} firehose events with labeller texts (replay server in its own process) …`)
const replay = startChild<{ type: string }, ReplayMessage>('replay.ts', [
  '--pool',
  String(EVENTS),
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
let posts = 0
try {
  const ready = await replay.next<ReplayReady>('ready')
  const { stats, texts } = ready
  posts = stats.posts
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
    if (args.profile) {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
    }
    const pool = service.classifyPool
    const workers0 = (await pool?.cpuUsage()) ?? { user: 0, system: 0 }
    const threads0 = threadCpu()
    const cpu0 = process.cpuUsage()
    const thread0 = process.threadCpuUsage()
    const t0 = performance.now()
    await service.start()
    let peakQueue = 0
    await waitUntil(
      () => {
        peakQueue = Math.max(peakQueue, metrics.queue)
        return (metrics.lastSeq ?? 0) >= EVENTS
      },
      () => (metrics.lastSeq ?? 0) + metrics.frames,
      'labeler pipeline',
    )
    const seconds = (performance.now() - t0) / 1000
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
    console.log(`  events:            ${fmt(EVENTS)} in ${fmt(seconds, 2)}s`)
    console.log(`  events/s:          ${fmt(EVENTS / seconds)}`)
    console.log(`  posts classified:  ${fmt(stats.posts)} → ${fmt(stats.posts / seconds)} posts/s`)
    console.log(
      `  CPU µs/event:      ${fmt(result.threadUs / EVENTS, 1)} on the pipeline thread, ${fmt(result.cpuUs / EVENTS, 1)} whole process ` +
        `(${fmt(result.cpuUs / stats.posts, 1)} per post; the replay server is another process)`,
    )
    console.log(
      `  CPU µs/post:       ${fmt(result.threadUs / stats.posts, 1)} on the firehose thread, ` +
        (pool ? `${fmt(result.workerUs / stats.posts, 1)} on ${pool.size} classify worker${pool.size === 1 ? '' : 's'}` : 'no classify workers (LABELER_CLASSIFY_WORKERS=0)') +
        `, ${fmt((result.cpuUs - result.threadUs - result.workerUs) / stats.posts, 1)} elsewhere in the process`,
    )
    console.log(`  threads µs/post:   ${threads.map(([name, us]) => `${name} ${fmt(us / stats.posts, 1)}`).join(', ')} (/proc, 10 ms ticks)`)
    console.log(
      `  labels:            ${fmt(result.labels)} signed label events, ${fmt(result.labelled)} posts labelled now ` +
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

const postsPerS = result ? Math.round(posts / result.seconds) : 0
console.log('\nsummary')
if (result) {
  console.log(`  posts classified/s: ${fmt(postsPerS)} (target ≥ ${fmt(TARGET_POSTS_PER_S)}: ${postsPerS >= TARGET_POSTS_PER_S ? 'met' : 'NOT met'})`)
}
console.log(
  JSON.stringify({
    posts_per_s: postsPerS,
    events_per_s: result ? Math.round(EVENTS / result.seconds) : 0,
    cpu_us_per_event: result ? round(result.cpuUs / EVENTS) : 0,
    cpu_us_per_post: result && posts ? round(result.cpuUs / posts) : 0,
    main_us_per_post: result && posts ? round(result.threadUs / posts) : 0,
    worker_us_per_post: result && posts ? round(result.workerUs / posts) : 0,
    posts,
    events: EVENTS,
    labels: result?.labels ?? 0,
  }),
)
process.exit(failed ? 1 : 0)
