// Label-stream benchmark (`npm run bench:label-stream`): the labeler's store holds 100k labels; then
// 100 com.atproto.label.subscribeLabels subscribers (one process apart from the labeler) connect at
// once from cursor 0 while the labeler keeps writing new labels (200/s, signed as the service signs).
// Reports the time each subscriber needs to catch up with the labels that existed when it connected,
// the delay of live labels after that, and whether every subscriber got every seq exactly once and in
// order (none lost); a sample of signatures is checked against the labeler's key.
//
//   node scripts/bench/label-stream.ts [--labels 100000] [--subscribers 100] [--rate 200]
//                                      [--timeout 600] [--alone 10]
//
// The seed goes through the labeler's own LabelStore (LabelStore.apply, 500 labels a transaction),
// signing with OpenSSL (scripts/bench/native-keypair.ts) because @atproto/crypto needs ~1–2 ms a label
// here; live labels are signed by the running service with @atproto/crypto.
//
// Before the subscribers connect, the writer runs alone for --alone seconds: its rate then is the
// labeler's normal write rate, to compare with its rate while the subscribers catch up.
//
// The last stdout line is JSON: {"catch_up_s", "catch_up_p50_s", "labels_lost", "duplicates",
// "out_of_order", "labels", "subscribers", "live_p50_ms", "live_p99_ms", "sig_checked", "sig_failed",
// "reconnects", "written_alone_per_s", "written_catch_up_per_s"}.

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { fakeDid } from './feed-seed.ts'
import { fmt, nonNegNumber, percentile, posInt, procCpuUs, procMemory, rng, round, sleep, startChild } from './lib.ts'
import type { SubsConfig, SubsResult } from './label-subs.ts'
import { NativeK256Keypair } from './native-keypair.ts'

process.env.LOG_LEVEL ??= 'silent'

