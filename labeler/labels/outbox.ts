import type { Socket } from 'node:net'
import { encode } from '@atcute/cbor'
import type { WebSocket } from 'ws'
import type { Logger } from '../../shared/logger.ts'
import { encodeLabelForStream } from '../../shared/labels/signing.ts'
import type { LabelEvent, LabelStore } from './store.ts'

// com.atproto.label.subscribeLabels, outbox pattern. A subscriber with a cursor first catches up from
// the store, block by block, without listening; once it has reached the newest event it registers for
// live events (into a bounded buffer), reads the store once more from where it is (the final catch-up
// read, which covers everything committed before the registration), then drains the buffer dropping
// seq ≤ the last one sent, and from then on gets live events directly. No label is lost between
// backfill and live, none is sent twice, and everything goes out in seq order.
//
// Catch-up is shared and fair:
// - the backlog is read in blocks of `pageSize` seqs ((k·size, (k+1)·size]) and each block's frames are
//   encoded once and kept in an LRU of `cacheBytes`, so 100 subscribers catching up from 0 read and
//   encode the history about once, not 100 times; a live event is encoded once for all subscribers;
// - after each block a subscriber waits for its turn (`#turn`): subscribers catching up take turns, one
//   block each, for at most `sliceMs` per event-loop iteration, so the writer, the firehose, HTTP requests
//   and live subscribers get the loop at least every few milliseconds however many are catching up;
// - a catching-up subscriber waits for its socket to drain once `catchUpBufferedBytes` are queued
//   (instead of reading ahead into memory); live subscribers that let more than `maxBufferedBytes` queue
//   up are closed with ConsumerTooSlow, as are catching-up ones whose live buffer overflows or whose
//   socket does not drain for `catchUpStallMs`;
// - frames are kept as WebSocket frames (server frames are not masked, so the bytes are the same for every
//   subscriber): a block goes out in one socket write instead of one `ws.send` per label (~6 µs each). This
//   writes to the `ws` connection's socket directly, which is safe only while `ws` itself queues nothing
//   (no permessage-deflate, which the server does not offer, and no Blob sends); otherwise it falls back to
//   `ws.send` per frame.

export interface OutboxOptions {
  /** live events held for a subscriber during its final catch-up read; @default 10_000 */
  maxBuffer?: number
  /** bytes queued on a live subscriber's socket before it counts as too slow; @default 8 MiB */
  maxBufferedBytes?: number
  /** bytes queued on a catching-up subscriber's socket before it waits for the socket to drain; @default 256 KiB */
  catchUpBufferedBytes?: number
  /** a catching-up subscriber whose socket does not drain for this long is closed (ConsumerTooSlow); @default 60 s */
  catchUpStallMs?: number
  /** seqs per block read from the store (and cached) during catch-up; @default 500 */
  pageSize?: number
  /** encoded blocks kept for other subscribers catching up, in bytes of frames; @default 16 MiB */
  cacheBytes?: number
  /** catch-up work (all subscribers together) per event-loop iteration, in ms (0: one block per iteration); @default 1 */
  sliceMs?: number
}

export interface OutboxStats {
  /** subscribers currently catching up from the store */
  catchingUp: number
  /** subscribers receiving live events */
  live: number
  /** label frames encoded (backlog and live) */
  framesEncoded: number
  /** backlog blocks read from the store / served from the cache */
  blocksRead: number
  blocksCached: number
  /** times a catching-up subscriber waited for its socket to drain */
  drainWaits: number
  /** event-loop iterations with catch-up work */
  slices: number
}

const HEADER_LABELS = encode({ op: 1, t: '#labels' })

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

export function labelsFrame(evt: LabelEvent): Uint8Array {
  return concat(HEADER_LABELS, encode({ seq: evt.seq, labels: [encodeLabelForStream(evt.label)] }))
}

export function infoFrame(name: string, message: string): Uint8Array {
  return concat(encode({ op: 1, t: '#info' }), encode({ name, message }))
}

export function errorFrame(error: string, message: string): Uint8Array {
  return concat(encode({ op: -1 }), encode({ error, message }))
}

