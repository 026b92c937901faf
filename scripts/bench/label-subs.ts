// Child process for the label-stream benchmark: `subscribers` com.atproto.label.subscribeLabels clients
// in one process (apart from the labeler), each from cursor 0, the way a feed generator or an AppView
// subscribes. Every subscriber checks that it gets every seq exactly once and in order (seqs are
// consecutive), reconnects from its last seq when the labeler closes the stream (as clients do), and
// checks the signatures of a sample of labels with the project's verifier (shared/labels/signing.ts).
//
// Messages: parent → { type: 'final', seq } once the writer has stopped at `seq`; child → { type:
// 'progress', ... } every second and { type: 'result', ... } when every subscriber has reached the
// final seq (or the time is up).

import { decode, decodeFirst, encode, fromBytes, type Bytes } from '@atcute/cbor'
import WebSocket from 'ws'
import { verifyLabelSignature, type SignedLabel } from '../../shared/labels/signing.ts'
import { percentile, toParent } from './lib.ts'

export interface SubsConfig {
  url: string
  subscribers: number
  /** the labeler's signing key (did:key) */
  didKey: string
  /** the newest seq when the subscribers connect: a subscriber has caught up once it has this one */
  headAtStart: number
  /** labels whose signature is checked: seq ≡ subscriber index (mod this) */
  sigEvery: number
  timeoutMs: number
}

export interface SubsResult {
  type: 'result'
  subscribers: number
  /** per subscriber: seconds from connecting until it had every label that existed then */
  catchUpS: number[]
  received: number
  missing: number
  duplicates: number
  outOfOrder: number
  reconnects: number
  closeReasons: Record<string, number>
  sigChecked: number
  sigFailed: number
  /** live labels (written after the subscriber caught up): ms from the label's cts to receipt */
  liveP50Ms: number
  liveP99Ms: number
  finalSeq: number
  complete: number
}

const cfgJson = process.argv[2]
if (!cfgJson) throw new Error('label-subs.ts needs its configuration as a JSON argument')
const cfg = JSON.parse(cfgJson) as SubsConfig

interface Sub {
  idx: number
  last: number
  received: number
  duplicates: number
  outOfOrder: number
  gaps: number
  reconnects: number
  connectedAt: number
  caughtUpAt: number | undefined
  /** wall clock when it caught up: labels with a later cts are live */
  caughtUpWall: number
  closed: boolean
}

const subs: Sub[] = []
const closeReasons: Record<string, number> = {}
const live: number[] = []
let sigChecked = 0
let sigFailed = 0
const sigChecks: Promise<void>[] = []
let finalSeq: number | undefined
const t0 = performance.now()

function connect(s: Sub): void {
  const ws = new WebSocket(`${cfg.url}/xrpc/com.atproto.label.subscribeLabels?cursor=${s.last}`, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 })
  ws.on('message', (data: Buffer) => {
    // fast path: a #labels frame's body is { seq, labels } and seq comes first (DAG-CBOR key order);
    // everything else (and the signature sample) is decoded in full
    let seq = fastSeq(data)
    let body: { seq?: number; labels?: (Omit<SignedLabel, 'sig'> & { sig: Bytes })[]; error?: string } | undefined
    if (seq === undefined) {
      let header: unknown
      let rest: Uint8Array
      try {
        ;[header, rest] = decodeFirst(data)
        body = decode(rest) as typeof body
      } catch {
        closeReasons.undecodable = (closeReasons.undecodable ?? 0) + 1
        return
      }
      const h = header as { op?: number; t?: string }
      if (h.op === -1) {
        closeReasons[body?.error ?? 'error'] = (closeReasons[body?.error ?? 'error'] ?? 0) + 1
        return
      }
      if (h.t !== '#labels' || typeof body?.seq !== 'number') return
      seq = body.seq
    }
    const full = () => (body ??= decode(decodeFirst(data)[1]) as NonNullable<typeof body>)
    if (seq === s.last) {
      s.duplicates++
      return
    }
    if (seq < s.last) {
      s.outOfOrder++
      return
    }
    if (seq !== s.last + 1) s.gaps += seq - s.last - 1
    s.last = seq
    s.received++
    const now = Date.now()
    if (s.caughtUpAt === undefined && seq >= cfg.headAtStart) {
      s.caughtUpAt = performance.now()
      s.caughtUpWall = now
    } else if (s.caughtUpAt !== undefined) {
      // live delay: sampled (one label in 20), decoding every frame would load this process
      if (seq % 20 === 0) {
        const cts = Date.parse(String(full().labels?.[0]?.cts))
        if (Number.isFinite(cts) && cts >= s.caughtUpWall) live.push(now - cts)
      }
    }
    if (seq % cfg.sigEvery === s.idx % cfg.sigEvery) {
      for (const l of full().labels ?? []) {
        const label = { ...l, sig: fromBytes(l.sig) } as SignedLabel
        sigChecked++
        sigChecks.push(
          verifyLabelSignature(label, cfg.didKey).then(
            (ok) => {
              if (!ok) sigFailed++
            },
            () => {
              sigFailed++
            },
          ),
        )
      }
    }
  })
  ws.on('close', (code) => {
    if (s.closed) return
    closeReasons[`close ${code}`] = (closeReasons[`close ${code}`] ?? 0) + 1
    // a real client reconnects from its cursor
    s.reconnects++
    setTimeout(() => connect(s), 50)
  })
  ws.on('error', () => {})
  sockets.set(s.idx, ws)
}
const sockets = new Map<number, WebSocket>()

