// @NOTE a local WebSocket server stands in for the relay here: a real PDS cannot be made to send
// malformed frames, error frames or to drop a connection at a chosen frame. The end-to-end path with a
// real PDS is covered in test/feedgen*.test.ts.
import type { AddressInfo } from 'node:net'
import { decode, decodeFirst, encode, toBytes } from '@atcute/cbor'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { createCommit, errorFrame, frame, infoFrame, postCommit } from '../../test/helpers/frames.ts'
import { rootLogger } from '../logger.ts'
import { FirehoseConsumer, type FirehoseConsumerOptions } from './consumer.ts'
import type { FirehoseEvent } from './events.ts'

const DID = 'did:plc:consumertest'

interface FakeRelay {
  url: string
  /** cursors the consumer asked for, one per connection */
  cursors: (number | null)[]
  close: () => Promise<void>
}

/**
 * Serves `log` (seq → frame) from the requested cursor. `onConnection` may replace the default
 * behaviour (send everything after the cursor, keep the socket open).
 */
async function fakeRelay(
  log: Map<number, Uint8Array>,
  onConnection?: (ws: WebSocket, cursor: number | null, n: number) => void | Promise<void>,
): Promise<FakeRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/xrpc/com.atproto.sync.subscribeRepos' })
  await new Promise((r) => wss.once('listening', r))
  const cursors: (number | null)[] = []
  wss.on('connection', (ws, req) => {
    const c = new URL(req.url ?? '', 'http://x').searchParams.get('cursor')
    const cursor = c === null ? null : Number(c)
    cursors.push(cursor)
    if (onConnection) return void onConnection(ws, cursor, cursors.length)
    for (const [seq, f] of log) if (cursor === null || seq > cursor) ws.send(f)
  })
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    cursors,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r(undefined))
      }),
  }
}

async function makeLog(n: number, from = 1): Promise<Map<number, Uint8Array>> {
  const log = new Map<number, Uint8Array>()
  for (let seq = from; seq < from + n; seq++) log.set(seq, await postCommit(seq, DID, `post ${seq}`))
  return log
}

