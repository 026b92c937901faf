// Child process for the feed-read benchmark: the load generator, in its own process so that it does not
// take the service's event loop. Readers read getFeedSkeleton like the Bluesky app's feed view does: a
// first page, then (for some) the next pages through the cursor, then a new session. Keep-alive
// connections (scripts/bench/http-pool.ts: `connections` sockets, opened before the phase, used in turn).
//
// Phases:
//  - closed: `connections` readers, each sending its next request as soon as the last one is answered
//    (the most the service can serve; latency here is mostly waiting in line);
//  - open: requests are sent at a fixed `rate` whatever the answers do, over at most `connections`
//    sockets; a request's latency counts from the moment it was due, so a slow answer that delays
//    later requests is counted against them too (no coordinated omission).
//
// Every page is checked: at most `limit` items; a session with maxItems M serves at most M posts (plus
// the pin); in a feed with perAuthor N, sessions in which an author (the reposter for reposts) appears
// more than N times are counted (this can happen legitimately when the firehose deletes a post between
// two pages).

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { HttpPool } from './http-pool.ts'
import { percentile, toParent } from './lib.ts'

export interface LoadFeed {
  uri: string
  weight: number
  perAuthor?: number
  maxItems?: number
  pinned?: string
}

export interface LoadPhase {
  name: string
  mode: 'closed' | 'open'
  connections: number
  seconds: number
  /** open mode: requests per second */
  rate?: number
  /** seconds at the start of the phase that are not measured */
  warmup: number
}

export interface LoadConfig {
  url: string
  feeds: LoadFeed[]
  /** one service-auth JWT per authenticated reader */
  tokens: string[]
  /** share of sessions that are authenticated (they use a token) */
  authShare: number
  limit: number
  phases: LoadPhase[]
  seed: number
}

export interface PhaseResult {
  type: 'phase'
  name: string
  mode: 'closed' | 'open'
  connections: number
  rate: number | null
  seconds: number
  requests: number
  requestsPerS: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
  anonP99: number
  /** open mode: how late the load generator itself sent requests (its own event loop), p99 in ms */
  sendLagP99: number
  /** the load generator's own event-loop delay during the phase, p99 in ms (monitorEventLoopDelay) */
  loopDelayP99: number
  authP99: number
  authRequests: number
  errors: Record<string, number>
  pages: { first: number; next: number }
  itemsPerPage: number
  violations: { limit: number; perAuthor: number; maxItems: number }
  /** open mode: requests still waiting for a socket or an answer at the end (the service fell behind) */
  backlog: number
  /** open mode: of those, not answered 2 s later (their waiting time so far counts as their latency) */
  unanswered: number
}

// the configuration (with a JWT per reader, too long for a command line) comes as the first message
const cfg = await new Promise<LoadConfig>((resolve) => {
  const on = (m: { type?: string; config?: LoadConfig }) => {
    if (m?.type !== 'config' || !m.config) return
    process.off('message', on)
    resolve(m.config)
  }
  process.on('message', on)
})

