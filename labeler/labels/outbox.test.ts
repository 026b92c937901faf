// The subscribeLabels outbox over real WebSockets (shared/http's server, the `ws` client) on a real label
// store (SQLite file, labels signed with a secp256k1 key): exactly once and in order from any cursor
// while labels are written, encoded history shared between subscribers, and a subscriber catching up
// yields to the event loop so the writer and live subscribers are not held up.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { decode, decodeFirst } from '@atcute/cbor'
import { Secp256k1Keypair } from '@atproto/crypto'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { HttpServer } from '../../shared/http/index.ts'
import { subsystemLogger } from '../../shared/logger.ts'
import { LabelOutbox, type OutboxOptions } from './outbox.ts'
import { LabelStore, type LabelInput } from './store.ts'

const SRC = 'did:plc:plein-outbox-test'
const NSID = 'com.atproto.label.subscribeLabels'
const VALS = ['pro-ed', 'diet-culture', 'body-comparison', 'outrage-bait']

let keypair: Secp256k1Keypair
let dir: string
let seeded: string
const SEEDED = 1200
let uriNo = 0
const inputs = (n: number): LabelInput[] => Array.from({ length: n }, (_, i) => ({ uri: `at://did:plc:author${uriNo % 37}/app.bsky.feed.post/p${uriNo++}`, val: VALS[i % VALS.length] as string }))

const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  keypair = await Secp256k1Keypair.create()
  dir = mkdtempSync(path.join(tmpdir(), 'plein-outbox-'))
  // one seeded store, copied per test (signing 1,200 labels once)
  seeded = path.join(dir, 'seeded.sqlite')
  const store = await LabelStore.open({ file: seeded, src: SRC, keypair })
  for (let i = 0; i < SEEDED; i += 300) await store.apply(inputs(300))
  await store.close()
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

let fileNo = 0
async function setup(opts: OutboxOptions = {}): Promise<{ store: LabelStore; outbox: LabelOutbox; url: string }> {
  const file = path.join(dir, `copy-${++fileNo}.sqlite`)
  const { copyFileSync } = await import('node:fs')
  copyFileSync(seeded, file)
  const store = await LabelStore.open({ file, src: SRC, keypair })
  const outbox = new LabelOutbox(store, subsystemLogger('test:outbox'), opts)
  const server = new HttpServer(subsystemLogger('test:http'))
  server.subscription(NSID, (ws, { params }) => {
    const c = params.get('cursor')
    void outbox.serve(ws, c === null ? undefined : Number(c))
  })
  await server.listen(0, '127.0.0.1')
  cleanups.push(async () => {
    await server.close()
    await store.close()
  })
  return { store, outbox, url: `ws://127.0.0.1:${server.port}/xrpc/${NSID}` }
}

/** A subscriber that records every seq it gets (and the error frames), in arrival order. */
class Sub {
  readonly seqs: number[] = []
  readonly errors: string[] = []
  readonly ws: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<void>
  onSeq: (seq: number) => void = () => {}