const { values: args } = parseArgs({
  options: {
    labels: { type: 'string', default: '100000' },
    subscribers: { type: 'string', default: '100' },
    rate: { type: 'string', default: '200' },
    timeout: { type: 'string', default: '600' },
    alone: { type: 'string', default: '10' },
  },
})
const LABELS = posInt('labels', args.labels)
const SUBSCRIBERS = posInt('subscribers', args.subscribers)
const RATE = nonNegNumber('rate', args.rate)
const TIMEOUT_S = posInt('timeout', args.timeout)
const ALONE_S = nonNegNumber('alone', args.alone)
const VALUES = ['pro-ed', 'diet-culture', 'body-comparison', 'outrage-bait', 'self-harm', 'lifestyle-flex']
const DID = 'did:plc:' + 'benchlabeler'.padEnd(24, 'a')
let uriCounter = 0
/** a post URI per label, by 50,000 different authors */
const nextUri = () => {
  const n = uriCounter++
  return `at://${fakeDid(rng(n % 50_000))}/app.bsky.feed.post/bench${n}`
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-bench-labels-'))
const keyHex = randomBytes(32).toString('hex')
let failed = false
let result: SubsResult | undefined
let written = 0
let aloneRate = NaN
let catchUpRate = NaN
/** the labeler's event-loop delay (ms): p50, p99, max, with the writer alone and while subscribers catch up */
const loopDelay: Record<'alone' | 'catchUp', { p50: number; p99: number; max: number }> = {
  alone: { p50: NaN, p99: NaN, max: NaN },
  catchUp: { p50: NaN, p99: NaN, max: NaN },
}
const delayOf = (h: ReturnType<typeof monitorEventLoopDelay>) => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 })
try {
  // 1. the backlog, through the store
  console.log(`seeding ${fmt(LABELS)} labels through LabelStore.apply …`)
  const t0 = performance.now()
  const { LabelStore } = await import('../../labeler/labels/store.ts')
  const { labelSigningBytes } = await import('../../shared/labels/signing.ts')
  const seedKey = await NativeK256Keypair.import(keyHex)
  // the store's clock is set per batch, so each label's cts (and so the bytes it signs) is known
  // beforehand: the next batch is signed on the thread pool while this one is written
  const base = Date.now() - 3_600_000
  let clock = base
  const seedStore = await LabelStore.open({ file: path.join(dataDir, 'labeler.sqlite'), src: DID, keypair: seedKey, now: () => clock })
  const batch = (i: number) => {
    const n = Math.min(500, LABELS - i)
    const cts = new Date(base + i / 500).toISOString()
    const inputs = Array.from({ length: n }, (_, j) => ({ uri: nextUri(), val: VALUES[(i + j) % VALUES.length] as string, reasons: ['bench'] }))
    const signing = seedKey.presign(inputs.map((l) => labelSigningBytes({ ver: 1, src: DID, uri: l.uri, val: l.val, cts })))
    return { inputs, signing, ms: Date.parse(cts) }
  }
  let next = batch(0)
  for (let i = 0; i < LABELS; i += 500) {
    const cur = next
    await cur.signing
    if (i + 500 < LABELS) next = batch(i + 500)
    clock = cur.ms
    await seedStore.apply(cur.inputs)
  }
  const head = await seedStore.getLatestSeq()
  await seedStore.close()
  console.log(`  ${fmt(head)} label events in ${fmt((performance.now() - t0) / 1000, 1)}s (${fmt(seedKey.stats.presigned)} signatures made ahead on the thread pool, ${fmt(seedKey.stats.direct)} on the spot)`)

  // 2. the labeler, with a writer adding labels through the running service's store
  const { envToCfg } = await import('../../labeler/config.ts')
  const { LabelerService } = await import('../../labeler/index.ts')
  const { cfg, secrets } = envToCfg(
    { dataDir, firehoseUrl: 'ws://127.0.0.1:1', plcUrl: 'http://127.0.0.1:1', port: 0, hostname: 'labels.bench', did: DID, signingKey: keyHex, allowPrivateNetwork: true },
    { host: '127.0.0.1' },
  )
  const service = await LabelerService.create(cfg, secrets, { firehose: { minBackoffMs: 5_000, maxBackoffMs: 60_000 } })
  await service.start()
  const didKey = seedKey.did()
  try {
    // the writer: RATE labels/s through the running service's store, in small batches, as the service
    // writes them from its firehose batches (a transaction signs every label in it)
    let writing = RATE > 0
    const writer = (async () => {
      const start = performance.now()
      const from = written
      while (writing) {
        const due = Math.floor(((performance.now() - start) / 1000) * RATE) - (written - from)
        if (due > 0) {
          const n = Math.min(due, 20)
          await service.store.apply(Array.from({ length: n }, (_, j) => ({ uri: nextUri(), val: VALUES[j % VALUES.length] as string, reasons: ['bench live'] })))
          written += n
        }
        await sleep(50)
      }
    })()
    if (ALONE_S > 0 && RATE > 0) {
      // 2b. the writer alone: the labeler's normal write rate
      const w0 = written
      const ta = performance.now()
      const h = monitorEventLoopDelay({ resolution: 10 })
      h.enable()
      await sleep(ALONE_S * 1000)
      h.disable()
      loopDelay.alone = delayOf(h)
      aloneRate = (written - w0) / ((performance.now() - ta) / 1000)
      console.log(`  writer alone: ${fmt(written - w0)} labels in ${fmt(ALONE_S)}s (${fmt(aloneRate, 1)}/s of ${fmt(RATE)}/s asked)`)
    }
    const headNow = await service.store.getLatestSeq()

    // 3. the subscribers, in their own process
    const subsCfg: SubsConfig = { url: `ws://127.0.0.1:${service.port}`, subscribers: SUBSCRIBERS, didKey, headAtStart: headNow, sigEvery: Math.max(1, Math.ceil(LABELS / 10)), timeoutMs: TIMEOUT_S * 1000 }
    const subs = startChild<{ type: string; seq?: number }, { type: string }>('label-subs.ts', [JSON.stringify(subsCfg)])
    console.log(`${SUBSCRIBERS} subscribers connecting from cursor 0 (labeler pid ${process.pid}, subscribers pid ${subs.proc.pid}); writing ${fmt(RATE)} labels/s meanwhile …`)
    const writtenAtConnect = written
    const cpu0 = process.cpuUsage()
    const delayH = monitorEventLoopDelay({ resolution: 10 })
    delayH.enable()
    const t1 = performance.now()
    let rssMax = 0
    let lastCaught = -1
    const progress = setInterval(() => {
      rssMax = Math.max(rssMax, procMemory(process.pid)?.rss ?? 0)
    }, 1000)
    // progress until everyone has caught up, then 5 s of live labels
    for (;;) {
      const p = await subs.next<{ type: 'progress'; caught: number; minLast: number; started: number; reconnects: number; closeReasons: Record<string, number>; seconds: number }>(
        'progress',
        TIMEOUT_S * 1000 + 60_000,
      )
      if (p.caught !== lastCaught && (p.caught === SUBSCRIBERS || Math.floor(p.seconds) % 5 === 0)) {
        console.log(
          `  ${fmt(p.seconds, 0)}s: ${p.caught}/${SUBSCRIBERS} caught up, ${p.started} receiving (slowest at seq ${fmt(p.minLast)}; ${fmt(written)} labels written since` +
            `${p.reconnects ? `; ${p.reconnects} reconnects ${JSON.stringify(p.closeReasons)}` : ''})`,
        )
        lastCaught = p.caught
      }
      if (p.caught === SUBSCRIBERS || p.seconds > TIMEOUT_S) {
        catchUpRate = (written - writtenAtConnect) / ((performance.now() - t1) / 1000)
        delayH.disable()
        loopDelay.catchUp = delayOf(delayH)
        break
      }
    }
    await sleep(5000)
    writing = false
    await writer
    const cpu = process.cpuUsage(cpu0)
    clearInterval(progress)
    const finalSeq = await service.store.getLatestSeq()
    subs.send({ type: 'final', seq: finalSeq })
    result = await subs.next<SubsResult>('result', TIMEOUT_S * 1000 + 60_000)
    const subsCpuS = (procCpuUs(subs.proc.pid ?? 0) ?? NaN) / 1e6
    await subs.stop()
    const seconds = (performance.now() - t1) / 1000
    const catchUp = result.catchUpS.filter(Number.isFinite).sort((a, b) => a - b)
    console.log(`\n  labels:       ${fmt(head)} before, ${fmt(written)} written since the labeler started; ${fmt(written - writtenAtConnect)} while subscribed (${fmt((written - writtenAtConnect) / seconds, 1)}/s), last seq ${fmt(result.finalSeq)}`)
    console.log(
      `  catch-up:     ${catchUp.length}/${SUBSCRIBERS} caught up; median ${fmt(percentile(catchUp, 50), 1)}s, slowest ${fmt(catchUp.at(-1) ?? NaN, 1)}s ` +
        `(${fmt((head * catchUp.length) / Math.max(1e-9, catchUp.at(-1) ?? NaN))} labels/s over all subscribers)`,
    )
    console.log(`  writer:       ${fmt(aloneRate, 1)} labels/s alone, ${fmt(catchUpRate, 1)} labels/s while the subscribers caught up (${fmt(RATE)}/s asked)`)
    const d = (x: { p50: number; p99: number; max: number }) => `p50 ${fmt(x.p50, 1)} ms, p99 ${fmt(x.p99, 1)} ms, max ${fmt(x.max, 0)} ms`
    console.log(`  event loop:   delay with the writer alone ${d(loopDelay.alone)}; while the subscribers caught up ${d(loopDelay.catchUp)}`)
    console.log(`  live labels:  written after a subscriber caught up: delay from cts to that subscriber p50 ${fmt(result.liveP50Ms, 0)} ms, p99 ${fmt(result.liveP99Ms, 0)} ms`)
    console.log(
      `  delivery:     ${result.complete}/${SUBSCRIBERS} subscribers got every seq 1..${fmt(result.finalSeq)}; missing ${fmt(result.missing)}, duplicates ${fmt(result.duplicates)}, ` +
        `out of order ${fmt(result.outOfOrder)}; reconnects ${result.reconnects}${Object.keys(result.closeReasons).length ? ` (${JSON.stringify(result.closeReasons)})` : ''}`,
    )
    const ob = service.outbox.stats
    console.log(
      `  outbox:       ${fmt(ob.framesEncoded)} frames encoded for ${fmt(result.received)} sent; blocks read ${fmt(ob.blocksRead)}, served from the shared cache ${fmt(ob.blocksCached)}; ` +
        `${fmt(ob.drainWaits)} waits for a socket to drain`,
    )
    console.log(`  signatures:   ${fmt(result.sigChecked)} checked against ${didKey.slice(0, 24)}…, ${result.sigFailed} invalid`)
    console.log(`  labeler:      ${fmt(((cpu.user + cpu.system) / 1e6 / seconds) * 100)}% of a core on average, peak RSS ${fmt(rssMax / 1048576)} MB (pid ${process.pid}; subscribers' process ${fmt(subsCpuS, 1)} CPU s)`)
    if (result.missing > 0 || result.duplicates > 0 || result.outOfOrder > 0 || result.sigFailed > 0 || result.complete < SUBSCRIBERS) failed = true
  } finally {
    await service.destroy()
  }
} catch (err) {
  console.log(`  PROBLEM: ${(err as Error).stack ?? String(err)}`)
  failed = true
} finally {
  await rm(dataDir, { recursive: true, force: true })
}

