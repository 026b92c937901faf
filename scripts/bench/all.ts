// `npm run bench`: every benchmark, one after the other, each in its own child process (so they do not
// disturb each other), with each figure printed next to its target (issue 7), and one JSON line at the
// end: {"ingest_events_per_s", "ingest_ratio", "feed_p99_ms", "feed_requests_per_s",
// "labeler_posts_per_s", "rss_mb", "labels_lost"}. A benchmark that fails gives -1 for its figures and
// makes the exit code 1.
//
//   node scripts/bench/all.ts [--quick] [--parallel] [--only ingest,labeler,rss,feed-read,label-stream]
//
// --quick runs every benchmark at a tiny size (a smoke run: it checks that they work, the figures mean
// nothing); --parallel runs them all at once (for smoke runs only: they compete for the CPU). Figures
// vary by ±25% on a shared 2-vCPU machine: compare runs on a quiet machine.

import os from 'node:os'
import { parseArgs } from 'node:util'
import { benchBuild, fmt, runBench, type BenchRun } from './lib.ts'
import { LABELER_NODE_FLAGS, SERVICE_NODE_FLAGS } from '../../shared/node-flags.ts'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    parallel: { type: 'boolean', default: false },
  },
})
const QUICK = args.quick
const PARALLEL = args.parallel

interface Step {
  name: string
  script: string
  args: string[]
  quickArgs: string[]
  /** V8 flags for the benchmark's own process, when the service runs inside it: the ones `npm start` gives that service */
  nodeFlags?: readonly string[]
}

const STEPS: Step[] = [
  // @NOTE since session 6 the in-process benchmarks run with the V8 flags the service ships with
  // (shared/node-flags.ts), as bench:rss and bench:feed-read already did; the starter-kit baseline runs
  // in the same process, so with the same flags
  { name: 'ingest', script: 'ingest.ts', args: [], quickArgs: ['--events', '3000', '--baseline-events', '1000'], nodeFlags: SERVICE_NODE_FLAGS },
  { name: 'labeler', script: 'labeler-ingest.ts', args: [], quickArgs: ['--events', '3000', '--warm-events', '1000'], nodeFlags: LABELER_NODE_FLAGS },
  { name: 'rss', script: 'rss.ts', args: [], quickArgs: ['--events', '4000', '--pool', '2000', '--sample-ms', '200'] },
  {
    name: 'feed-read',
    script: 'feed-read.ts',
    args: [],
    quickArgs: ['--items', '3000', '--authors', '300', '--readers', '10', '--connections', '4', '--rate', '50', '--ingest-rate', '100', '--seconds', '1', '--closed-seconds', '1', '--warmup', '0', '--warm-seconds', '1'],
  },
  { name: 'label-stream', script: 'label-stream.ts', args: [], quickArgs: ['--labels', '300', '--subscribers', '4', '--rate', '50', '--timeout', '60'] },
]

const only = args.only?.split(',').map((s) => s.trim())
for (const o of only ?? []) {
  if (!STEPS.some((s) => s.name === o)) {
    console.error(`--only: unknown benchmark "${o}"; expected some of ${STEPS.map((s) => s.name).join(', ')}`)
    process.exit(2)
  }
}

