import { decode, decodeFirst } from '@atcute/cbor'
import { getDidKeyFromMultibase, type IdResolver } from '@atproto/identity'
import WebSocket from 'ws'
import { verifyLabelSignature, type SignedLabel } from '../../shared/labels/signing.ts'
import type { Logger } from '../../shared/logger.ts'
import type { FeedgenDb } from '../db/schema.ts'
import { saveCursor } from '../indexer/index.ts'

// The feed generator learns labels the way any Bluesky client does: it subscribes to
// com.atproto.label.subscribeLabels of each labeler a feed trusts (endpoint from the labeler's DID
// document, #atproto_labeler), checks every label's signature against the labeler's #atproto_label
// key, and keeps the current positive labels in `feed_label`, with its cursor per labeler saved in the
// same transaction. Negations remove a label; expiry is honoured at read time.

export interface LabelSubscriberMetrics {
  connected: boolean
  labels: number
  rejected: number
  reconnects: number
  lastSeq: number | undefined
}

interface LabelerIdentity {
  endpoint: string
  key: string
}

export class LabelSubscriber {
  readonly did: string
  readonly #db: FeedgenDb
  readonly #idResolver: IdResolver
  readonly #logger: Logger
  readonly #minBackoffMs: number
  readonly #maxBackoffMs: number
  #ws: WebSocket | undefined
  #running = false
  #attempt = 0
  #timer: NodeJS.Timeout | undefined
  #chain: Promise<void> = Promise.resolve()
  #identity: LabelerIdentity | undefined
  readonly metrics: LabelSubscriberMetrics = { connected: false, labels: 0, rejected: 0, reconnects: 0, lastSeq: undefined }

  readonly #onCommit: (() => void) | undefined

  /** `onCommit` is called after every transaction that changed the stored labels (the page cache drops pages). */
  constructor(opts: { did: string; db: FeedgenDb; idResolver: IdResolver; logger: Logger; minBackoffMs?: number; maxBackoffMs?: number; onCommit?: () => void }) {
    this.did = opts.did
    this.#onCommit = opts.onCommit
    this.#db = opts.db
    this.#idResolver = opts.idResolver
    this.#logger = opts.logger.child({ labeler: opts.did })
    this.#minBackoffMs = opts.minBackoffMs ?? 500
    this.#maxBackoffMs = opts.maxBackoffMs ?? 60_000
  }

  get cursorId(): string {
    return `labels:${this.did}`
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    void this.#connect()
  }

  async stop(): Promise<void> {
    this.#running = false
    clearTimeout(this.#timer)
    const ws = this.#ws
    this.#ws = undefined
    ws?.removeAllListeners('message')
    ws?.terminate()
    this.metrics.connected = false
    await this.#chain
  }

  async #resolve(force: boolean): Promise<LabelerIdentity> {
    if (this.#identity && !force) return this.#identity
    const doc = await this.#idResolver.did.resolve(this.did, force)
    if (!doc) throw new Error(`could not resolve ${this.did}`)
    const svc = (doc.service ?? []).find((s) => s.id === '#atproto_labeler' || s.id === `${this.did}#atproto_labeler`)
    const endpoint = typeof svc?.serviceEndpoint === 'string' ? svc.serviceEndpoint.replace(/\/+$/, '') : undefined
    if (!endpoint) throw new Error(`${this.did} has no #atproto_labeler service in its DID document`)
    const vm = (doc.verificationMethod ?? []).find((m) => m.id === '#atproto_label' || m.id === `${this.did}#atproto_label`)
    const key = vm?.publicKeyMultibase ? getDidKeyFromMultibase({ type: vm.type, publicKeyMultibase: vm.publicKeyMultibase }) : undefined
    if (!key) throw new Error(`${this.did} has no #atproto_label key in its DID document`)
    this.#identity = { endpoint, key }
    return this.#identity
  }

  async #cursor(): Promise<number> {
    const row = await this.#db.selectFrom('cursor').select('seq').where('id', '=', this.cursorId).executeTakeFirst()
    return row ? Number(row.seq) : 0
  }

