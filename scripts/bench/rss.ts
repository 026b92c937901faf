// Memory benchmark (`npm run bench:rss`): replays 1M generated firehose events (the live network's mix,
// posts with realistic Dutch and English texts) into the feed generator and the labeler, each service
// alone in its own process, and samples each process's resident set size (VmRSS from /proc) every
// second. The replay server is a third process, so its memory (the frames) is not counted. The services
// run compiled (scripts/build.ts into .tmp/bench-dist), as `npm start` runs them: a service run from its
// .ts sources also holds Node's TypeScript stripper (~18 MB, and ~10 MB per worker thread).
//
//   node scripts/bench/rss.ts [--events 1000000] [--pool 200000] [--only feedgen|labeler] [--node-flags="…"]
//
// The services run with the V8 flags `npm start` uses (shared/node-flags.ts: SERVICE_NODE_FLAGS for the feed
// generator, LABELER_NODE_FLAGS for the labeler) unless --node-flags= is given (for both; --node-flags= with
// nothing after it runs them without flags).
//                             [--sample-ms 1000] [--node-flags="--max-semi-space-size=2 …"] [--heap-snapshot DIR]
//                             [--checkpoint background|auto]
//
// --checkpoint auto lets SQLite checkpoint the feed generator's WAL inside its commits instead of on its
// worker thread (FeedgenOptions.walCheckpoint; the default is the shipped 'background').
//
// The pool of generated frames is replayed in rounds (every round with new seqs and new record keys,
// so its posts are new posts). Growth: the highest RSS in the last quarter of the run (by events) is
// compared with the highest in the first quarter after a warm-up (the first 10% of events).
//
// The V8 old space (where live data ends up) is sampled too: RSS can grow when V8 enlarges its young
// generation under a high allocation rate, which is not a leak.
//
// The last stdout line is JSON: {"rss_mb", "feedgen_rss_mb", "labeler_rss_mb", "feedgen_growth_pct",
// "labeler_growth_pct", "feedgen_old_space_mb", "labeler_old_space_mb", "events"}.

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fmt, posInt, procMemory, round, sleep, startChild, type Child } from './lib.ts'
import type { ReplayMessage, ReplayReady } from './replay.ts'
import type { ServiceConfig, ServiceMessage, ServiceStatus } from './service.ts'
import { LABELER_NODE_FLAGS, SERVICE_NODE_FLAGS } from '../../shared/node-flags.ts'
import { benchFeedsYaml } from './firehose.ts'

const TARGET_MB = 256
/** growth of the last quarter's peak over the first quarter's peak that counts as "grows" */
const GROWTH_LIMIT_PCT = 10

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    pool: { type: 'string', default: '200000' },
    only: { type: 'string' },
    'sample-ms': { type: 'string', default: '1000' },
    'node-flags': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    checkpoint: { type: 'string', default: 'background' },
  },
})
const EVENTS = posInt('events', args.events)
const POOL = Math.min(EVENTS, posInt('pool', args.pool))
const SAMPLE_MS = posInt('sample-ms', args['sample-ms'])
if (args.checkpoint !== 'auto' && args.checkpoint !== 'background') {
  console.error(`--checkpoint must be auto or background, got "${args.checkpoint}"`)
  process.exit(2)
}
const CHECKPOINT: 'auto' | 'background' = args.checkpoint
const kinds = (args.only ? [args.only] : ['feedgen', 'labeler']) as ('feedgen' | 'labeler')[]
for (const k of kinds) {
  if (k !== 'feedgen' && k !== 'labeler') {
    console.error(`--only must be feedgen or labeler, got "${k}"`)
    process.exit(2)
  }
}
/** V8/Node flags for the service processes: by default the ones `npm start` runs them with */
const execArgvOf = (kind: 'feedgen' | 'labeler'): string[] =>
  args['node-flags'] === undefined ? [...(kind === 'labeler' ? LABELER_NODE_FLAGS : SERVICE_NODE_FLAGS)] : args['node-flags'].split(' ').filter((f) => f !== '')

interface Sample {
  t: number
  seq: number
  rss: number
  heapUsed: number
  external: number
  /** V8 old space and young generation (committed), bytes */
  old: number
  young: number
}

interface Measured {
  kind: 'feedgen' | 'labeler'
  child: Child<{ type: string; file?: string }, ServiceMessage>
  pid: number
  dataDir: string
  samples: Sample[]
  done: boolean
  seconds: number
  last?: ServiceStatus
}

