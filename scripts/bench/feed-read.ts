// Feed-read benchmark (`npm run bench:feed-read`): getFeedSkeleton over HTTP while the firehose is
// ingested at a steady rate into the same service.
//
//  1. A feed generator database with 1M feed items over the last 48 h in four feeds with the wellbeing
//     policies on (window, per-author cap, maxItems, a pin, quiet hours configured but not active now,
//     release moments, label exclusion, readers' "show less"), seeded through the service's own schema
//     (scripts/bench/feed-seed.ts).
//  2. The feed generator (FeedgenService) alone in a process, reading that database and ingesting a
//     generated firehose replayed at --ingest-rate events/s (the live network's peak is ~2,000/s) by a
//     replay server in another process; posts that match the feeds are added while readers read.
//  3. A load generator in a third process (scripts/bench/feed-load.ts): readers with real service-auth
//     JWTs (share --auth-share; the feed generator verifies each against the reader's DID document, from
//     a small DID directory served here) and anonymous readers, first pages and next pages through the
//     cursor, over keep-alive connections. First an unmeasured closed phase of --warmup seconds at the
//     most connections ("start": the service's first token checks and page reads) and an unmeasured
//     open phase of --warm-seconds at the offered rate ("warm": the service reaches its steady state),
//     then for each of --connections (default 50 and 200), each started with the ingest caught up:
//       - open: --rate requests/s offered (default 2,000) → p50/p99 latency;
//       - closed: every connection busy → the most requests/s the service answers.
//
//   node scripts/bench/feed-read.ts [--items 1000000] [--hours 48] [--authors 20000] [--readers 1000]
//        [--auth-share 0.5] [--connections 50,200] [--rate 2000] [--ingest-rate 2000] [--seconds 15]
//        [--closed-seconds 10] [--warmup 3] [--warm-seconds 15] [--limit 30] [--keep DIR] [--profile DIR]
//        [--checkpoint background|auto] [--service-flags "--max-semi-space-size=4 …"]
//
// --keep DIR keeps the seeded database in DIR, and reuses it when it is already there (same --items,
// --seed, --authors; its items end at the time it was seeded). --profile writes a V8 CPU profile of the
// service process (node --cpu-prof) into DIR when it stops. --checkpoint auto lets SQLite checkpoint the
// WAL inside the ingest commits (as before session 4) instead of on the service's worker thread.
//
// Per phase, the service's long synchronous sections are printed in its event loop's thread CPU time
// (feedgen/sections.ts): how many took more than 5 ms and the longest, per kind (an ingest batch's
// transaction, a page's rows read again, …), the event-loop turns over 5 ms whatever ran in them, why
// pages were read again, the WAL checkpoints made on the worker thread, and the GC pauses (wall time).
// --service-flags adds V8 flags to the service's (after npm start's), e.g. to compare GC settings.
//
// The last stdout line is JSON: {"p99_ms", "p50_ms", "requests_per_s", "items", ...}: p99 and p50 are the
// worst of the open phases at --rate, requests_per_s the lowest of the closed phases.

import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { existsSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Secp256k1Keypair } from '@atproto/crypto'
import { createServiceJwt } from '@atproto/xrpc-server'
import { localTime } from '../../feedgen/feeds/clock.ts'
import { SERVICE_NODE_FLAGS } from '../../shared/node-flags.ts'
import { fakeDid, seedFeedDb, type SeedFeed } from './feed-seed.ts'
import type { LoadConfig, LoadFeed, LoadPhase, PhaseResult } from './feed-load.ts'
import { fmt, nonNegNumber, posInt, procCpuUs, procMemory, rng, round, sleep, startChild, type Child } from './lib.ts'
import type { ReplayMessage, ReplayReady } from './replay.ts'
import type { ServiceConfig, ServiceMessage, ServiceStatus } from './service.ts'

process.env.LOG_LEVEL ??= 'silent'

