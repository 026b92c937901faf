import type { Logger } from '../logger.ts'
import { decodeFrameOrSeq } from './decode.ts'
import { FirehoseSocket } from './socket.ts'
import { MalformedFrameError, StreamErrorFrame, type FirehoseEvent, type InfoEvent } from './events.ts'

export interface FirehoseConsumerOptions<P = undefined> {
  /** relay or PDS base URL (ws://, wss://, http:// or https://) serving com.atproto.sync.subscribeRepos */
  service: string
  /** record collections whose ops are decoded; ops on other collections are dropped unread */
  collections: Iterable<string>
  /** the cursor saved with the data (seq of the last event written), or undefined to start live */
  getCursor: () => Promise<number | undefined>
  /**
   * Writes one batch of events, in order. The handler must save `cursor` in the same transaction as
   * the rows it writes. A throw means nothing was written: the consumer reconnects from the last
   * saved cursor after a backoff.
   */
  handleBatch: (events: FirehoseEvent[], cursor: number, prepared: P | undefined) => Promise<void>
  /**
   * Starts the work on a batch that needs no transaction (the labeler classifies its posts on a worker
   * thread) as soon as the batch is taken from the queue: the next batch is taken while the one
   * before it is still being written, so the two overlap. Called once per batch with events, in
   * firehose order; its result is handed to `handleBatch` for that batch (a batch whose preparation
   * was not started gets undefined). A rejected promise in it must make `handleBatch` throw. A batch
   * that is prepared but never handled (the service stops, or the batch before it failed) is simply
   * dropped: its events are read again from the saved cursor.
   */
  prepareBatch?: (events: FirehoseEvent[]) => P
  // @NOTE commits with no op on a wanted collection are not handed over (most of the network's
  // commits); `cursor` covers them: it is the seq of the last event received up to the batch's end,
  // which may be past its last event, and a batch may hold no events at all (only a cursor to save).
  onInfo?: (info: InfoEvent) => void
  logger: Logger
  /** @default 1000 */
  batchSize?: number
  /** events held in memory before the socket is paused (back-pressure); @default 20000 */
  maxQueue?: number
  /** @default 250 */
  minBackoffMs?: number
  /** @default 30000 */
  maxBackoffMs?: number
  /** ping interval; a socket that misses a pong is dropped and reconnected; @default 30000 */
  heartbeatMs?: number
}

export interface FirehoseMetrics {
  frames: number
  events: number
  malformed: number
  errorFrames: number
  infoFrames: number
  reconnects: number
  batches: number
  handlerErrors: number
  queue: number
  lastSeq: number | undefined
  connected: boolean
}

/**
 * com.atproto.sync.subscribeRepos consumer: decodes and filters frames as they arrive, queues them
 * (pausing the socket when the writer falls behind), hands them to the service in ordered batches and
 * reconnects with exponential backoff and jitter.
 */
/** A batch taken from the queue: its events, the cursor that covers it, and its preparation. */
interface TakenBatch<P> {
  events: FirehoseEvent[]
  cursor: number
  prepared: P | undefined
}

export class FirehoseConsumer<P = undefined> {
  #opts: Required<Omit<FirehoseConsumerOptions<P>, 'onInfo' | 'prepareBatch'>> & Pick<FirehoseConsumerOptions<P>, 'onInfo' | 'prepareBatch'>
  #wanted: Set<string>
  #queue: FirehoseEvent[] = []
  /** events received (queued or skipped) since the last batch was taken */
  #pending = 0
  #ws: FirehoseSocket | undefined
  #running = false
  #paused = false
  #attempt = 0
  /** highest seq received on any connection; events at or below it are duplicates */
  #receivedSeq: number | undefined
  /** the cursor to ask for on the next connect */
  #resumeSeq: number | undefined
  #ignoreSavedCursor = false
  #wake: (() => void) | undefined
  #reconnectTimer: NodeJS.Timeout | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #writer: Promise<void> | undefined
  #connectGen = 0
  readonly metrics: FirehoseMetrics = {
    frames: 0,
    events: 0,
    malformed: 0,
    errorFrames: 0,
    infoFrames: 0,
    reconnects: 0,
    batches: 0,
    handlerErrors: 0,
    queue: 0,
    lastSeq: undefined,
    connected: false,
  }