console.log(
  `replaying ${fmt(EVENTS)} events (a pool of ${fmt(POOL)} generated frames, in rounds) into: ${kinds.join(', ')}; each service in its own process` +
    ` (${kinds.map((k) => `${k}: node ${execArgvOf(k).join(' ') || 'without flags'}`).join('; ')})`,
)
const replay = startChild<{ type: string }, ReplayMessage>('replay.ts', ['--pool', String(POOL), '--events', String(EVENTS), '--labeller-texts'])
const services: Measured[] = []
let failed = false
try {
  const ready = await replay.next<ReplayReady>('ready')
  console.log(`generated in ${fmt(ready.genMs / 1000, 1)}s (${fmt(ready.stats.bytes / 1e6)} MB of frames in the replay process), serving at ${ready.url}`)
  const feedsYaml = benchFeedsYaml(ready.publisher, ready.benchAuthors, { window: '48h', perAuthor: 3 })
  for (const kind of kinds) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `plein-bench-rss-${kind}-`))
    const config: ServiceConfig =
      kind === 'feedgen'
        ? { kind, dataDir, firehoseUrl: ready.url, feedsYaml, walCheckpoint: CHECKPOINT }
        : { kind, dataDir, firehoseUrl: ready.url, did: 'did:plc:' + 'benchlabeler'.padEnd(24, 'a'), signingKey: randomBytes(32).toString('hex') }
    const child = startChild<{ type: string; file?: string }, ServiceMessage>('service.ts', [JSON.stringify(config)], { execArgv: execArgvOf(kind), built: true })
    services.push({ kind, child, pid: child.proc.pid as number, dataDir, samples: [], done: false, seconds: 0 })
  }
  const t0 = performance.now()
  for (const s of services) await s.child.next('ready', 120_000)

  // sample every SAMPLE_MS until every service has written the last event
  let lastProgress = Date.now()
  let lastTotal = -1
  while (services.some((s) => !s.done)) {
    await sleep(SAMPLE_MS)
    for (const s of services) {
      if (s.done) continue
      const mem = procMemory(s.pid)
      s.child.send({ type: 'status' })
      const st = await s.child.next<ServiceStatus>('status', 30_000)
      s.last = st
      if (mem) {
        s.samples.push({
          t: (performance.now() - t0) / 1000,
          seq: st.lastSeq,
          rss: mem.rss,
          heapUsed: st.memory.heapUsed,
          external: st.memory.external + st.memory.arrayBuffers,
          old: st.spaces.old_space ?? 0,
          young: (st.spaces.new_space ?? 0) + (st.spaces.new_large_object_space ?? 0),
        })
      }
      if (st.lastSeq >= EVENTS) {
        s.done = true
        s.seconds = (performance.now() - t0) / 1000
      }
    }
    const total = services.reduce((a, s) => a + (s.last?.lastSeq ?? 0), 0)
    if (total !== lastTotal) {
      lastTotal = total
      lastProgress = Date.now()
    } else if (Date.now() - lastProgress > 60_000) throw new Error(`no progress for 60 s (${services.map((s) => `${s.kind} at ${s.last?.lastSeq}`).join(', ')})`)
  }
  if (args['heap-snapshot']) {
    for (const s of services) {
      s.child.send({ type: 'snapshot', file: path.join(args['heap-snapshot'], `${s.kind}-${Date.now()}.heapsnapshot`) })
      const m = await s.child.next<{ type: 'snapshot'; file: string }>('snapshot', 120_000)
      console.log(`  heap snapshot of the ${s.kind}: ${m.file}`)
    }
  }
  for (const s of services) {
    const m = procMemory(s.pid)
    const prev = s.samples.at(-1)
    if (m && prev) s.samples.push({ ...prev, t: (performance.now() - t0) / 1000, rss: m.rss })
  }
} catch (err) {
  console.log(`  PROBLEM: ${(err as Error).stack ?? String(err)}`)
  failed = true
}