/** An in-memory "database": events and cursor are committed together, like the real services do. */
function memoryStore(initialCursor?: number) {
  const state = { cursor: initialCursor, seqs: [] as number[], batches: 0 }
  return {
    state,
    getCursor: async () => state.cursor,
    handleBatch: async (events: FirehoseEvent[], cursor: number) => {
      state.seqs.push(...events.map((e) => e.seq))
      state.cursor = cursor
      state.batches++
    },
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

function consumer(opts: Partial<FirehoseConsumerOptions> & Pick<FirehoseConsumerOptions, 'service' | 'getCursor' | 'handleBatch'>): FirehoseConsumer {
  const c = new FirehoseConsumer({
    collections: ['app.bsky.feed.post'],
    logger: rootLogger,
    minBackoffMs: 10,
    maxBackoffMs: 50,
    ...opts,
  })
  cleanups.push(() => c.stop())
  return c
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

describe('FirehoseConsumer', () => {
  test('hands events over in order and in batches, and resumes from the saved cursor', async () => {
    const log = await makeLog(500)
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    const store = memoryStore(100)
    const c = consumer({ service: relay.url, ...store, batchSize: 64 })
    await c.start()
    await until(() => store.state.cursor === 500, 'all events')
    expect(relay.cursors).toEqual([100])
    expect(store.state.seqs).toEqual(range(101, 500))
    expect(store.state.batches).toBeGreaterThan(1)
  })

  test('commits with no wanted op are not handed over, but the saved cursor covers them', async () => {
    // posts at seqs divisible by 7, likes everywhere else; the stream ends with a run of 40 likes
    const log = new Map<number, Uint8Array>()
    for (let seq = 1; seq <= 300; seq++) {
      log.set(
        seq,
        seq % 7 === 0 && seq <= 260
          ? await postCommit(seq, DID, `post ${seq}`)
          : await createCommit(seq, DID, 'app.bsky.feed.like', `l${seq}`, {
              $type: 'app.bsky.feed.like',
              subject: { uri: `at://${DID}/app.bsky.feed.post/x`, cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm' },
              createdAt: new Date(0).toISOString(),
            }),
      )
    }
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    const store = memoryStore()
    const cursors: number[] = []
    const c = consumer({
      service: relay.url,
      getCursor: store.getCursor,
      batchSize: 16,
      handleBatch: async (events, cursor) => {
        // every event handed over is at or below the batch's cursor, and cursors only go forward
        for (const e of events) expect(e.seq).toBeLessThanOrEqual(cursor)
        expect(cursor).toBeGreaterThan(cursors.at(-1) ?? 0)
        cursors.push(cursor)
        await store.handleBatch(events, cursor)
      },
    })
    await c.start()
    await until(() => store.state.cursor === 300, 'the cursor past the trailing likes')
    expect(store.state.seqs).toEqual(range(1, 260).filter((s) => s % 7 === 0))
    expect(c.metrics.events).toBe(300)
    expect(c.metrics.malformed).toBe(0)
    await c.stop()

    // a restart resumes after the last like, not after the last post
    const again = consumer({ service: relay.url, ...store })
    await again.start()
    await until(() => relay.cursors.length === 2, 'the second connection')
    expect(relay.cursors[1]).toBe(300)
  })

  test('malformed frames are counted and skipped; the stream goes on', async () => {
    const good = await makeLog(20)
    const garbage = [new Uint8Array([0xff, 0x00]), new Uint8Array(0), new Uint8Array([0xa2, 0x61]), (good.get(3) as Uint8Array).subarray(0, 40)]
    const relay = await fakeRelay(good, (ws) => {
      for (const [seq, f] of good) {
        ws.send(f)
        if (seq % 5 === 0) for (const g of garbage) ws.send(g)
      }
    })
    cleanups.push(relay.close)
    const store = memoryStore()
    const c = consumer({ service: relay.url, ...store })
    await c.start()
    await until(() => store.state.cursor === 20 && c.metrics.frames === 20 + 4 * garbage.length, 'all frames')
    expect(store.state.seqs).toEqual(range(1, 20))
    expect(c.metrics.malformed).toBe(4 * garbage.length)
  })

  test('a dropped connection reconnects with backoff from the last event; nothing lost, nothing doubled', async () => {
    const log = await makeLog(300)
    const relay = await fakeRelay(log, (ws, cursor, n) => {
      const from = cursor ?? 0
      let sent = 0
      for (const [seq, f] of log) {
        // replays a few events before the cursor too: the consumer must drop them
        if (seq <= from - 3) continue
        ws.send(f)
        if (n < 4 && ++sent === 50) return void ws.terminate()
      }
    })
    cleanups.push(relay.close)
    const store = memoryStore()
    const c = consumer({ service: relay.url, ...store })
    await c.start()
    await until(() => store.state.cursor === 300, 'all events')
    expect(store.state.seqs).toEqual(range(1, 300))
    expect(relay.cursors.length).toBeGreaterThanOrEqual(4)
    expect(relay.cursors[0]).toBeNull()
    expect(relay.cursors.slice(1).every((x) => typeof x === 'number' && x > 0)).toBe(true)
    expect(c.metrics.reconnects).toBeGreaterThanOrEqual(3)
  })

  test('a slow writer pauses reading: the queue stays bounded and every event arrives', async () => {
    const log = await makeLog(3000)
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    const store = memoryStore()
    let peak = 0
    const c = consumer({
      service: relay.url,
      getCursor: store.getCursor,
      batchSize: 50,
      maxQueue: 200,
      handleBatch: async (events, cursor) => {
        peak = Math.max(peak, c.metrics.queue)
        await new Promise((r) => setTimeout(r, 5))
        await store.handleBatch(events, cursor)
      },
    })
    await c.start()
    await until(() => store.state.cursor === 3000, 'all events', 30_000)
    expect(store.state.seqs).toEqual(range(1, 3000))
    // bounded by maxQueue plus what was already in the socket buffer when it paused, far below 3000
    expect(peak).toBeLessThan(1200)
  })

  test('a failed write is retried from the saved cursor', async () => {
    const log = await makeLog(100)
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    const store = memoryStore()
    let failures = 0
    const c = consumer({
      service: relay.url,
      getCursor: store.getCursor,
      batchSize: 10,
      handleBatch: async (events, cursor) => {
        if (cursor >= 40 && failures < 2) {
          failures++
          throw new Error('disk full')
        }
        await store.handleBatch(events, cursor)
      },
    })
    await c.start()
    await until(() => store.state.cursor === 100, 'all events')
    expect(store.state.seqs).toEqual(range(1, 100))
    expect(c.metrics.handlerErrors).toBe(2)
  })

  test('prepareBatch: every batch is prepared once, in order, the next one while the one before is written; a failed write drops the prepared batch', async () => {
    const log = await makeLog(2000)
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    const store = memoryStore()
    /** first seq of each batch, as prepared and as written */
    const prepared: number[] = []
    const written: number[] = []
    let overlapped = 0
    let failures = 0
    const c = new FirehoseConsumer<Promise<{ first: number; n: number }>>({
      service: relay.url,
      collections: ['app.bsky.feed.post'],
      logger: rootLogger,
      minBackoffMs: 10,
      maxBackoffMs: 50,
      getCursor: store.getCursor,
      batchSize: 50,
      prepareBatch: (events) => {
        // a batch taken before the last one taken was written: the two overlap
        if (failures === 0 && prepared.length > written.length) overlapped++
        prepared.push((events[0] as FirehoseEvent).seq)
        return Promise.resolve({ first: (events[0] as FirehoseEvent).seq, n: events.length })
      },
      handleBatch: async (events, cursor, prep) => {
        {
          // the preparation handed over is the one of this very batch
          if (events.length > 0) expect(await prep).toEqual({ first: (events[0] as FirehoseEvent).seq, n: events.length })
          await new Promise((r) => setTimeout(r, 2))
          if (cursor >= 1000 && failures < 1) {
            failures++
            throw new Error('disk full')
          }
          if (events.length > 0) written.push((events[0] as FirehoseEvent).seq)
          await store.handleBatch(events, cursor)
        }
      },
    })
    cleanups.push(() => c.stop())
    await c.start()
    await until(() => store.state.cursor === 2000, 'all events', 30_000)
    // nothing lost, nothing doubled, in order, across the failed write
    expect(store.state.seqs).toEqual(range(1, 2000))
    expect(c.metrics.handlerErrors).toBe(1)
    // batches were prepared while the batch before them was being written
    expect(overlapped).toBeGreaterThan(0)
    // each written batch was prepared; the batches prepared after the failure start again from the saved cursor
    for (const first of written) expect(prepared).toContain(first)
    const afterFailure = prepared.slice(prepared.findIndex((f, i) => i > 0 && f <= (prepared[i - 1] as number)))
    expect(afterFailure.length).toBeGreaterThan(0)
    expect(afterFailure).toEqual([...afterFailure].sort((a, b) => a - b))
  })

  test('#info OutdatedCursor is reported and the stream continues; FutureCursor restarts from live', async () => {
    const log = await makeLog(10, 50)
    const infos: string[] = []
    const relay = await fakeRelay(log, (ws, cursor, n) => {
      if (n === 1) {
        // our cursor is "in the future" for this relay
        ws.send(errorFrame('FutureCursor', 'cursor in the future'))
        return void ws.close()
      }
      ws.send(infoFrame('OutdatedCursor', 'cursor older than the backfill window'))
      for (const [seq, f] of log) if (cursor === null || seq > cursor) ws.send(f)
    })
    cleanups.push(relay.close)
    const store = memoryStore(1_000_000)
    const c = consumer({ service: relay.url, ...store, onInfo: (i) => infos.push(i.name) })
    await c.start()
    await until(() => store.state.seqs.length === 10, 'events after FutureCursor')
    expect(relay.cursors).toEqual([1_000_000, null])
    expect(store.state.seqs).toEqual(range(50, 59))
    expect(infos).toEqual(['OutdatedCursor'])
    expect(c.metrics.errorFrames).toBe(1)
  })

  test('stop() waits for the batch being written and stops reading', async () => {
    const log = await makeLog(50)
    const relay = await fakeRelay(log)
    cleanups.push(relay.close)
    let inFlight = false
    let finished = 0
    const store = memoryStore()
    const c = consumer({
      service: relay.url,
      getCursor: store.getCursor,
      batchSize: 5,
      handleBatch: async (events, cursor) => {
        inFlight = true
        await new Promise((r) => setTimeout(r, 30))
        await store.handleBatch(events, cursor)
        finished++
        inFlight = false
      },
    })
    await c.start()
    await until(() => inFlight, 'a batch in flight')
    await c.stop()
    expect(inFlight).toBe(false)
    const after = finished
    await new Promise((r) => setTimeout(r, 100))
    expect(finished).toBe(after)
    expect(c.metrics.connected).toBe(false)
  })
})

describe('FirehoseConsumer under garbage', () => {
  test('10,000 malformed frames (truncated CBOR, wrong types, huge lengths, bad CARs) are counted; the stream goes on', async () => {
    const good = await makeLog(200)
    const valid = good.get(1) as Uint8Array
    let seed = 42
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    const kinds: ((i: number) => Uint8Array)[] = [
      // a valid commit cut short
      () => valid.subarray(0, 1 + Math.floor(rand() * (valid.length - 2))),
      // a header, then a body of the wrong type
      () => frame({ op: 1, t: '#commit' }, 'not a map'),
      () => frame({ op: 1, t: '#commit' }, { seq: 'x', repo: 5, ops: 'no' }),
      () => frame({ op: 1, t: '#account' }, { seq: 1, did: 'did:plc:x', active: 'maybe' }),
      // a byte string that claims 2^40 bytes
      () => Uint8Array.of(...encode({ op: 1, t: '#commit' }), 0x5b, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3),
      // a wanted create op whose CAR is garbage
      () =>
        frame(
          { op: 1, t: '#commit' },
          { seq: 1, repo: 'did:plc:x', rev: 'r', time: 't', ops: [{ action: 'create', path: 'app.bsky.feed.post/1', cid: decodeFirstCid(valid) }], blocks: encodeBytes(rand) },
        ),
      // random bytes behind an invalid initial byte
      () => Uint8Array.of(0xff, ...Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))),
    ]
    const garbage = Array.from({ length: 10_000 }, (_, i) => (kinds[i % kinds.length] as (i: number) => Uint8Array)(i))
    const relay = await fakeRelay(good, (ws) => {
      let g = 0
      for (const [, f] of good) {
        ws.send(f)
        for (let k = 0; k < 50; k++) ws.send(garbage[g++] as Uint8Array)
      }
    })
    cleanups.push(relay.close)
    const store = memoryStore()
    const c = consumer({ service: relay.url, ...store })
    await c.start()
    await until(() => c.metrics.frames === 200 + 10_000, 'all frames', 30_000)
    await until(() => store.state.cursor === 200, 'all good events')
    expect(store.state.seqs).toEqual(range(1, 200))
    expect(c.metrics.malformed).toBe(10_000)
    expect(c.metrics.connected).toBe(true)
    expect(c.metrics.reconnects).toBe(0)
  })
})

/** the CID link of the first op in a valid commit frame (to build a commit whose CAR is broken) */
function decodeFirstCid(valid: Uint8Array): unknown {
  const [, rest] = decodeFirst(valid)
  return (decode(rest) as { ops: { cid: unknown }[] }).ops[0]?.cid
}

function encodeBytes(rand: () => number): unknown {
  return toBytes(Uint8Array.from({ length: 16 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)))
}