const catchUp = (result?.catchUpS ?? []).map((x) => (Number.isFinite(x) ? x : Infinity)).sort((a, b) => a - b)
console.log('\nsummary')
if (result) {
  console.log(`  catch-up of ${SUBSCRIBERS} subscribers from 0: slowest ${fmt(catchUp.at(-1) ?? NaN, 1)}s; labels lost: ${fmt(result.missing)} (target 0: ${result.missing === 0 ? 'met' : 'NOT met'})`)
}
console.log(
  JSON.stringify({
    catch_up_s: round(catchUp.at(-1) ?? -1, 2),
    catch_up_p50_s: round(percentile(catchUp, 50), 2),
    labels_lost: result ? result.missing : -1,
    duplicates: result?.duplicates ?? -1,
    out_of_order: result?.outOfOrder ?? -1,
    labels: result?.finalSeq ?? 0,
    subscribers: SUBSCRIBERS,
    live_p50_ms: round(result?.liveP50Ms ?? -1, 1),
    live_p99_ms: round(result?.liveP99Ms ?? -1, 1),
    sig_checked: result?.sigChecked ?? 0,
    sig_failed: result?.sigFailed ?? -1,
    reconnects: result?.reconnects ?? -1,
    written_alone_per_s: round(Number.isFinite(aloneRate) ? aloneRate : -1, 1),
    written_catch_up_per_s: round(Number.isFinite(catchUpRate) ? catchUpRate : -1, 1),
    loop_delay_catch_up_p99_ms: round(Number.isFinite(loopDelay.catchUp.p99) ? loopDelay.catchUp.p99 : -1, 1),
  }),
)
process.exit(failed ? 1 : 0)