  constructor(opts: FirehoseConsumerOptions<P>) {
    this.#opts = {
      batchSize: 1000,
      maxQueue: 20_000,
      minBackoffMs: 250,
      maxBackoffMs: 30_000,
      heartbeatMs: 30_000,
      ...opts,
    }
    this.#wanted = new Set(opts.collections)
  }

  get running(): boolean {
    return this.#running
  }

  async start(): Promise<void> {
    if (this.#running) return
    this.#running = true
    this.#resumeSeq = await this.#opts.getCursor()
    this.#receivedSeq = this.#resumeSeq
    this.#writer = this.#writeLoop()
    this.#connect()
  }

  /** Stops reading; waits for the batch being written. Queued, unwritten events are replayed next time. */
  async stop(): Promise<void> {
    if (!this.#running) return
    this.#running = false
    clearTimeout(this.#reconnectTimer)
    this.#closeSocket()
    this.#wake?.()
    await this.#writer
    this.#queue = []
    this.#pending = 0
    this.metrics.queue = 0
  }

  #url(): string {
    const base = this.#opts.service.replace(/^http/, 'ws').replace(/\/+$/, '')
    const url = new URL(`${base}/xrpc/com.atproto.sync.subscribeRepos`)
    if (this.#resumeSeq !== undefined && !this.#ignoreSavedCursor) url.searchParams.set('cursor', String(this.#resumeSeq))
    return url.toString()
  }

  #connect(): void {
    if (!this.#running) return
    const gen = ++this.#connectGen
    const url = this.#url()
    const log = this.#opts.logger
    log.info({ url }, 'connecting to firehose')
    let alive = true
    const ws = new FirehoseSocket(
      url,
      {
        onOpen: () => {
          this.metrics.connected = true
          log.info({ cursor: this.#ignoreSavedCursor ? null : (this.#resumeSeq ?? null) }, 'firehose connected')
          this.#ignoreSavedCursor = false
          clearInterval(this.#heartbeat)
          this.#heartbeat = setInterval(() => {
            if (!alive) {
              log.warn('firehose heartbeat missed; reconnecting')
              ws.terminate()
              return
            }
            alive = false
            ws.ping()
          }, this.#opts.heartbeatMs)
        },
        onPong: () => {
          alive = true
        },
        onMessage: (data) => {
          alive = true
          this.#attempt = 0
          this.#onFrame(data)
        },
        onClose: ({ code, error }) => {
          if (gen !== this.#connectGen) return
          if (error) log.warn({ err: error.message }, 'firehose socket error')
          this.metrics.connected = false
          clearInterval(this.#heartbeat)
          this.#ws = undefined
          this.#paused = false
          if (!this.#running) return
          const delay = this.#backoff()
          log.info({ code, delayMs: Math.round(delay) }, 'firehose disconnected; reconnecting')
          this.metrics.reconnects++
          this.#reconnectTimer = setTimeout(() => {
            // resume after the last event we hold; queued events are still written in order
            this.#resumeSeq = this.#receivedSeq
            this.#connect()
          }, delay)
        },
      },
      { maxPayload: 16 * 1024 * 1024 },
    )
    this.#ws = ws
  }

  #backoff(): number {
    const { minBackoffMs, maxBackoffMs } = this.#opts
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** this.#attempt)
    this.#attempt++
    return base / 2 + (Math.random() * base) / 2
  }

  #closeSocket(): void {
    clearInterval(this.#heartbeat)
    const ws = this.#ws
    this.#ws = undefined
    this.#connectGen++
    this.metrics.connected = false
    // (its onClose sees a newer connectGen and does nothing)
    ws?.terminate()
  }

  /** `data` is a view into the socket's read buffer, valid only during this call: what is kept is decoded into new objects */
  #onFrame(data: Uint8Array): void {
    this.metrics.frames++
    let evt
    try {
      evt = decodeFrameOrSeq(data, this.#wanted)
    } catch (err) {
      if (err instanceof StreamErrorFrame) {
        this.metrics.errorFrames++
        this.#opts.logger.warn({ error: err.error, message: err.message }, 'firehose error frame')
        if (err.error === 'FutureCursor') {
          // our cursor is ahead of this relay (e.g. a different relay): start from live
          this.#opts.logger.error({ cursor: this.#resumeSeq }, 'relay reports FutureCursor; resuming from the live stream')
          this.#ignoreSavedCursor = true
          this.#receivedSeq = undefined
        }
        return
      }
      this.metrics.malformed++
      this.#opts.logger.warn({ err: (err as Error).message, bytes: data.length }, 'skipping malformed firehose frame')
      return
    }
    if (typeof evt === 'number') {
      // a commit with nothing we want: only its seq moves the cursor
      if (this.#receivedSeq !== undefined && evt <= this.#receivedSeq) return
      this.#receivedSeq = evt
      this.metrics.events++
      if (++this.#pending === 1 || this.#pending >= this.#opts.batchSize) this.#wake?.()
      return
    }
    if (evt === null) return
    if (evt.type === 'info') {
      this.metrics.infoFrames++
      this.#opts.logger.warn({ name: evt.name, message: evt.message }, 'firehose info')
      this.#opts.onInfo?.(evt)
      return
    }
    if (this.#receivedSeq !== undefined && evt.seq <= this.#receivedSeq) return
    this.#receivedSeq = evt.seq
    this.#queue.push(evt)
    this.metrics.events++
    this.metrics.queue = this.#queue.length
    if (!this.#paused && this.#queue.length >= this.#opts.maxQueue && this.#ws) {
      this.#paused = true
      this.#ws.pause()
    }
    if (++this.#pending === 1 || this.#pending >= this.#opts.batchSize) this.#wake?.()
  }

  /** Takes the next batch from the queue (and starts preparing it); undefined when there is nothing to save. */
  #take(): TakenBatch<P> | undefined {
    const batch = this.#queue.splice(0, this.#opts.batchSize)
    this.metrics.queue = this.#queue.length
    let cursor: number | undefined
    if (this.#queue.length === 0) {
      // everything received so far: the skipped events after the last queued one are covered too
      this.#pending = 0
      cursor = this.#receivedSeq ?? batch[batch.length - 1]?.seq
    } else {
      this.#pending = Math.max(this.#queue.length, this.#pending - batch.length)
      cursor = (batch[batch.length - 1] as FirehoseEvent).seq
    }
    if (cursor === undefined) return undefined
    const prepared = this.#opts.prepareBatch && batch.length > 0 ? this.#opts.prepareBatch(batch) : undefined
    // a rejection is seen by handleBatch; one of a batch that is dropped must not go unhandled
    if (prepared instanceof Promise) prepared.catch(() => {})
    return { events: batch, cursor, prepared }
  }

  async #writeLoop(): Promise<void> {
    const log = this.#opts.logger
    /** with prepareBatch: the batch after the one being written, already being prepared */
    let ahead: TakenBatch<P> | undefined
    while (this.#running) {
      let taken = ahead
      ahead = undefined
      if (taken === undefined) {
        if (this.#pending === 0) {
          await new Promise<void>((resolve) => {
            this.#wake = resolve
          })
          this.#wake = undefined
          continue
        }
        // let a few more frames arrive when the batch is small and the socket is busy
        if (this.#pending < this.#opts.batchSize) await new Promise((r) => setImmediate(r))
        if (!this.#running) break
        taken = this.#take()
        if (taken === undefined) continue
      }
      // the next batch's preparation overlaps this batch's write
      if (this.#opts.prepareBatch && this.#queue.length > 0) ahead = this.#take()
      const { events: batch, cursor, prepared } = taken
      try {
        await this.#opts.handleBatch(batch, cursor, prepared)
        this.metrics.batches++
        this.metrics.lastSeq = cursor
      } catch (err) {
        this.metrics.handlerErrors++
        log.error({ err }, 'writing a firehose batch failed; reconnecting from the saved cursor')
        ahead = undefined
        this.#queue = []
        this.#pending = 0
        this.metrics.queue = 0
        this.#receivedSeq = await this.#opts.getCursor().catch(() => this.metrics.lastSeq)
        this.#closeSocket()
        if (this.#running) {
          const delay = this.#backoff()
          this.metrics.reconnects++
          await new Promise<void>((resolve) => {
            this.#wake = resolve
            this.#reconnectTimer = setTimeout(resolve, delay)
          })
          this.#wake = undefined
          if (!this.#running) break
          this.#resumeSeq = this.#receivedSeq
          this.#connect()
        }
        continue
      }
      if (this.#paused && this.#queue.length <= this.#opts.maxQueue / 2) {
        this.#paused = false
        this.#ws?.resume()
      }
    }
  }
}
