// The firehose's WebSocket, read into one reused buffer.
//
// Why not `ws`: a firehose is ~2.6 KB frames at up to thousands per second, and `ws` (on node:net's
// 'data' events) gets a new ArrayBuffer for every socket read. At replay speed that is ~150 MB/s of
// short-lived buffers; V8 frees them only in its collections, so they were 50–120 MB of each service's
// RSS and most of the V8 helper threads' CPU (docs/benchmarks.md, "Memory", session 6). Here the socket
// reads into one buffer (`onread`, for TCP and TLS alike), frames are parsed in place and handed over as
// views into it; only a frame that spans two reads, and a fragmented message, are copied.
//
// It is a client for one server-to-client stream (RFC 6455): the HTTP/1.1 upgrade (Sec-WebSocket-Accept
// checked), binary and text frames, fragmentation, ping (answered), pong, close (answered). Client frames
// are masked. No extensions are negotiated (a frame with RSV bits is a protocol error) and redirects are
// not followed, as `ws` did by default.

import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
/** one socket read at most; frames larger than this are assembled in their own buffer */
const READ_SIZE = 256 * 1024
/** the HTTP upgrade response may not be larger than this */
const MAX_RESPONSE_HEAD = 16 * 1024

export interface FirehoseSocketHandlers {
  onOpen(): void
  /** a binary (or text) message; the bytes are only valid during the call (copy what you keep) */
  onMessage(data: Uint8Array): void
  onPong?(): void
  /** called once, when the connection is gone (after onOpen or instead of it) */
  onClose(info: { code: number; reason: string; error?: Error }): void
}

export interface FirehoseSocketOptions {
  /** a message larger than this closes the connection (1009); @default 16 MiB */
  maxPayload?: number
  /** the upgrade must complete within this; @default 30000 */
  handshakeTimeoutMs?: number
  /** wss://: certificate authorities to trust instead of Node's (tests; operators use NODE_EXTRA_CA_CERTS) */
  ca?: string | Buffer
}

export class WebSocketProtocolError extends Error {
  override name = 'WebSocketProtocolError'
}

export class FirehoseSocket {
  readonly #handlers: FirehoseSocketHandlers
  readonly #maxPayload: number
  readonly #socket: net.Socket
  readonly #key = randomBytes(16).toString('base64')
  #state: 'handshake' | 'open' | 'closing' | 'closed' = 'handshake'
  #paused = false
  #handshakeTimer: NodeJS.Timeout | undefined
  #closeInfo: { code: number; reason: string; error?: Error } | undefined
  /** the upgrade response so far */
  #head: Buffer[] = []
  /** a frame header cut by the end of a read (at most 14 bytes) */
  readonly #hdr = Buffer.alloc(14)
  #hdrLen = 0
  /** a payload cut by the end of a read, being filled */
  #partial: { buf: Buffer; filled: number; fin: boolean; opcode: number } | undefined
  /** the fragments of a fragmented message (copies) */
  #fragments: Buffer[] | undefined
  #fragmentsLen = 0