const TARGET_P99_MS = 10
const TARGET_RPS = 2_000

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    hours: { type: 'string', default: '48' },
    authors: { type: 'string', default: '20000' },
    readers: { type: 'string', default: '1000' },
    'auth-share': { type: 'string', default: '0.5' },
    connections: { type: 'string', default: '50,200' },
    rate: { type: 'string', default: '2000' },
    'ingest-rate': { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
    'closed-seconds': { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'warm-seconds': { type: 'string', default: '15' },
    limit: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'string' },
    profile: { type: 'string' },
    checkpoint: { type: 'string', default: 'background' },
    'service-flags': { type: 'string', default: '' },
  },
})
const ITEMS = posInt('items', args.items)
const HOURS = posInt('hours', args.hours)
const AUTHORS = posInt('authors', args.authors)
const READERS = posInt('readers', args.readers)
const AUTH_SHARE = Math.min(1, nonNegNumber('auth-share', args['auth-share']))
const CONNECTIONS = (args.connections ?? '').split(',').map((c) => posInt('connections', c))
const RATE = posInt('rate', args.rate)
const INGEST_RATE = nonNegNumber('ingest-rate', args['ingest-rate'])
const SECONDS = posInt('seconds', args.seconds)
const CLOSED_SECONDS = posInt('closed-seconds', args['closed-seconds'])
const WARMUP = nonNegNumber('warmup', args.warmup)
const WARM_SECONDS = nonNegNumber('warm-seconds', args['warm-seconds'])
const LIMIT = posInt('limit', args.limit)
const SEED = posInt('seed', args.seed)
if (args.checkpoint !== 'auto' && args.checkpoint !== 'background') throw new Error(`--checkpoint must be auto or background, got "${args.checkpoint}"`)
const CHECKPOINT: 'auto' | 'background' = args.checkpoint

const SERVICE_DID = 'did:web:feeds.bench'
const LABELER = fakeDid(rng(99), 'benchlabeler')
const EXCLUDED = ['pro-ed', 'self-harm', 'body-comparison']
const now = Date.now()

// quiet hours are configured on the pinned feed but must not be active during the measure (they would
// serve only the pin): from three to four hours from now, Amsterdam time
const local = localTime(now, 'Europe/Amsterdam')
const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`
const quiet = { from: hh(local.hour + 3), to: hh(local.hour + 4) }

let failed = false
const cleanup: (() => Promise<void>)[] = []
const dataDir = args.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'plein-bench-feedread-')))
if (args.keep) await mkdir(dataDir, { recursive: true })
if (!args.keep) cleanup.push(() => rm(dataDir, { recursive: true, force: true }))

// ------------------------------------------------------------------------------------------------
// 1. the replay server (its own process; generating takes a while, so it starts first)

// an hour of events at the rate (replayed in rounds of the pool, so the stream never runs dry)
const replayEvents = Math.max(1, Math.ceil(INGEST_RATE * 3600))
const replayPool = Math.min(replayEvents, 50_000)
const replay: Child<{ type: string }, ReplayMessage> | undefined =
  INGEST_RATE > 0 ? startChild('replay.ts', ['--pool', String(replayPool), '--events', String(replayEvents), '--rate', String(INGEST_RATE), '--seed', String(SEED)]) : undefined
if (replay) cleanup.push(() => replay.stop())

// ------------------------------------------------------------------------------------------------
// 2. readers: keys, DID documents (served by a small DID directory on loopback), service-auth JWTs

const readerKeys = await Promise.all(Array.from({ length: READERS }, () => Secp256k1Keypair.create()))
const readerDids = readerKeys.map((_, i) => fakeDid(rng(10_000 + i), 'reader'))
const didDocs = new Map<string, unknown>()
readerKeys.forEach((kp, i) => {
  const did = readerDids[i] as string
  didDocs.set(did, {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    alsoKnownAs: [`at://reader${i}.bench`],
    verificationMethod: [{ id: `${did}#atproto`, type: 'Multikey', controller: did, publicKeyMultibase: kp.did().slice('did:key:'.length) }],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'http://127.0.0.1:1' }],
  })
})
const didServer = createServer((req, res) => {
  const did = decodeURIComponent((req.url ?? '/').slice(1))
  const doc = didDocs.get(did)
  if (!doc) return void res.writeHead(404).end()
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc))
})
await new Promise<void>((r) => didServer.listen(0, '127.0.0.1', () => r()))
cleanup.push(() => new Promise<void>((r) => didServer.close(() => r())))
const plcUrl = `http://127.0.0.1:${(didServer.address() as AddressInfo).port}`
const exp = Math.floor(now / 1000) + 3600
const tokens = AUTH_SHARE > 0 ? await Promise.all(readerKeys.map((keypair, i) => createServiceJwt({ iss: readerDids[i] as string, aud: SERVICE_DID, lxm: 'app.bsky.feed.getFeedSkeleton', keypair, exp }))) : []