  constructor(url: string, cursor?: number) {
    this.ws = new WebSocket(cursor === undefined ? url : `${url}?cursor=${cursor}`)
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()))
    this.ws.on('message', (data: Buffer) => {
      const [header, rest] = decodeFirst(data) as [{ op: number; t?: string }, Uint8Array]
      const body = decode(rest) as { seq?: number; error?: string }
      if (header.op === -1) this.errors.push(String(body.error))
      else if (header.t === '#labels' && typeof body.seq === 'number') {
        this.seqs.push(body.seq)
        this.onSeq(body.seq)
      }
    })
    cleanups.push(async () => {
      this.ws.close()
      await this.closed
    })
  }

  async until(seq: number): Promise<void> {
    const deadline = Date.now() + 30_000
    while ((this.seqs.at(-1) ?? 0) < seq) {
      if (Date.now() > deadline) throw new Error(`subscriber stuck at seq ${this.seqs.at(-1)}, waiting for ${seq}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('LabelOutbox', () => {
  test('from cursor 0, a middle cursor and a block boundary: every seq once, in order, also while labels are written', async () => {
    const { store, url } = await setup({ pageSize: 100 })
    const subs = [new Sub(url, 0), new Sub(url, 437), new Sub(url, 600), new Sub(url, SEEDED), new Sub(url)]
    await Promise.all(subs.map((s) => s.opened))
    // written while they catch up, in small transactions
    for (let i = 0; i < 10; i++) await store.apply(inputs(7))
    const head = await store.getLatestSeq()
    expect(head).toBe(SEEDED + 70)
    for (const s of subs) await s.until(head)
    expect(subs[0]?.seqs).toEqual(range(1, head))
    expect(subs[1]?.seqs).toEqual(range(438, head))
    expect(subs[2]?.seqs).toEqual(range(601, head))
    expect(subs[3]?.seqs).toEqual(range(SEEDED + 1, head))
    // the live-only subscriber gets what was written after it connected, in order, without gaps
    const liveSeqs = subs[4]?.seqs ?? []
    expect(liveSeqs.at(-1)).toBe(head)
    expect(liveSeqs).toEqual(range(liveSeqs[0] ?? 0, head))
    for (const s of subs) expect(s.errors).toEqual([])
  })

  test('subscribers catching up together share the encoded history: each label is encoded about once, not once per subscriber', async () => {
    const { store, outbox, url } = await setup({ pageSize: 100 })
    const subs = Array.from({ length: 6 }, () => new Sub(url, 0))
    await Promise.all(subs.map((s) => s.opened))
    const head = await store.getLatestSeq()
    for (const s of subs) await s.until(head)
    for (const s of subs) expect(s.seqs).toEqual(range(1, head))
    const st = outbox.stats
    // 6 × 1,200 frames went out; without sharing that is 7,200 encodings and 72 block reads
    expect(st.framesEncoded).toBeLessThan(2 * SEEDED)
    expect(st.blocksRead).toBeLessThan(2 * (SEEDED / 100))
    expect(st.blocksCached).toBeGreaterThan(0)
    expect(st.catchingUp).toBe(0)
    expect(st.live).toBe(6)
  })

  test('a subscriber catching up does not hold up the writer or a live subscriber: both get their turns between its blocks', async () => {
    // sliceMs 0: one block of catch-up per event-loop iteration (by default a few ms of blocks)
    const { store, outbox, url } = await setup({ pageSize: 20, sliceMs: 0 })
    const live = new Sub(url)
    await live.opened
    await waitUntil(() => outbox.stats.live === 1)

    // count event-loop turns, and record in which order things happen, while the backlog is served
    const order: string[] = []
    let turns = 0
    let turnsWhileCatchingUp = 0
    let ticking = true
    const tick = () => {
      turns++
      if (outbox.stats.catchingUp > 0) turnsWhileCatchingUp++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)

    const head = await store.getLatestSeq()
    const catching = new Sub(url, 0)
    catching.onSeq = (seq) => {
      if (seq === head) order.push('backlog done')
    }
    let written = 0
    live.onSeq = () => order.push('live subscriber got a new label')
    // the writer starts as soon as the subscriber is being served its backlog
    await waitUntil(() => outbox.stats.catchingUp === 1)
    const writes = (async () => {
      while (outbox.stats.catchingUp > 0 && written < 5) {
        await store.apply(inputs(1))
        written++
        order.push('label written')
        await new Promise((r) => setImmediate(r))
      }
    })()
    await writes
    await catching.until(head + written)
    await live.until(head + written)
    ticking = false

    expect(written).toBeGreaterThan(0)
    // the backlog is 60 blocks of 20: the serving subscriber yields after each, so other work ran in between
    expect(turnsWhileCatchingUp).toBeGreaterThan(SEEDED / 20 / 2)
    expect(outbox.stats.slices).toBeGreaterThan(SEEDED / 20 / 2)
    // writes and their live delivery happened before the catching-up subscriber had its backlog
    expect(order.indexOf('label written')).toBeLessThan(order.indexOf('backlog done'))
    expect(order.indexOf('live subscriber got a new label')).toBeLessThan(order.indexOf('backlog done'))
    expect(catching.seqs).toEqual(range(1, head + written))
    expect(live.seqs).toEqual(range(head + 1, head + written))
    expect(turns).toBeGreaterThanOrEqual(turnsWhileCatchingUp)
  })

  test('a cursor in the future is an error frame; a pruned history starts at the oldest retained event', async () => {
    const { store, url } = await setup({ pageSize: 100 })
    const future = new Sub(url, SEEDED + 5)
    await future.closed
    expect(future.errors).toEqual(['FutureCursor'])
    // retention: a store that keeps the newest 250 events
    await store.close()
    cleanups.pop()
    const file = path.join(dir, `copy-${fileNo}.sqlite`)
    const kept = await LabelStore.open({ file, src: SRC, keypair, retainEvents: 250 })
    await kept.apply(inputs(1))
    const outbox = new LabelOutbox(kept, subsystemLogger('test:outbox'), { pageSize: 100 })
    const server = new HttpServer(subsystemLogger('test:http'))
    server.subscription(NSID, (ws, { params }) => void outbox.serve(ws, Number(params.get('cursor'))))
    await server.listen(0, '127.0.0.1')
    cleanups.push(async () => {
      await server.close()
      await kept.close()
    })
    const head = SEEDED + 1
    const s = new Sub(`ws://127.0.0.1:${server.port}/xrpc/${NSID}`, 0)
    await s.until(head)
    expect(s.seqs).toEqual(range(head - 249, head))
  })
})

async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 1))
  }
}