const cpus = os.cpus()
console.log(
  `Plein benchmarks${QUICK ? ' (--quick: tiny sizes, a smoke run; the figures mean nothing)' : ''}\n` +
    `machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
)

const runs = new Map<string, BenchRun>()
const t0 = performance.now()
const selected = STEPS.filter((s) => !only || only.includes(s.name))
// the compiled services that bench:rss and bench:feed-read run (lib.ts benchBuild), built once here
// rather than by two benchmarks at the same moment
if (selected.some((s) => s.name === 'rss' || s.name === 'feed-read')) benchBuild()
const command = (step: Step) => {
  const stepArgs = QUICK ? step.quickArgs : step.args
  return { stepArgs, line: `node ${step.nodeFlags?.length ? `${step.nodeFlags.join(' ')} ` : ''}scripts/bench/${step.script}${stepArgs.length ? ` ${stepArgs.join(' ')}` : ''}` }
}
const report = (step: Step, run: BenchRun) =>
  console.log(`  (${fmt(run.seconds, 0)}s, exit code ${run.code})${run.code !== 0 && run.stderr.trim() ? `\n  stderr: ${run.stderr.trim().split('\n').slice(-5).join('\n          ')}` : ''}\n`)
if (PARALLEL) {
  const done = await Promise.all(selected.map(async (step) => ({ step, run: await runBench(step.script, command(step).stepArgs, { timeoutMs: 30 * 60_000, ...(step.nodeFlags ? { nodeFlags: step.nodeFlags } : {}) }) })))
  for (const { step, run } of done) {
    runs.set(step.name, run)
    console.log(`▶ ${step.name}: ${command(step).line}`)
    for (const l of run.stdout.trimEnd().split('\n')) console.log(`    ${l}`)
    report(step, run)
  }
} else {
  for (const step of selected) {
    console.log(`▶ ${step.name}: ${command(step).line}`)
    const run = await runBench(step.script, command(step).stepArgs, { echo: true, timeoutMs: 30 * 60_000, ...(step.nodeFlags ? { nodeFlags: step.nodeFlags } : {}) })
    runs.set(step.name, run)
    report(step, run)
  }
}

const num = (step: string, key: string): number => {
  const run = runs.get(step)
  const v = run?.json?.[key]
  return run && run.code === 0 && typeof v === 'number' && Number.isFinite(v) ? v : -1
}

const result = {
  ingest_events_per_s: num('ingest', 'events_per_s'),
  ingest_ratio: num('ingest', 'ratio'),
  feed_p99_ms: num('feed-read', 'p99_ms'),
  feed_requests_per_s: num('feed-read', 'requests_per_s'),
  labeler_posts_per_s: num('labeler', 'posts_per_s'),
  rss_mb: num('rss', 'rss_mb'),
  labels_lost: num('label-stream', 'labels_lost'),
}

interface Row {
  figure: string
  value: number
  unit: string
  target: string
  met: (v: number) => boolean
  step: string
}
const rows: Row[] = [
  { figure: 'feed generator ingest', value: result.ingest_events_per_s, unit: 'events/s', target: '≥ 20,000', met: (v) => v >= 20_000, step: 'ingest' },
  { figure: 'ingest vs starter-kit baseline', value: result.ingest_ratio, unit: '×', target: '≥ 20×', met: (v) => v >= 20, step: 'ingest' },
  { figure: 'labeler: posts classified', value: result.labeler_posts_per_s, unit: 'posts/s', target: '≥ 5,000', met: (v) => v >= 5_000, step: 'labeler' },
  { figure: 'RSS while replaying (max of both services)', value: result.rss_mb, unit: 'MB', target: '≤ 256', met: (v) => v >= 0 && v <= 256, step: 'rss' },
  { figure: 'getFeedSkeleton p99 at 2,000 req/s', value: result.feed_p99_ms, unit: 'ms', target: '≤ 10', met: (v) => v >= 0 && v <= 10, step: 'feed-read' },
  { figure: 'getFeedSkeleton requests/s', value: result.feed_requests_per_s, unit: 'req/s', target: '≥ 2,000', met: (v) => v >= 2_000, step: 'feed-read' },
  { figure: 'labels lost by 100 subscribers', value: result.labels_lost, unit: '', target: '0', met: (v) => v === 0, step: 'label-stream' },
]

console.log(`summary (${fmt((performance.now() - t0) / 60_000, 1)} min)`)
for (const r of rows) {
  if (!runs.has(r.step)) continue
  const ok = runs.get(r.step)?.code === 0
  const shown = r.value < 0 ? 'failed' : `${fmt(r.value, r.unit === '×' || r.unit === 'ms' ? 1 : 0)} ${r.unit}`.trim()
  console.log(`  ${r.figure.padEnd(44)} ${shown.padStart(16)}   target ${r.target.padEnd(9)} ${!ok ? 'benchmark FAILED' : r.met(r.value) ? 'met' : 'NOT met'}`)
}
const failedSteps = [...runs].filter(([, r]) => r.code !== 0).map(([k]) => k)
if (failedSteps.length > 0) console.log(`  failed: ${failedSteps.join(', ')} (their figures are -1)`)
console.log(JSON.stringify(result))
process.exit(failedSteps.length > 0 ? 1 : 0)