// ------------------------------------------------------------------------------------------------
// 3. feeds and the seeded database

const rnd = rng(SEED)
const authors = Array.from({ length: AUTHORS }, () => fakeDid(rnd))
const neighbours = Array.from({ length: Math.max(10, Math.floor(AUTHORS / 40)) }, () => fakeDid(rnd))
let service: Child<{ type: string; file?: string }, ServiceMessage> | undefined
let load: Child<{ type: string; config?: LoadConfig }, { type: string }> | undefined
const results: PhaseResult[] = []
const phaseIngest: { name: string; eventsPerS: number; queueMax: number; cpuUsPerReq: number; rssMb: number }[] = []
const longSections: ({ name: string } & ReturnType<typeof sectionTotals>)[] = []
try {
  const ready = replay ? await replay.next<ReplayReady>('ready') : undefined
  const publisher = ready?.publisher ?? fakeDid(rnd, 'benchpublisher')
  const benchAuthors = ready?.benchAuthors ?? []
  const pinned = `at://${publisher}/app.bsky.feed.post/3kbenchpin222`
  const feedsYaml = `
publisher: ${publisher}
feeds:
  - id: buurt
    name: Buurt
    include:
      authors:
${[...neighbours, ...benchAuthors].map((d) => `        - ${d}`).join('\n')}
    reposts: true
    exclude:
      labels:
        - labeler: ${LABELER}
          values: [${EXCLUDED.join(', ')}]
    wellbeing:
      window: ${HOURS}h
      perAuthor: 3
      maxItems: 100
      pinned: ${pinned}
      quietHours: { from: "${quiet.from}", to: "${quiet.to}" }
  - id: utrecht
    name: Utrecht
    include:
      hashtags: [utrecht, domstad]
      keywords: [Utrecht, Domtoren]
    require:
      langs: [nl]
    exclude:
      labels:
        - labeler: ${LABELER}
          values: [${EXCLUDED.join(', ')}]
    wellbeing:
      window: ${HOURS}h
      perAuthor: 3
      maxItems: 150
  - id: fiets
    name: Fietsen
    include:
      hashtags: [fiets, fietsen]
      keywords: [fietspad]
    exclude:
      keywords: [auto]
      labels:
        - labeler: ${LABELER}
          values: [${EXCLUDED.join(', ')}]
    wellbeing:
      window: ${HOURS}h
      maxItems: 200
  - id: nieuws
    name: Nieuws
    include:
      keywords: [nieuws, gemeente]
    wellbeing:
      window: 24h
      releases: ["08:00", "12:30", "18:00"]
`
  const seedFeeds: SeedFeed[] = [
    { id: 'buurt', weight: 0.15, reason: 'author', authors: neighbours, reposts: 0.1 },
    { id: 'utrecht', weight: 0.4, reason: 'hashtag', authors: 'global' },
    { id: 'fiets', weight: 0.3, reason: 'hashtag', authors: 'global' },
    { id: 'nieuws', weight: 0.15, reason: 'keyword', authors: 'global' },
  ]
  const feedUri = (id: string) => `at://${publisher}/app.bsky.feed.generator/${id}`
  const loadFeeds: LoadFeed[] = [
    { uri: feedUri('buurt'), weight: 0.35, perAuthor: 3, maxItems: 100, pinned },
    { uri: feedUri('utrecht'), weight: 0.3, perAuthor: 3, maxItems: 150 },
    { uri: feedUri('fiets'), weight: 0.2, maxItems: 200 },
    { uri: feedUri('nieuws'), weight: 0.15 },
  ]

  // the service creates its schema (migrations), then the rows go in
  const { envToCfg } = await import('../../feedgen/config.ts')
  const { parseFeedsFile } = await import('../../feedgen/feeds/definitions.ts')
  const { FeedgenService } = await import('../../feedgen/index.ts')
  const created = await FeedgenService.create(
    envToCfg({ dataDir, firehoseUrl: 'ws://127.0.0.1:1', plcUrl, port: 0, hostname: 'feeds.bench', allowPrivateNetwork: true }, { feeds: parseFeedsFile(feedsYaml, 'bench feeds') }),
  )
  await created.destroy()
  if (args.keep && existsSync(path.join(dataDir, 'feedgen.sqlite.seeded'))) {
    console.log(`reusing the database seeded earlier in ${dataDir}`)
  } else {
    console.log(`seeding ${fmt(ITEMS)} feed items over ${HOURS} h (${fmt(AUTHORS)} authors, ${fmt(neighbours.length)} neighbours) …`)
    const seeded = seedFeedDb({
      dataDir,
      items: ITEMS,
      hours: HOURS,
      now,
      seed: SEED,
      authors,
      feeds: seedFeeds,
      labeler: LABELER,
      labelValues: EXCLUDED,
      readers: readerDids,
      mutesPerReader: 5,
    })
    console.log(
      `  seeded in ${fmt(seeded.seconds, 1)}s: ${fmt(seeded.posts)} posts, ${fmt(seeded.items)} feed items ` +
        `(${Object.entries(seeded.byFeed)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}; ${fmt(seeded.reposts)} reposts), ${fmt(seeded.labels)} labels, ${fmt(seeded.inactive)} inactive accounts, ` +
        `${fmt(seeded.mutes)} "show less" choices of ${fmt(READERS)} readers`,
    )
    if (args.keep) writeFileSync(path.join(dataDir, 'feedgen.sqlite.seeded'), new Date(now).toISOString())
  }

  // ------------------------------------------------------------------------------------------------
  // 4. the service, alone in its process, reading and ingesting

  const config: ServiceConfig = { kind: 'feedgen', dataDir, firehoseUrl: ready?.url ?? 'ws://127.0.0.1:1', plcUrl, feedsYaml, hostname: 'feeds.bench', walCheckpoint: CHECKPOINT }
  // the V8 flags `npm start` runs the feed generator with (shared/node-flags.ts)
  service = startChild('service.ts', [JSON.stringify(config)], { execArgv: [...SERVICE_NODE_FLAGS, ...(args['service-flags'] ?? '').split(' ').filter(Boolean), ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [])], built: true })
  const svc = service
  cleanup.unshift(() => svc.stop())
  const { port, pid } = await svc.next<{ type: 'ready'; port: number; pid: number }>('ready', 120_000)
  const url = `http://127.0.0.1:${port}`
  console.log(
    `feed generator (pid ${pid}) at ${url}; firehose replayed at ${fmt(INGEST_RATE)} events/s; readers: ${fmt(AUTH_SHARE * 100)}% of sessions with a service-auth JWT`,
  )
  const status = async (): Promise<ServiceStatus> => {
    svc.send({ type: 'status' })
    return await svc.next<ServiceStatus>('status', 30_000)
  }
  // let the firehose connection settle
  await sleep(Math.min(1000, WARMUP * 1000))

  // ------------------------------------------------------------------------------------------------
  // 5. the load

  // @NOTE a service that has just started verifies every reader's token for the first time (a DID
  // document fetch and key parsing each) and reads its pages in: in an open phase at 2,000 requests/s
  // that backlog outlasted the 3 s warm-up and was counted as the first phase's latency. The first
  // phase is now preceded by an unmeasured closed phase (printed as "start", left out of the summary).
  const phases: LoadPhase[] = [{ name: 'start', mode: 'closed', connections: Math.max(...CONNECTIONS), seconds: Math.max(1, Math.ceil(WARMUP)), warmup: 0 }]
  // @NOTE after "start" the service was still warming up (V8 compiling the read path, the page cache,
  // the old generation growing to its working size): in a quiet session-6 run the first open phase at
  // 50 connections measured p99 22.8 ms, the same phase again 12.0 and later 9.8 ms. An unmeasured
  // open phase at the offered rate ("warm", --warm-seconds) now comes first; it is printed like the
  // others and left out of the summary, as "start" is.
  if (WARM_SECONDS > 0) phases.push({ name: 'warm', mode: 'open', connections: Math.max(...CONNECTIONS), rate: RATE, seconds: WARM_SECONDS, warmup: 0 })
  for (const c of CONNECTIONS) {
    phases.push({ name: `open ${c}`, mode: 'open', connections: c, rate: RATE, seconds: SECONDS, warmup: WARMUP })
    phases.push({ name: `closed ${c}`, mode: 'closed', connections: c, seconds: CLOSED_SECONDS, warmup: WARMUP })
  }
  const loadCfg: LoadConfig = { url, feeds: loadFeeds, tokens, authShare: AUTH_SHARE, limit: LIMIT, phases, seed: SEED }
  load = startChild('feed-load.ts')
  const ld = load
  ld.send({ type: 'config', config: loadCfg })
  cleanup.unshift(() => ld.stop())
  for (const p of phases) {
    const measured = p.name !== 'start' && p.name !== 'warm'
    await ld.next('phase-ready', 120_000)
    // @NOTE a phase that overloads the service (the closed ones, above all "start" with every
    // connection busy while the service is cold) leaves the ingest behind the replay; catching up then
    // ran through the next open phase at a higher ingest rate than offered (2,211 events/s instead of
    // 2,000 in session 5) and its batches showed as that phase's latency. Each phase now starts with
    // the ingest caught up (lag under a quarter second of the stream), the steady state the open phases
    // are meant to measure; the wait is printed.
    if (measured && replay) {
      const w0 = performance.now()
      let lag = Infinity
      while (performance.now() - w0 < 60_000) {
        replay.send({ type: 'sent' })
        const { sent } = await replay.next<{ type: 'sent'; sent: number }>('sent', 10_000)
        const st = await status()
        lag = sent - st.lastSeq
        if (lag <= Math.max(50, INGEST_RATE / 4) && st.queue < 100) break
        await sleep(200)
      }
      const waited = (performance.now() - w0) / 1000
      if (waited >= 0.5) console.log(`  (before ${p.name}: waited ${fmt(waited, 1)} s for the ingest to catch up; lag now ${fmt(lag)} events)`)
    }
    ld.send({ type: 'go' })
    await ld.next('phase-start', 60_000)
    const s0 = await status()
    const cpu0 = procCpuUs(pid) ?? 0
    const t0 = performance.now()
    let queueMax = 0
    let rssMax = 0
    let result: PhaseResult | undefined
    const resultP = ld.next<PhaseResult>('phase', (p.seconds + p.warmup) * 1000 + 120_000).then((r) => (result = r))
    while (!result) {
      await Promise.race([resultP, sleep(1000)])
      const st = await status()
      queueMax = Math.max(queueMax, st.queue)
      rssMax = Math.max(rssMax, procMemory(pid)?.rss ?? 0)
    }
    const s1 = await status()
    const seconds = (performance.now() - t0) / 1000
    const r = result as PhaseResult
    const cpuUs = (procCpuUs(pid) ?? 0) - cpu0
    if (measured) results.push(r)
    const ing = { name: p.name, eventsPerS: (s1.lastSeq - s0.lastSeq) / seconds, queueMax, cpuUsPerReq: cpuUs / Math.max(1, r.requestsPerS * seconds), rssMb: rssMax / 1024 / 1024 }
    if (measured) phaseIngest.push(ing)
    console.log(
      `  ${p.name.padEnd(11)} ${p.mode === 'open' ? `offered ${fmt(RATE)}/s` : 'all busy      '}: ${fmt(r.requestsPerS)} req/s, ` +
        `p50 ${fmt(r.p50, 1)} ms, p90 ${fmt(r.p90, 1)} ms, p99 ${fmt(r.p99, 1)} ms, max ${fmt(r.max, 0)} ms ` +
        `(anonymous p99 ${fmt(r.anonP99, 1)}, with JWT p99 ${fmt(r.authP99, 1)}${r.mode === 'open' ? `; load generator: sent late p99 ${fmt(r.sendLagP99, 1)} ms, its event-loop delay p99 ${fmt(r.loopDelayP99, 1)} ms` : ''}; ${fmt(r.requests)} requests, ${fmt(r.pages.next)} next pages, ${fmt(r.itemsPerPage, 1)} items/page)`,
    )
    console.log(
      `              service: ${fmt(ing.cpuUsPerReq)} CPU µs/request, RSS ${fmt(ing.rssMb)} MB; ingest ${fmt(ing.eventsPerS)} events/s (queue max ${fmt(queueMax)})` +
        `${Object.keys(r.errors).length ? `; errors ${JSON.stringify(r.errors)}` : ''}${r.backlog ? `; ${fmt(r.backlog)} requests still waiting at the end, ${fmt(r.unanswered)} unanswered 2 s later` : ''}`,
    )
    const sections = sectionsLine(s0, s1, seconds)
    if (sections) console.log(sections)
    if (measured) longSections.push({ name: p.name, ...sectionTotals(s0, s1, seconds) })
    const v = r.violations
    if (v.limit + v.maxItems > 0) {
      console.log(`  PROBLEM: policy violations seen by readers: ${JSON.stringify(v)}`)
      failed = true
    }
    if (v.perAuthor > 0) {
      // @NOTE not necessarily a fault: the cap is "each author's newest N right now", so a post deleted
      // by the firehose between two pages lets an older one of that author in (feedgen/feeds/skeleton.test.ts
      // checks the cap exactly, without concurrent writes)
      console.log(`  note: ${v.perAuthor} reading sessions saw an author more than perAuthor times (posts deleted or accounts changed between pages?)`)
    }
    // an overloaded service may reset a connection now and then (that shows in the latency figures);
    // more than 1% of requests failing means the run itself is broken
    const errorCount = Object.values(r.errors).reduce((a, b) => a + b, 0)
    if (errorCount > 0.01 * Math.max(1, r.requests)) {
      console.log(`  PROBLEM: ${fmt(errorCount)} of ${fmt(r.requests)} requests failed`)
      failed = true
    }
  }
  await ld.next('done', 60_000)
  const st = await status()
  if (st.malformed > 0 || st.handlerErrors > 0) {
    console.log(`  PROBLEM: ingest errors: malformed ${st.malformed}, handler errors ${st.handlerErrors}`)
    failed = true
  }
} catch (err) {
  console.log(`  PROBLEM: ${(err as Error).stack ?? String(err)}`)
  failed = true
} finally {
  for (const c of cleanup) await c().catch(() => undefined)
}