/**
 * Encoded label frames as WebSocket binary frames, back to back: frame i (`seqs[i]`) is
 * `wire[starts[i], starts[i+1])`, its payload (the subscribeLabels message) after a header of `heads[i]` bytes.
 */
interface Wire {
  seqs: number[]
  starts: number[]
  heads: number[]
  wire: Buffer
}

type Block = Wire & { bytes: number }

/** The header of an unmasked, final, binary WebSocket frame (RFC 6455 §5.2) with `len` bytes of payload. */
function wsHeader(len: number): Buffer {
  if (len < 126) return Buffer.from([0x82, len])
  if (len < 65_536) return Buffer.from([0x82, 126, len >> 8, len & 0xff])
  const h = Buffer.alloc(10)
  h[0] = 0x82
  h[1] = 127
  h.writeBigUInt64BE(BigInt(len), 2)
  return h
}

function toWire(events: { seq: number; frame: Uint8Array }[]): Wire {
  const parts: Uint8Array[] = []
  const out: Wire = { seqs: [], starts: [], heads: [], wire: Buffer.alloc(0) }
  let at = 0
  for (const { seq, frame } of events) {
    const h = wsHeader(frame.length)
    out.seqs.push(seq)
    out.starts.push(at)
    out.heads.push(h.length)
    parts.push(h, frame)
    at += h.length + frame.length
  }
  out.starts.push(at)
  out.wire = Buffer.concat(parts, at)
  return out
}

/** The socket under a `ws` connection, when frames may be written to it directly (see above). */
function rawSocket(ws: WebSocket): Socket | undefined {
  const inner = ws as unknown as { _socket?: Socket | null; _sender?: { _state?: number; _queue?: unknown[] } | null }
  const socket = inner._socket
  const sender = inner._sender
  if (!socket || !sender || ws.extensions !== '' || sender._state !== 0 || (sender._queue?.length ?? 0) > 0) return undefined
  if (ws.readyState !== ws.OPEN || socket.destroyed || !socket.writable) return undefined
  return socket
}

/** Writes frames `from`.. of `w` to the subscriber. */
function writeFrames(ws: WebSocket, w: Wire, from: number): void {
  const socket = rawSocket(ws)
  if (socket !== undefined) {
    socket.write(w.wire.subarray(w.starts[from] as number))
    return
  }
  for (let i = from; i < w.seqs.length; i++) ws.send(w.wire.subarray((w.starts[i] as number) + (w.heads[i] as number), w.starts[i + 1] as number))
}


export class LabelOutbox {
  readonly #store: LabelStore
  readonly #logger: Logger
  readonly #opts: Required<OutboxOptions>
  /** complete blocks by index, least recently used first */
  readonly #cache = new Map<number, Block>()
  /** blocks being read, so concurrent readers share one read */
  readonly #loading = new Map<number, Promise<Block>>()
  #cachedBytes = 0
  /** live frames, encoded once per event for every subscriber */
  readonly #liveFrames = new WeakMap<LabelEvent, Wire>()
  readonly #stats: OutboxStats = { catchingUp: 0, live: 0, framesEncoded: 0, blocksRead: 0, blocksCached: 0, drainWaits: 0, slices: 0 }
  /** catching-up subscribers waiting for their next turn, in order */
  readonly #waiting: (() => void)[] = []
  /** when the current slice of catch-up work began (performance.now()), or -1 outside a slice */
  #sliceStart = -1
  #pumpScheduled = false

  constructor(store: LabelStore, logger: Logger, opts: OutboxOptions = {}) {
    this.#store = store
    this.#logger = logger
    this.#opts = { maxBuffer: 10_000, maxBufferedBytes: 8 * 1024 * 1024, catchUpBufferedBytes: 256 * 1024, catchUpStallMs: 60_000, pageSize: 500, cacheBytes: 16 * 1024 * 1024, sliceMs: 1, ...opts }
  }