  async #connect(): Promise<void> {
    if (!this.#running) return
    let url: string
    try {
      const id = await this.#resolve(this.#attempt > 0)
      url = `${id.endpoint.replace(/^http/, 'ws')}/xrpc/com.atproto.label.subscribeLabels?cursor=${await this.#cursor()}`
    } catch (err) {
      this.#logger.warn({ err: (err as Error).message }, 'cannot find the labeler; retrying')
      return this.#retry()
    }
    if (!this.#running) return
    const ws = new WebSocket(url, { maxPayload: 4 * 1024 * 1024 })
    this.#ws = ws
    ws.binaryType = 'nodebuffer'
    ws.on('open', () => {
      this.metrics.connected = true
      this.#logger.info({ url }, 'subscribed to labeler')
    })
    ws.on('message', (data: Buffer) => {
      this.#attempt = 0
      // frames are applied one after another, in order
      this.#chain = this.#chain.then(() => this.#onFrame(new Uint8Array(data))).catch((err: unknown) => {
        this.#logger.error({ err }, 'could not apply labels; reconnecting from the saved cursor')
        ws.terminate()
      })
    })
    ws.on('error', (err) => this.#logger.warn({ err: err.message }, 'labeler socket error'))
    ws.on('close', () => {
      if (this.#ws !== ws) return
      this.#ws = undefined
      this.metrics.connected = false
      void this.#chain.then(() => this.#retry())
    })
  }

  #retry(): void {
    if (!this.#running) return
    const base = Math.min(this.#maxBackoffMs, this.#minBackoffMs * 2 ** this.#attempt++)
    this.metrics.reconnects++
    this.#timer = setTimeout(() => void this.#connect(), base / 2 + (Math.random() * base) / 2)
  }

  async #onFrame(frame: Uint8Array): Promise<void> {
    let header: { op?: unknown; t?: unknown }
    let body: Record<string, unknown>
    try {
      const [h, rest] = decodeFirst(frame)
      header = h
      body = decode(rest)
    } catch {
      this.metrics.rejected++
      return
    }
    if (header.op === -1) {
      this.#logger.warn({ error: body.error, message: body.message }, 'labeler error frame')
      if (body.error === 'FutureCursor') {
        // the labeler's history was reset: start over from its beginning
        await this.#db.transaction().execute(async (trx) => {
          await trx.deleteFrom('feed_label').where('src', '=', this.did).execute()
          await saveCursor(trx, this.cursorId, 0)
        })
        this.#onCommit?.()
      }
      return
    }
    if (header.t === '#info') {
      this.#logger.warn({ name: body.name, message: body.message }, 'labeler info')
      return
    }
    if (header.t !== '#labels' || typeof body.seq !== 'number' || !Array.isArray(body.labels)) return
    const seq = body.seq
    const accepted: SignedLabel[] = []
    for (const raw of body.labels) {
      const label = toSignedLabel(raw)
      if (!label || label.src !== this.did || !(await this.#verify(label))) {
        this.metrics.rejected++
        this.#logger.warn({ uri: label?.uri, val: label?.val, src: label?.src }, 'rejected a label (bad signature or wrong source)')
        continue
      }
      accepted.push(label)
    }
    await this.#db.transaction().execute(async (trx) => {
      for (const l of accepted) {
        if (l.neg) {
          await trx.deleteFrom('feed_label').where('src', '=', l.src).where('uri', '=', l.uri).where('val', '=', l.val).execute()
        } else {
          const exp = l.exp ? Date.parse(l.exp) : null
          await trx
            .insertInto('feed_label')
            .values({ src: l.src, uri: l.uri, val: l.val, exp_at: exp, cts: l.cts })
            .onConflict((oc) => oc.columns(['src', 'uri', 'val']).doUpdateSet({ exp_at: exp, cts: l.cts }))
            .execute()
        }
      }
      await saveCursor(trx, this.cursorId, seq)
    })
    if (accepted.length > 0) this.#onCommit?.()
    this.metrics.labels += accepted.length
    this.metrics.lastSeq = seq
  }

  async #verify(label: SignedLabel): Promise<boolean> {
    const id = await this.#resolve(false)
    if (await verifyLabelSignature(label, id.key)) return true
    // the key may have been rotated: check once more with a fresh DID document
    const fresh = await this.#resolve(true)
    return fresh.key !== id.key && (await verifyLabelSignature(label, fresh.key))
  }
}

/** A label from a CBOR frame (sig as bytes), or undefined when it is not one. */
function toSignedLabel(raw: unknown): SignedLabel | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const r = raw as Record<string, unknown>
  const sig = r.sig instanceof Uint8Array ? r.sig : (r.sig as { buf?: unknown } | undefined)?.buf
  if (r.ver !== 1 || typeof r.src !== 'string' || typeof r.uri !== 'string' || typeof r.val !== 'string' || typeof r.cts !== 'string' || !(sig instanceof Uint8Array)) {
    return undefined
  }
  const label: SignedLabel = { ver: 1, src: r.src, uri: r.uri, val: r.val, cts: r.cts, sig }
  if (typeof r.cid === 'string') label.cid = r.cid
  if (r.neg === true) label.neg = true
  if (typeof r.exp === 'string') label.exp = r.exp
  return label
}