const open = results.filter((r) => r.mode === 'open')
const closed = results.filter((r) => r.mode === 'closed')
const p99 = open.length ? Math.max(...open.map((r) => r.p99)) : NaN
const p50 = open.length ? Math.max(...open.map((r) => r.p50)) : NaN
const rps = closed.length ? Math.min(...closed.map((r) => r.requestsPerS)) : NaN
console.log('\nsummary')
console.log(`  p99 at ${fmt(RATE)} req/s offered (worst of ${CONNECTIONS.join(', ')} connections): ${fmt(p99, 1)} ms (target ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'})`)
console.log(`  requests/s with every connection busy (lowest of ${CONNECTIONS.join(', ')}): ${fmt(rps)} (target ≥ ${fmt(TARGET_RPS)}: ${rps >= TARGET_RPS ? 'met' : 'NOT met'})`)
console.log(
  JSON.stringify({
    p99_ms: round(p99, 2),
    p50_ms: round(p50, 2),
    requests_per_s: Math.round(Number.isFinite(rps) ? rps : -1),
    items: ITEMS,
    auth_share: AUTH_SHARE,
    phases: results.map((r, i) => ({
      name: r.name,
      rps: Math.round(r.requestsPerS),
      p50_ms: round(r.p50, 2),
      p99_ms: round(r.p99, 2),
      anon_p99_ms: round(r.anonP99, 2),
      auth_p99_ms: round(r.authP99, 2),
      ingest_events_per_s: Math.round(phaseIngest[i]?.eventsPerS ?? 0),
      cpu_us_per_request: Math.round(phaseIngest[i]?.cpuUsPerReq ?? 0),
      long_sections_per_min: longSections[i]?.longPerMin,
      long_turns_per_min: longSections[i]?.turnsPerMin,
    })),
  }),
)
process.exit(failed ? 1 : 0)