interface Report {
  kind: string
  maxMb: number
  hwmMb: number
  q1Mb: number
  q4Mb: number
  growthPct: number
  slopeMbPer100k: number
  /** V8 old space (the live data), highest in the first and the last quarter */
  oldQ1Mb: number
  oldQ4Mb: number
  youngQ1Mb: number
  youngQ4Mb: number
}
const reports: Report[] = []
for (const s of services) {
  const hwm = procMemory(s.pid)?.hwm ?? NaN
  await s.child.stop()
  const mb = (b: number) => b / 1024 / 1024
  const warm = s.samples.filter((x) => x.seq >= EVENTS * 0.1)
  const inRange = (lo: number, hi: number) => warm.filter((x) => x.seq >= EVENTS * lo && x.seq <= EVENTS * hi)
  const peak = (xs: Sample[], f: (x: Sample) => number = (x) => x.rss) => (xs.length ? Math.max(...xs.map(f)) : NaN)
  const q1 = peak(inRange(0.1, 0.325))
  const q4 = peak(inRange(0.775, 1))
  // least-squares slope of RSS over events after the warm-up
  let slope = NaN
  if (warm.length >= 3) {
    const n = warm.length
    const mx = warm.reduce((a, x) => a + x.seq, 0) / n
    const my = warm.reduce((a, x) => a + x.rss, 0) / n
    const sxy = warm.reduce((a, x) => a + (x.seq - mx) * (x.rss - my), 0)
    const sxx = warm.reduce((a, x) => a + (x.seq - mx) ** 2, 0)
    slope = sxx > 0 ? (sxy / sxx) * 100_000 : NaN
  }
  const r: Report = {
    kind: s.kind,
    maxMb: mb(peak(s.samples)),
    hwmMb: mb(hwm),
    q1Mb: mb(q1),
    q4Mb: mb(q4),
    growthPct: ((q4 - q1) / q1) * 100,
    slopeMbPer100k: mb(slope),
    oldQ1Mb: mb(peak(inRange(0.1, 0.325), (x) => x.old)),
    oldQ4Mb: mb(peak(inRange(0.775, 1), (x) => x.old)),
    youngQ1Mb: mb(peak(inRange(0.1, 0.325), (x) => x.young)),
    youngQ4Mb: mb(peak(inRange(0.775, 1), (x) => x.young)),
  }
  reports.push(r)
  let dbMb = NaN
  try {
    const file = path.join(s.dataDir, s.kind === 'feedgen' ? 'feedgen.sqlite' : 'labeler.sqlite')
    dbMb = mb((await stat(file)).size + (await stat(`${file}-wal`).catch(() => ({ size: 0 }))).size)
  } catch {
    // no database file
  }
  console.log(`\n${s.kind} (pid ${s.pid}): ${fmt(EVENTS)} events in ${fmt(s.seconds, 1)}s, ${s.samples.length} samples`)
  console.log(`  RSS max (sampled):     ${fmt(r.maxMb)} MB; kernel peak (VmHWM) ${fmt(r.hwmMb)} MB`)
  console.log(`  RSS peak, 1st quarter: ${fmt(r.q1Mb)} MB (events 10–32.5%), last quarter ${fmt(r.q4Mb)} MB (77.5–100%): ${r.growthPct >= 0 ? '+' : ''}${fmt(r.growthPct, 1)}%`)
  console.log(`  RSS trend:             ${fmt(r.slopeMbPer100k, 1)} MB per 100k events after the warm-up`)
  console.log(
    `  V8 old space (live):   ${fmt(r.oldQ1Mb)} MB in the 1st quarter, ${fmt(r.oldQ4Mb)} MB in the last; young generation ${fmt(r.youngQ1Mb)} → ${fmt(r.youngQ4Mb)} MB`,
  )
  const m = s.last?.memory
  if (m) {
    console.log(
      `  at the end:            V8 heap ${fmt(mb(m.heapUsed))} MB used of ${fmt(mb(m.heapTotal))} MB, external ${fmt(mb(m.external))} MB ` +
        `(array buffers ${fmt(mb(m.arrayBuffers))} MB); database file + WAL ${fmt(dbMb)} MB`,
    )
    const sp = s.last?.spaces ?? {}
    console.log(
      `  V8 spaces (MB):        ${Object.entries(sp)
        .filter(([, v]) => v >= 1024 * 1024)
        .map(([k, v]) => `${k.replace(/_space$/, '')} ${fmt(mb(v))}`)
        .join(', ')}`,
    )
  }
  console.log(
    `  RSS over time (MB):    ${s.samples
      .filter((_, i) => i % Math.max(1, Math.ceil(s.samples.length / 20)) === 0)
      .map((x) => fmt(mb(x.rss)))
      .join(' ')}`,
  )
  if (s.last && (s.last.malformed > 0 || s.last.handlerErrors > 0)) {
    console.log(`  PROBLEM: malformed ${s.last.malformed}, handler errors ${s.last.handlerErrors}`)
    failed = true
  }
  if (!s.done) failed = true
  await rm(s.dataDir, { recursive: true, force: true })
}
await replay.stop()

console.log('\nsummary')
for (const r of reports) {
  const grows = r.growthPct > GROWTH_LIMIT_PCT
  const oldGrows = ((r.oldQ4Mb - r.oldQ1Mb) / r.oldQ1Mb) * 100 > GROWTH_LIMIT_PCT
  console.log(
    `  ${r.kind.padEnd(8)} max RSS ${fmt(r.maxMb)} MB (target ≤ ${TARGET_MB} MB: ${r.maxMb <= TARGET_MB ? 'met' : 'NOT met'}); ` +
      `growth ${fmt(r.growthPct, 1)}% (${grows ? 'GROWS' : 'flat'}: last-quarter peak vs first-quarter peak, limit ${GROWTH_LIMIT_PCT}%); ` +
      `V8 old space ${fmt(r.oldQ1Mb)} → ${fmt(r.oldQ4Mb)} MB (${oldGrows ? 'GROWS' : 'flat'})`,
  )
}
const get = (k: string) => reports.find((r) => r.kind === k)
console.log(
  JSON.stringify({
    rss_mb: round(Math.max(...reports.map((r) => r.maxMb), 0)),
    feedgen_rss_mb: round(get('feedgen')?.maxMb ?? 0),
    labeler_rss_mb: round(get('labeler')?.maxMb ?? 0),
    feedgen_growth_pct: round(get('feedgen')?.growthPct ?? 0),
    labeler_growth_pct: round(get('labeler')?.growthPct ?? 0),
    feedgen_old_space_mb: round(get('feedgen')?.oldQ4Mb ?? 0),
    labeler_old_space_mb: round(get('labeler')?.oldQ4Mb ?? 0),
    events: EVENTS,
  }),
)
process.exit(failed ? 1 : 0)