let seedState = cfg.seed >>> 0
const rnd = () => {
  seedState = (seedState + 0x6d2b79f5) >>> 0
  let t = seedState
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const totalWeight = cfg.feeds.reduce((a, f) => a + f.weight, 0)
const pickFeed = (): LoadFeed => {
  let r = rnd() * totalWeight
  for (const f of cfg.feeds) if ((r -= f.weight) < 0) return f
  return cfg.feeds[cfg.feeds.length - 1] as LoadFeed
}
const base = new URL(cfg.url)

interface Session {
  feed: LoadFeed
  token: string | undefined
  cursor: string | undefined
  pagesLeft: number
  perAuthor: Map<string, number>
  served: number
}

let tokenIdx = 0
function newSession(): Session {
  // how many pages a reader reads: half stop after the first, then fewer and fewer
  let pages = 1
  while (pages < 8 && rnd() < 0.5) pages++
  const token = cfg.tokens.length > 0 && rnd() < cfg.authShare ? cfg.tokens[tokenIdx++ % cfg.tokens.length] : undefined
  return { feed: pickFeed(), token, cursor: undefined, pagesLeft: pages, perAuthor: new Map(), served: 0 }
}

interface Acc {
  lat: number[]
  /** open mode: ms between a request's due time and the moment it was handed to the socket */
  sendLag: number[]
  anon: number[]
  auth: number[]
  errors: Record<string, number>
  first: number
  next: number
  items: number
  violations: { limit: number; perAuthor: number; maxItems: number }
}
const newAcc = (): Acc => ({ lat: [], sendLag: [], anon: [], auth: [], errors: {}, first: 0, next: 0, items: 0, violations: { limit: 0, perAuthor: 0, maxItems: 0 } })

/** One request of `s`; resolves with the latency in ms counted from `dueAt` (performance.now()). */
function request(pool: HttpPool, s: Session, dueAt: number, acc: Acc | undefined): Promise<void> {
  let path = `/xrpc/app.bsky.feed.getFeedSkeleton?feed=${encodeURIComponent(s.feed.uri)}&limit=${cfg.limit}`
  if (s.cursor) path += `&cursor=${encodeURIComponent(s.cursor)}`
  const isNext = s.cursor !== undefined
  if (acc) acc.sendLag.push(performance.now() - dueAt)
  return pool.get(path, s.token ? { authorization: `Bearer ${s.token}` } : undefined).then(
    (res) => {
      const ms = performance.now() - dueAt
      if (acc) {
        acc.lat.push(ms)
        ;(s.token ? acc.auth : acc.anon).push(ms)
        if (isNext) acc.next++
        else acc.first++
      }
      if (res.status !== 200) {
        if (acc) acc.errors[String(res.status)] = (acc.errors[String(res.status)] ?? 0) + 1
        s.pagesLeft = 0
        return
      }
      try {
        const body = JSON.parse(res.body.toString('utf8')) as { feed: { post: string; reason?: { $type: string; repost?: string } }[]; cursor?: string }
        check(s, body.feed, acc)
        s.cursor = body.cursor
        s.pagesLeft--
        if (!body.cursor) s.pagesLeft = 0
      } catch {
        if (acc) acc.errors.badBody = (acc.errors.badBody ?? 0) + 1
        s.pagesLeft = 0
      }
    },
    (err: NodeJS.ErrnoException) => {
      if (acc) acc.errors[err.code ?? 'error'] = (acc.errors[err.code ?? 'error'] ?? 0) + 1
      s.pagesLeft = 0
    },
  )
}

function check(s: Session, items: { post: string; reason?: { $type: string; repost?: string } }[], acc: Acc | undefined): void {
  if (acc) acc.items += items.length
  if (items.length > cfg.limit && acc) acc.violations.limit++
  for (const it of items) {
    if (it.reason?.$type === 'app.bsky.feed.defs#skeletonReasonPin') continue
    s.served++
    const uri = it.reason?.repost ?? it.post
    const author = uri.slice(5, uri.indexOf('/', 5))
    const n = (s.perAuthor.get(author) ?? 0) + 1
    s.perAuthor.set(author, n)
    if (acc && s.feed.perAuthor !== undefined && n === s.feed.perAuthor + 1) acc.violations.perAuthor++
  }
  if (acc && s.feed.maxItems !== undefined && s.served > s.feed.maxItems) {
    acc.violations.maxItems++
    s.served = -Infinity
  }
}

async function runPhase(p: LoadPhase): Promise<PhaseResult> {
  const pool = new HttpPool(base, p.connections)
  await pool.open()
  const acc = newAcc()
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  const t0 = performance.now()
  const measureFrom = t0 + p.warmup * 1000
  const end = measureFrom + p.seconds * 1000
  let backlog = 0
  let unanswered = 0
  let answeredInWindow = 0
  /** open mode: requests not answered yet, by id → when they were due */
  const pending = new Map<number, number>()
  if (p.mode === 'closed') {
    const worker = async () => {
      let s = newSession()
      while (performance.now() < end) {
        const now = performance.now()
        await request(pool, s, now, now >= measureFrom ? acc : undefined)
        if (s.pagesLeft <= 0) s = newSession()
      }
    }
    await Promise.all(Array.from({ length: p.connections }, worker))
  } else {
    const rate = p.rate ?? 1000
    const ready: Session[] = []
    const inFlight = new Set<Promise<void>>()
    let issued = 0
    const start = performance.now()
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate)
      while (issued < due) {
        const dueAt = start + (issued / rate) * 1000
        issued++
        const s = ready.pop() ?? newSession()
        const measured = dueAt >= measureFrom
        const id = issued
        if (measured) pending.set(id, dueAt)
        const pr = request(pool, s, dueAt, measured ? acc : undefined).then(() => {
          inFlight.delete(pr)
          pending.delete(id)
          if (measured && performance.now() <= end) answeredInWindow++
          ready.push(s.pagesLeft > 0 ? s : newSession())
        })
        inFlight.add(pr)
      }
      await new Promise((r) => setTimeout(r, 1))
    }
    // what is still waiting (for a socket or an answer) gets 2 s, then counts as unanswered, with
    // the time it had waited as its latency (a lower bound)
    backlog = inFlight.size
    await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 2000))])
    unanswered = pending.size
    const cut = performance.now()
    for (const dueAt of pending.values()) acc.lat.push(cut - dueAt)
  }
  pool.destroy()
  loopDelay.disable()
  const lat = Float64Array.from(acc.lat).sort()
  const anon = Float64Array.from(acc.anon).sort()
  const auth = Float64Array.from(acc.auth).sort()
  const measured = Math.min(p.seconds, (performance.now() - measureFrom) / 1000)
  return {
    type: 'phase',
    name: p.name,
    mode: p.mode,
    connections: p.connections,
    rate: p.rate ?? null,
    seconds: measured,
    requests: lat.length,
    // open: answers that came back within the phase; closed: every answer
    requestsPerS: (p.mode === 'open' ? answeredInWindow : lat.length) / p.seconds,
    p50: percentile(lat, 50),
    p90: percentile(lat, 90),
    p99: percentile(lat, 99),
    max: lat.length ? (lat[lat.length - 1] as number) : NaN,
    mean: lat.length ? acc.lat.reduce((a, b) => a + b, 0) / lat.length : NaN,
    anonP99: percentile(anon, 99),
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    sendLagP99: percentile(Float64Array.from(acc.sendLag).sort(), 99),
    authP99: percentile(auth, 99),
    authRequests: auth.length,
    errors: acc.errors,
    pages: { first: acc.first, next: acc.next },
    itemsPerPage: lat.length ? acc.items / lat.length : 0,
    violations: acc.violations,
    backlog,
    unanswered,
  }
}

/** resolves on the parent's { type: 'go' } (it first lets the service's ingest catch up) */
const go = () =>
  new Promise<void>((resolve) => {
    const on = (m: { type?: string }) => {
      if (m?.type !== 'go') return
      process.off('message', on)
      resolve()
    }
    process.on('message', on)
  })

for (const p of cfg.phases) {
  toParent({ type: 'phase-ready', name: p.name })
  await go()
  toParent({ type: 'phase-start', name: p.name })
  const r = await runPhase(p)
  toParent(r as unknown as { type: string } & Record<string, unknown>)
}
toParent({ type: 'done' })
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'close') process.exit(0)
})
process.on('disconnect', () => process.exit(0))