/** The service's synchronous sections between two status reports: count over 5 ms, longest, mean. */
function sectionDeltas(s0: ServiceStatus, s1: ServiceStatus): { name: string; count: number; long: number; longWall: number; totalUs: number; maxUs: number }[] {
  const a = s0.sections?.stats ?? {}
  const b = s1.sections?.stats ?? {}
  return Object.entries(b)
    .map(([name, x]) => {
      const y = a[name]
      // the longest of the phase is unknown when an earlier phase had a longer one: the all-time figure is shown
      return { name, count: x.count - (y?.count ?? 0), long: x.long - (y?.long ?? 0), longWall: x.longWall - (y?.longWall ?? 0), totalUs: x.totalUs - (y?.totalUs ?? 0), maxUs: x.maxUs }
    })
    .filter((d) => d.count > 0)
}

function sectionTotals(s0: ServiceStatus, s1: ServiceStatus, seconds: number): { longPerMin: number; turnsPerMin: number } {
  const d = sectionDeltas(s0, s1)
  const perMin = (n: number) => round((n * 60) / Math.max(1e-9, seconds), 1)
  return {
    longPerMin: perMin(d.filter((x) => !x.name.startsWith('event loop')).reduce((n, x) => n + x.long, 0)),
    turnsPerMin: perMin(d.find((x) => x.name.startsWith('event loop'))?.long ?? 0),
  }
}

