import { encode } from '@atcute/cbor'
import type { WebSocket } from 'ws'
import type { Logger } from '../../shared/logger.ts'
import { encodeLabelForStream } from '../../shared/labels/signing.ts'
import type { LabelEvent, LabelStore } from './store.ts'

// com.atproto.label.subscribeLabels, outbox pattern: a subscriber with a cursor first registers for
// live events (into a bounded buffer), then reads the backlog from the store page by page, then
// drains the buffer dropping seq ≤ the last one sent, and from then on gets live events directly.
// No label is lost between backfill and live, none is sent twice, and everything goes out in seq order.

export interface OutboxOptions {
  /** live events held for a subscriber that is still catching up; @default 10_000 */
  maxBuffer?: number
  /** bytes queued on a socket before the subscriber counts as too slow; @default 8 MiB */
  maxBufferedBytes?: number
  /** events read from the store per page during catch-up; @default 500 */
  pageSize?: number
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

export class LabelOutbox {
  readonly #store: LabelStore
  readonly #logger: Logger
  readonly #opts: Required<OutboxOptions>

  constructor(store: LabelStore, logger: Logger, opts: OutboxOptions = {}) {
    this.#store = store
    this.#logger = logger
    this.#opts = { maxBuffer: 10_000, maxBufferedBytes: 8 * 1024 * 1024, pageSize: 500, ...opts }
  }

  /** Serves one subscriber until it disconnects (or is too slow). `cursor` undefined = live only. */
  async serve(ws: WebSocket, cursor: number | undefined): Promise<void> {
    let closed = false
    let last = cursor ?? 0
    let catchingUp = cursor !== undefined
    const buffer: LabelEvent[] = []

    const close = (error?: { error: string; message: string }) => {
      if (closed) return
      closed = true
      unsubscribe()
      if (error && ws.readyState === ws.OPEN) ws.send(errorFrame(error.error, error.message))
      ws.close(error ? 1008 : 1000)
    }
    const send = (evt: LabelEvent): boolean => {
      if (evt.seq <= last) return true
      if (ws.bufferedAmount > this.#opts.maxBufferedBytes) {
        close({ error: 'ConsumerTooSlow', message: 'subscriber is not reading fast enough' })
        return false
      }
      ws.send(labelsFrame(evt))
      last = evt.seq
      return true
    }
    const unsubscribe = this.#store.onEvents((events) => {
      if (closed) return
      if (catchingUp) {
        buffer.push(...events)
        if (buffer.length > this.#opts.maxBuffer) close({ error: 'ConsumerTooSlow', message: 'subscriber fell too far behind while catching up' })
        return
      }
      for (const e of events) if (!send(e)) return
    })
    ws.once('close', () => {
      closed = true
      unsubscribe()
    })
    if (cursor === undefined) {
      // live only: start after the current head
      last = Math.max(last, await this.#store.getLatestSeq())
      return
    }
    try {
      const latest = await this.#store.getLatestSeq()
      if (cursor > latest) {
        close({ error: 'FutureCursor', message: `cursor ${cursor} is ahead of the latest seq ${latest}` })
        return
      }
      const earliest = await this.#store.getEarliestSeq()
      if (cursor > 0 && earliest > cursor + 1) {
        ws.send(infoFrame('OutdatedCursor', `cursor ${cursor} is older than the retained history; continuing from seq ${earliest}`))
      }
      while (!closed) {
        const page = await this.#store.listLabelEvents(last, this.#opts.pageSize)
        for (const e of page) if (!send(e)) return
        if (page.length < this.#opts.pageSize) break
        // let the socket drain between pages of a long backlog
        if (ws.bufferedAmount > this.#opts.maxBufferedBytes / 2) await new Promise((r) => setTimeout(r, 10))
      }
      // the buffer holds everything committed since we registered; drop what the backlog already sent
      while (!closed && buffer.length > 0) {
        const e = buffer.shift() as LabelEvent
        if (!send(e)) return
      }
      catchingUp = false
    } catch (err) {
      this.#logger.error({ err }, 'subscribeLabels backfill failed')
      close({ error: 'InternalServerError', message: 'could not read the label history' })
    }
  }
}