  constructor(url: string | URL, handlers: FirehoseSocketHandlers, opts: FirehoseSocketOptions = {}) {
    const u = typeof url === 'string' ? new URL(url) : url
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`a WebSocket URL must start with ws:// or wss://, got ${u.protocol}`)
    this.#handlers = handlers
    this.#maxPayload = opts.maxPayload ?? 16 * 1024 * 1024
    const secure = u.protocol === 'wss:'
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname
    const port = Number(u.port || (secure ? 443 : 80))
    const onread = { buffer: Buffer.allocUnsafe(READ_SIZE), callback: (n: number, buf: Buffer) => this.#onRead(buf, n) }
    this.#socket = secure
      ? // @NOTE node:tls takes `onread` like node:net (TLSSocket is a net.Socket), its types do not list it
        tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...(opts.ca ? { ca: opts.ca } : {}), onread, ALPNProtocols: ['http/1.1'] } as tls.ConnectionOptions)
      : net.connect({ host, port, onread })
    this.#socket.setNoDelay(true)
    this.#handshakeTimer = setTimeout(() => this.#fail(new Error('WebSocket handshake timed out')), opts.handshakeTimeoutMs ?? 30_000)
    this.#socket.once(secure ? 'secureConnect' : 'connect', () => {
      const path = `${u.pathname || '/'}${u.search}`
      this.#socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${this.#key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: plein-firehose\r\n\r\n`,
      )
    })
    this.#socket.on('error', (err) => {
      this.#closeInfo ??= { code: 1006, reason: '', error: err }
    })
    this.#socket.on('end', () => this.#socket.end())
    this.#socket.on('close', () => this.#closed())
  }

  /** Stops reading (what was already read is still handed over). */
  pause(): void {
    if (this.#paused) return
    this.#paused = true
    this.#socket.pause()
  }

  resume(): void {
    if (!this.#paused) return
    this.#paused = false
    this.#socket.resume()
  }

  ping(): void {
    if (this.#state === 'open') this.#send(0x9, Buffer.alloc(0))
  }

  /** A normal close: sends a close frame; the server answers and the connection ends. */
  close(code = 1000): void {
    if (this.#state !== 'open') return this.terminate()
    this.#state = 'closing'
    const payload = Buffer.alloc(2)
    payload.writeUInt16BE(code)
    this.#send(0x8, payload)
    this.#socket.end()
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.#closeInfo ??= { code: 1006, reason: 'terminated' }
    this.#socket.destroy()
  }

  #closed(): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    clearTimeout(this.#handshakeTimer)
    this.#partial = undefined
    this.#fragments = undefined
    this.#head = []
    this.#handlers.onClose(this.#closeInfo ?? { code: 1006, reason: '' })
  }

  #fail(error: Error, code = 1002): void {
    if (this.#state === 'closed') return
    this.#closeInfo ??= { code, reason: error.message, error }
    if (this.#state === 'open') {
      // tell the server why, then drop the connection
      const payload = Buffer.alloc(2)
      payload.writeUInt16BE(code)
      this.#send(0x8, payload)
    }
    this.#state = 'closing'
    this.#socket.destroy()
  }

  /** a masked client frame (control frames only: ping, pong, close) */
  #send(opcode: number, payload: Buffer): void {
    if (this.#socket.destroyed) return
    const mask = randomBytes(4)
    const frame = Buffer.allocUnsafe(6 + payload.length)
    frame[0] = 0x80 | opcode
    frame[1] = 0x80 | payload.length
    mask.copy(frame, 2)
    for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i & 3] as number)
    this.#socket.write(frame)
  }

  /** onread: `buf` is the reused buffer; returns false to stop reading */
  #onRead(buf: Buffer, n: number): boolean {
    if (this.#state === 'closed') return false
    try {
      if (this.#state === 'handshake') this.#readHead(buf, n)
      else this.#readFrames(buf, 0, n)
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)))
      return false
    }
    return !this.#paused
  }

  #readHead(buf: Buffer, n: number): void {
    const chunk = Buffer.from(buf.subarray(0, n))
    this.#head.push(chunk)
    const all = this.#head.length === 1 ? chunk : Buffer.concat(this.#head)
    const end = all.indexOf('\r\n\r\n')
    if (end < 0) {
      if (all.length > MAX_RESPONSE_HEAD) throw new WebSocketProtocolError('the upgrade response is too large')
      return
    }
    const lines = all.subarray(0, end).toString('latin1').split('\r\n')
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')
    if (!status || status[1] !== '101') {
      throw new WebSocketProtocolError(`unexpected server response: ${status?.[1] ?? JSON.stringify((lines[0] ?? '').slice(0, 80))}`)
    }
    const headers = new Map<string, string>()
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    if (headers.get('upgrade')?.toLowerCase() !== 'websocket') throw new WebSocketProtocolError('invalid Upgrade header')
    const accept = createHash('sha1').update(this.#key + GUID).digest('base64')
    if (headers.get('sec-websocket-accept') !== accept) throw new WebSocketProtocolError('invalid Sec-WebSocket-Accept header')
    if (headers.has('sec-websocket-extensions')) throw new WebSocketProtocolError('the server chose an extension that was not offered')
    this.#head = []
    this.#state = 'open'
    clearTimeout(this.#handshakeTimer)
    this.#handlers.onOpen()
    // frames that came with the response
    if (end + 4 < all.length && this.#state === 'open') {
      const rest = all.subarray(end + 4)
      this.#readFrames(rest, 0, rest.length)
    }
  }

  #readFrames(b: Buffer, p: number, n: number): void {
    while (p < n && (this.#state === 'open' || this.#state === 'closing')) {
      // the rest of a payload cut by the last read
      const partial = this.#partial
      if (partial) {
        const take = Math.min(partial.buf.length - partial.filled, n - p)
        b.copy(partial.buf, partial.filled, p, p + take)
        partial.filled += take
        p += take
        if (partial.filled < partial.buf.length) return
        this.#partial = undefined
        this.#frame(partial.fin, partial.opcode, partial.buf, true)
        continue
      }
      // the header: from this read, or completed from the bytes kept from the last
      let h: Buffer = b
      let hp = p
      let avail = n - p
      if (this.#hdrLen > 0) {
        const need = headerLength(this.#hdr, this.#hdrLen)
        const want = (need ?? 2) - this.#hdrLen
        const take = Math.min(want, n - p)
        b.copy(this.#hdr, this.#hdrLen, p, p + take)
        this.#hdrLen += take
        p += take
        const total = headerLength(this.#hdr, this.#hdrLen)
        if (total === undefined || this.#hdrLen < total) continue
        h = this.#hdr
        hp = 0
        avail = this.#hdrLen
      }
      const hlen = headerLength(h, avail, hp)
      if (hlen === undefined || avail < hlen) {
        // keep the start of the header for the next read
        b.copy(this.#hdr, 0, p, n)
        this.#hdrLen = n - p
        return
      }
      const b0 = h[hp] as number
      const b1 = h[hp + 1] as number
      const fin = (b0 & 0x80) !== 0
      const opcode = b0 & 0x0f
      if ((b0 & 0x70) !== 0) throw new WebSocketProtocolError('RSV bits set without an extension')
      if ((b1 & 0x80) !== 0) throw new WebSocketProtocolError('a server frame must not be masked')
      const len7 = b1 & 0x7f
      let len: number
      if (len7 === 126) len = h.readUInt16BE(hp + 2)
      else if (len7 === 127) {
        const hi = h.readUInt32BE(hp + 2)
        if (hi > 0x1fffff) throw new WebSocketProtocolError('frame length too large')
        len = hi * 2 ** 32 + h.readUInt32BE(hp + 6)
      } else len = len7
      if (opcode >= 0x8 && (len > 125 || !fin)) throw new WebSocketProtocolError('invalid control frame')
      if (len > this.#maxPayload || this.#fragmentsLen + len > this.#maxPayload) {
        return this.#fail(new WebSocketProtocolError(`message larger than ${this.#maxPayload} bytes`), 1009)
      }
      if (this.#hdrLen > 0) this.#hdrLen = 0
      else p += hlen
      if (n - p >= len) {
        this.#frame(fin, opcode, b.subarray(p, p + len), false)
        p += len
      } else {
        const buf = Buffer.allocUnsafe(len)
        b.copy(buf, 0, p, n)
        this.#partial = { buf, filled: n - p, fin, opcode }
        return
      }
    }
  }

  /** one whole frame; `owned` when `payload` is a buffer of its own (not a view into the read buffer) */
  #frame(fin: boolean, opcode: number, payload: Buffer, owned: boolean): void {
    switch (opcode) {
      case 0x1:
      case 0x2:
        if (this.#fragments) throw new WebSocketProtocolError('a new message inside a fragmented one')
        if (fin) return this.#message(payload)
        this.#fragments = [owned ? payload : Buffer.from(payload)]
        this.#fragmentsLen = payload.length
        return
      case 0x0: {
        if (!this.#fragments) throw new WebSocketProtocolError('a continuation frame without a message')
        this.#fragments.push(owned ? payload : Buffer.from(payload))
        this.#fragmentsLen += payload.length
        if (!fin) return
        const whole = Buffer.concat(this.#fragments, this.#fragmentsLen)
        this.#fragments = undefined
        this.#fragmentsLen = 0
        return this.#message(whole)
      }
      case 0x8: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
        const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : ''
        this.#closeInfo ??= { code, reason }
        if (this.#state === 'open') {
          this.#state = 'closing'
          const answer = Buffer.alloc(2)
          answer.writeUInt16BE(code === 1005 ? 1000 : code)
          this.#send(0x8, answer)
        }
        this.#socket.end()
        return
      }
      case 0x9:
        if (this.#state === 'open') this.#send(0xa, Buffer.from(payload))
        return
      case 0xa:
        this.#handlers.onPong?.()
        return
      default:
        throw new WebSocketProtocolError(`unknown opcode ${opcode}`)
    }
  }

  #message(data: Buffer): void {
    if (this.#state !== 'open') return
    this.#handlers.onMessage(data)
  }
}

/** the length of a frame header starting at b[p] (`avail` bytes there), or undefined before its first two bytes */
function headerLength(b: Buffer, avail: number, p = 0): number | undefined {
  if (avail < 2) return undefined
  const b1 = b[p + 1] as number
  const len7 = b1 & 0x7f
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0)
}