const PREFIX = Buffer.concat([encode({ op: 1, t: '#labels' }), Buffer.from([0xa2, 0x63, 0x73, 0x65, 0x71])])
/** seq of a #labels frame read from its bytes, or undefined when the frame is not laid out that way */
function fastSeq(b: Buffer): number | undefined {
  if (b.length < PREFIX.length + 1 || b.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0) return undefined
  const p = PREFIX.length
  const first = b[p] as number
  if (first < 24) return first
  if (first === 24) return b[p + 1]
  if (first === 25) return b.readUInt16BE(p + 1)
  if (first === 26) return b.readUInt32BE(p + 1)
  if (first === 27) return Number(b.readBigUInt64BE(p + 1))
  return undefined
}

for (let i = 0; i < cfg.subscribers; i++) {
  const s: Sub = { idx: i, last: 0, received: 0, duplicates: 0, outOfOrder: 0, gaps: 0, reconnects: 0, connectedAt: performance.now(), caughtUpAt: undefined, caughtUpWall: Infinity, closed: false }
  subs.push(s)
  connect(s)
}

process.on('message', (m: { type?: string; seq?: number }) => {
  if (m?.type === 'final' && typeof m.seq === 'number') finalSeq = m.seq
  if (m?.type === 'close') process.exit(0)
})
process.on('disconnect', () => process.exit(0))

const timer = setInterval(() => {
  const caught = subs.filter((s) => s.caughtUpAt !== undefined).length
  toParent({
    type: 'progress',
    caught,
    minLast: Math.min(...subs.map((s) => s.last)),
    started: subs.filter((s) => s.last > 0).length,
    reconnects: subs.reduce((a, s) => a + s.reconnects, 0),
    closeReasons,
    seconds: (performance.now() - t0) / 1000,
  })
}, 1000)

const deadline = performance.now() + cfg.timeoutMs
while (performance.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100))
  if (finalSeq !== undefined && subs.every((s) => s.last >= (finalSeq as number))) break
}
clearInterval(timer)
for (const s of subs) {
  s.closed = true
  sockets.get(s.idx)?.close()
}
await Promise.all(sigChecks)
const fin = finalSeq ?? Math.max(...subs.map((s) => s.last))
live.sort((a, b) => a - b)
const result: SubsResult = {
  type: 'result',
  subscribers: subs.length,
  catchUpS: subs.map((s) => (s.caughtUpAt === undefined ? NaN : (s.caughtUpAt - s.connectedAt) / 1000)),
  received: subs.reduce((a, s) => a + s.received, 0),
  // every subscriber should have 1..fin exactly once: what it never got counts as missing
  missing: subs.reduce((a, s) => a + s.gaps + Math.max(0, fin - s.last), 0),
  duplicates: subs.reduce((a, s) => a + s.duplicates, 0),
  outOfOrder: subs.reduce((a, s) => a + s.outOfOrder, 0),
  reconnects: subs.reduce((a, s) => a + s.reconnects, 0),
  closeReasons,
  sigChecked,
  sigFailed,
  liveP50Ms: percentile(live, 50),
  liveP99Ms: percentile(live, 99),
  finalSeq: fin,
  complete: subs.filter((s) => s.last >= fin && s.gaps === 0).length,
}
toParent(result as unknown as { type: string } & Record<string, unknown>)
