// A small keep-alive HTTP/1.1 client for the feed-read benchmark's load generator: GET requests over
// `size` plain TCP connections, one request at a time on each, free connections used in turn (FIFO),
// requests that find none free wait in line (FIFO). It exists because the load generator shares the
// machine's two cores with the service it measures: node:http's client (request and response objects,
// streams, llhttp callbacks, header objects) cost the load generator ~3× the CPU per request of this
// one, and its own event-loop delay showed up as latency in the service's figures ("sent late" in
// `bench:feed-read`). It reads only what the service sends: a status line, headers with a
// Content-Length (the service always sets one), and that many bytes of body; anything else is an
// error of the request, never a crash.

import net from 'node:net'

export interface PoolResponse {
  status: number
  body: Buffer
}

type Waiter = (err: Error | undefined, res?: PoolResponse) => void

const HEADER_END = Buffer.from('\r\n\r\n')

class Conn {
  #socket: net.Socket | undefined
  #pending: Buffer | undefined
  #waiter: Waiter | undefined
  #bodyStart = -1
  #bodyLength = -1
  #status = 0
  readonly #host: string
  readonly #port: number

  constructor(host: string, port: number) {
    this.#host = host
    this.#port = port
  }

  /** opens the TCP connection now (resolves when connected) */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.#open()
      s.once('connect', () => resolve())
      s.once('error', reject)
    })
  }

  #open(): net.Socket {
    const s = net.connect({ host: this.#host, port: this.#port, noDelay: true })
    this.#socket = s
    // a replaced socket's late events are not this connection's any more
    s.on('data', (chunk: Buffer) => this.#socket === s && this.#onData(chunk))
    s.on('error', (err) => this.#socket === s && this.#fail(err))
    s.on('close', () => this.#socket === s && this.#fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })))
    return s
  }

  send(head: string, waiter: Waiter): void {
    this.#waiter = waiter
    this.#pending = undefined
    this.#bodyStart = -1
    const s = this.#socket && !this.#socket.destroyed ? this.#socket : this.#open()
    s.write(head)
  }

  #fail(err: Error): void {
    const w = this.#waiter
    this.#waiter = undefined
    this.#pending = undefined
    this.#socket?.destroy()
    this.#socket = undefined
    w?.(err)
  }

  #onData(chunk: Buffer): void {
    if (!this.#waiter) return this.#fail(new Error('data without a request'))
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk
    if (this.#bodyStart < 0) {
      const end = buf.indexOf(HEADER_END)
      if (end < 0) {
        this.#pending = buf
        return
      }
      const head = buf.toString('latin1', 0, end)
      const status = Number(head.slice(9, 12))
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head)
      if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || !m) return this.#fail(new Error('bad response head'))
      this.#status = status
      this.#bodyStart = end + 4
      this.#bodyLength = Number(m[1])
    }
    const have = buf.length - this.#bodyStart
    if (have < this.#bodyLength) {
      this.#pending = buf
      return
    }
    if (have > this.#bodyLength) return this.#fail(new Error('more bytes than Content-Length'))
    const w = this.#waiter
    this.#waiter = undefined
    this.#pending = undefined
    const res = { status: this.#status, body: buf.subarray(this.#bodyStart) }
    this.#bodyStart = -1
    w(undefined, res)
  }

  destroy(): void {
    this.#waiter = undefined
    this.#socket?.destroy()
    this.#socket = undefined
  }
}

export class HttpPool {
  readonly #host: string
  readonly #port: number
  readonly #hostHeader: string
  readonly #conns: Conn[]
  readonly #free: Conn[]
  #freeHead = 0
  readonly #queue: { path: string; headers: string; waiter: Waiter }[] = []
  #queueHead = 0

  constructor(url: URL, size: number) {
    this.#host = url.hostname
    this.#port = Number(url.port)
    this.#hostHeader = url.host
    this.#conns = Array.from({ length: size }, () => new Conn(this.#host, this.#port))
    this.#free = [...this.#conns]
  }

  /** connects every connection (so that a phase runs over all of them from its start) */
  async open(): Promise<void> {
    await Promise.all(this.#conns.map((c) => c.connect()))
  }

  /** requests waiting for a free connection */
  get waiting(): number {
    return this.#queue.length - this.#queueHead
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PoolResponse> {
    let extra = ''
    for (const [k, v] of Object.entries(headers)) extra += `${k}: ${v}\r\n`
    return new Promise((resolve, reject) => {
      const waiter: Waiter = (err, res) => (err ? reject(err) : resolve(res as PoolResponse))
      const conn = this.#takeFree()
      if (conn) this.#send(conn, path, extra, waiter)
      else this.#queue.push({ path, headers: extra, waiter })
    })
  }

  #takeFree(): Conn | undefined {
    if (this.#freeHead >= this.#free.length) return undefined
    const c = this.#free[this.#freeHead++]
    if (this.#freeHead > 1024 && this.#freeHead * 2 > this.#free.length) {
      this.#free.splice(0, this.#freeHead)
      this.#freeHead = 0
    }
    return c
  }

  #send(conn: Conn, path: string, headers: string, waiter: Waiter): void {
    conn.send(`GET ${path} HTTP/1.1\r\nhost: ${this.#hostHeader}\r\nconnection: keep-alive\r\n${headers}\r\n`, (err, res) => {
      // the connection is free again: the next request in line takes it, or it goes back to the free list
      if (this.#queueHead < this.#queue.length) {
        const next = this.#queue[this.#queueHead++] as { path: string; headers: string; waiter: Waiter }
        if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
          this.#queue.splice(0, this.#queueHead)
          this.#queueHead = 0
        }
        this.#send(conn, next.path, next.headers, next.waiter)
      } else {
        this.#free.push(conn)
      }
      waiter(err, res)
    })
  }

  destroy(): void {
    for (const c of this.#conns) c.destroy()
  }
}