function sectionsLine(s0: ServiceStatus, s1: ServiceStatus, seconds: number): string | undefined {
  if (!s1.sections) return undefined
  const perMin = (n: number) => fmt((n * 60) / Math.max(1e-9, seconds), 1)
  const d = sectionDeltas(s0, s1).sort((x, y) => y.long - x.long || y.totalUs - x.totalUs)
  const parts = d.map(
    (x) => `${x.name} ${fmt(x.count)}× mean ${fmt(x.totalUs / x.count / 1000, 2)} ms, ${fmt(x.long)} over 5 ms (${perMin(x.long)}/min; on the clock ${fmt(x.longWall)}), longest so far ${fmt(x.maxUs / 1000, 1)} ms`,
  )
  const e0 = s0.sections?.events ?? {}
  const reasons = Object.entries(s1.sections.events)
    .map(([k, v]) => [k, v - (e0[k] ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k.replace(/^page read again: /, '')} ${fmt(v)}`)
  const c0 = s0.sections?.checkpoints
  const c1 = s1.sections.checkpoints
  const ckpt = c1
    ? `; WAL checkpoints on the worker: ${fmt(c1.checkpoints - (c0?.checkpoints ?? 0))} (${fmt(c1.restarts - (c0?.restarts ?? 0))} with writes held, ` +
      `held at most ${fmt(c1.maxPauseMs, 1)} ms so far, ${fmt(c1.pauseTimeouts)} pauses ran out), ${fmt(c1.totalMs - (c0?.totalMs ?? 0))} ms in all, longest so far ${fmt(c1.maxMs, 1)} ms, ` +
      `WAL at most ${fmt((c1.maxWalFrames * 4096) / 1024 / 1024, 1)} MB`
    : ''
  return `              sections (thread CPU): ${parts.join('; ')}\n              pages read again: ${reasons.join(', ') || 'none'}${ckpt}`
}