  get stats(): Readonly<OutboxStats> {
    return { ...this.#stats }
  }

  #frame(evt: LabelEvent): Wire {
    let f = this.#liveFrames.get(evt)
    if (f === undefined) {
      f = toWire([{ seq: evt.seq, frame: labelsFrame(evt) }])
      this.#stats.framesEncoded++
      this.#liveFrames.set(evt, f)
    }
    return f
  }

  /**
   * Resolves when it is this subscriber's turn to send its next block. Within a slice the turn passes
   * straight on to the next waiting subscriber (round robin, in microtasks); once the slice has lasted
   * `sliceMs`, the rest wait for the next event-loop iteration (setImmediate runs after timers and I/O).
   */
  #turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
      if (this.#sliceStart >= 0 && performance.now() - this.#sliceStart < this.#opts.sliceMs) (this.#waiting.shift() as () => void)()
      else this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#pumpScheduled) return
    this.#pumpScheduled = true
    setImmediate(() => {
      this.#pumpScheduled = false
      const next = this.#waiting.shift()
      if (next === undefined) return
      this.#stats.slices++
      this.#sliceStart = performance.now()
      next()
      // the slice runs in the microtasks after this callback; the next one starts in the next iteration
      // (also when a subscriber leaves in the middle of a slice without passing its turn on)
      if (this.#waiting.length > 0) this.#schedule()
    })
  }

  /**
   * The encoded block `k` (seqs in (k·size, (k+1)·size]). A block is kept only when it is complete: every
   * seq in it was committed before the read (`head` ≥ its upper end); the tail block is read fresh.
   */
  async #block(k: number, head: number): Promise<Block> {
    const hit = this.#cache.get(k)
    if (hit !== undefined) {
      this.#cache.delete(k)
      this.#cache.set(k, hit)
      this.#stats.blocksCached++
      return hit
    }
    const size = this.#opts.pageSize
    const complete = head >= (k + 1) * size
    const pending = complete ? this.#loading.get(k) : undefined
    if (pending !== undefined) {
      this.#stats.blocksCached++
      return await pending
    }
    const load = (async (): Promise<Block> => {
      const events = await this.#store.listLabelEvents(k * size, size)
      this.#stats.blocksRead++
      const frames: { seq: number; frame: Uint8Array }[] = []
      for (const e of events) {
        if (e.seq > (k + 1) * size) break
        frames.push({ seq: e.seq, frame: labelsFrame(e) })
      }
      this.#stats.framesEncoded += frames.length
      const w = toWire(frames)
      return { ...w, bytes: w.wire.length + 24 * w.seqs.length }
    })()
    if (!complete) return await load
    this.#loading.set(k, load)
    try {
      const block = await load
      this.#cache.set(k, block)
      this.#cachedBytes += block.bytes
      for (const [key, old] of this.#cache) {
        if (this.#cachedBytes <= this.#opts.cacheBytes || key === k) break
        this.#cache.delete(key)
        this.#cachedBytes -= old.bytes
      }
      return block
    } finally {
      this.#loading.delete(k)
    }
  }

  /** Serves one subscriber until it disconnects (or is too slow). `cursor` undefined = live only. */
  async serve(ws: WebSocket, cursor: number | undefined): Promise<void> {
    let closed = false
    let last = cursor ?? 0
    let listening = false
    let catchingUp = true
    const buffer: LabelEvent[] = []
    let onClosed: () => void = () => {}
    const closedPromise = new Promise<void>((resolve) => (onClosed = resolve))
    this.#stats.catchingUp++
    let counted: 'catchingUp' | 'live' | undefined = 'catchingUp'
    const setCounted = (to: 'catchingUp' | 'live' | undefined) => {
      if (counted !== undefined) this.#stats[counted]--
      if (to !== undefined) this.#stats[to]++
      counted = to
    }

    const markClosed = () => {
      if (closed) return
      closed = true
      unsubscribe()
      setCounted(undefined)
      onClosed()
    }
    const close = (error?: { error: string; message: string }) => {
      if (closed) return
      markClosed()
      if (error && ws.readyState === ws.OPEN) ws.send(errorFrame(error.error, error.message))
      ws.close(error ? 1008 : 1000)
    }
    const sendLive = (evt: LabelEvent): boolean => {
      if (evt.seq <= last) return true
      if (ws.bufferedAmount > this.#opts.maxBufferedBytes) {
        close({ error: 'ConsumerTooSlow', message: 'subscriber is not reading fast enough' })
        return false
      }
      writeFrames(ws, this.#frame(evt), 0)
      last = evt.seq
      return true
    }
    let unsubscribe = () => {}
    const listen = () => {
      listening = true
      unsubscribe = this.#store.onEvents((events) => {
        if (closed) return
        if (catchingUp) {
          buffer.push(...events)
          if (buffer.length > this.#opts.maxBuffer) close({ error: 'ConsumerTooSlow', message: 'subscriber fell too far behind while catching up' })
          return
        }
        for (const e of events) if (!sendLive(e)) return
      })
    }
    ws.once('close', markClosed)

    /** sends the block's frames after `last`, after waiting for the socket to drain when too much is queued */
    const sendBlock = async (block: Block): Promise<void> => {
      let i = 0
      while (i < block.seqs.length && (block.seqs[i] as number) <= last) i++
      if (i >= block.seqs.length || closed || ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount >= this.#opts.catchUpBufferedBytes) {
        // wait until the socket has handed what is queued to the kernel
        this.#stats.drainWaits++
        const socket = (ws as unknown as { _socket?: Socket | null })._socket
        const drained = new Promise<void>((resolve) => {
          if (!socket || !socket.writableNeedDrain) resolve()
          else socket.once('drain', () => resolve())
        })
        let timer: NodeJS.Timeout | undefined
        const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), this.#opts.catchUpStallMs)))
        const r = await Promise.race([drained, closedPromise, stalled])
        clearTimeout(timer)
        if (r === 'stalled') close({ error: 'ConsumerTooSlow', message: 'subscriber stopped reading while catching up' })
        if (closed || ws.readyState !== ws.OPEN) return
      }
      writeFrames(ws, block, i)
      last = block.seqs.at(-1) as number
    }

    try {
      if (cursor === undefined) {
        // live only: start after the current head
        listen()
        last = Math.max(last, await this.#store.getLatestSeq())
        catchingUp = false
        setCounted('live')
        return
      }
      const latest = await this.#store.getLatestSeq()
      if (cursor > latest) {
        close({ error: 'FutureCursor', message: `cursor ${cursor} is ahead of the latest seq ${latest}` })
        return
      }
      const earliest = await this.#store.getEarliestSeq()
      if (cursor > 0 && earliest > cursor + 1) {
        ws.send(infoFrame('OutdatedCursor', `cursor ${cursor} is older than the retained history; continuing from seq ${earliest}`))
      }
      // pruned history: start at the oldest retained event
      if (earliest > last + 1) last = earliest - 1
      const size = this.#opts.pageSize
      while (!closed) {
        const head = await this.#store.getLatestSeq()
        if (!listening && last >= head) {
          // reached the newest event: register for live ones, then read once more (below) from `last`
          listen()
          continue
        }
        const k = Math.floor(last / size)
        const blockEnd = (k + 1) * size
        const block = await this.#block(k, head)
        await sendBlock(block)
        if (closed || ws.readyState !== ws.OPEN) return
        if (head >= blockEnd) {
          // a complete block: nothing at or below its end is left to send (pruned seqs included)
          last = Math.max(last, blockEnd)
          await this.#turn()
          continue
        }
        // the tail: everything committed up to the read has been sent
        if (listening) break
        // register for live events, then read the tail once more (the final catch-up read)
        listen()
      }
      // the buffer holds everything committed since we registered; drop what the backlog already sent
      for (let i = 0; i < buffer.length; i++) if (closed || !sendLive(buffer[i] as LabelEvent)) return
      buffer.length = 0
      catchingUp = false
      if (!closed) setCounted('live')
    } catch (err) {
      this.#logger.error({ err }, 'subscribeLabels backfill failed')
      close({ error: 'InternalServerError', message: 'could not read the label history' })
    }
  }
}
