// The replay server of the benchmarks: serves a pool of generated firehose frames
// (scripts/bench/firehose.ts) as com.atproto.sync.subscribeRepos, at full speed or at a steady rate,
// and in rounds when the stream is longer than the pool. Used by the ingest benchmark's worker thread
// (firehose-worker.ts) and by the replay process of the other benchmarks (replay.ts).
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { Scanner } from '../../shared/firehose/scan.ts'

// ------------------------------------------------------------------------------------------------
// rounds: frame i of a longer stream is pool frame (i mod pool size), with seq i + 1 and, from the
// second round on, its record keys changed (the last character of a TID key), so it is a new record

const S32 = '234567abcdefghijklmnopqrstuvwxyz'
const enc = new TextEncoder()
const KEY_SEQ = enc.encode('seq')
const KEY_OPS = enc.encode('ops')
const KEY_PATH = enc.encode('path')
const SLASH = 0x2f

function encodeUint(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(n)
  if (n < 256) return Uint8Array.of(24, n)
  if (n < 65536) return Uint8Array.of(25, n >> 8, n & 255)
  if (n < 2 ** 32) return Uint8Array.of(26, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
  throw new Error('seq too large for the replay')
}

/** A copy of `frame` with body.seq = `seq` and, for `round` > 0, each op's record key shifted by `round`. */
export function patchFrame(frame: Uint8Array, seq: number, round: number): Uint8Array {
  const s = new Scanner(frame)
  s.skip() // the frame header
  if (s.head() !== 5) throw new Error('frame body is not a map')
  let seqStart = -1
  let seqEnd = -1
  const pathEnds: number[] = []
  for (let i = 0, n = s.arg; i < n; i++) {
    s.text()
    if (s.textIs(KEY_SEQ)) {
      seqStart = s.p
      s.skip()
      seqEnd = s.p
    } else if (s.textIs(KEY_OPS) && round > 0) {
      s.head() // array of ops
      for (let j = 0, ops = s.arg; j < ops; j++) {
        s.head() // an op map
        for (let k = 0, fields = s.arg; k < fields; k++) {
          s.text()
          if (!s.textIs(KEY_PATH)) {
            s.skip()
            continue
          }
          s.text()
          // a TID record key (13 characters) after the collection's slash
          const path = frame.subarray(s.p - s.arg, s.p)
          if (path.length - path.lastIndexOf(SLASH) - 1 === 13) pathEnds.push(s.p)
        }
      }
    } else s.skip()
  }
  if (seqStart < 0) throw new Error('frame body has no seq')
  const seqBytes = encodeUint(seq)
  const out = new Uint8Array(frame.length - (seqEnd - seqStart) + seqBytes.length)
  out.set(frame.subarray(0, seqStart), 0)
  out.set(seqBytes, seqStart)
  out.set(frame.subarray(seqEnd), seqStart + seqBytes.length)
  const shift = seqBytes.length - (seqEnd - seqStart)
  for (const end of pathEnds) {
    // 'ops' sorts before 'seq' in DAG-CBOR key order, but do not rely on it
    const at = (end <= seqStart ? end : end + shift) - 1
    const idx = S32.indexOf(String.fromCharCode(out[at] as number))
    if (idx >= 0) out[at] = S32.charCodeAt((idx + round) % 32)
  }
  return out
}

// ------------------------------------------------------------------------------------------------
// server

export interface ReplayOptions {
  /** total events to serve; the pool is repeated in rounds when this is larger; @default pool size */
  events?: number
  /** events per second; 0 = as fast as the reader takes them; @default 0 */
  rate?: number
}

export interface ReplayServer {
  port: number
  url: string
  /** frames written to sockets, over all connections */
  sent(): number
  close(): Promise<void>
}

const CHUNK_BYTES = 256 * 1024

function wsHeader(len: number): Uint8Array {
  if (len < 126) return Uint8Array.of(0x82, len)
  if (len < 65536) return Uint8Array.of(0x82, 126, len >>> 8, len & 0xff)
  const h = new Uint8Array(10)
  h[0] = 0x82
  h[1] = 127
  new DataView(h.buffer).setBigUint64(2, BigInt(len))
  return h
}

/**
 * Serves `pool` (frame i has seq i + 1) as a com.atproto.sync.subscribeRepos stream of
 * `opts.events` events on 127.0.0.1, honouring `?cursor=`. Messages are written as ready-made
 * WebSocket frames, many per socket write, with back-pressure from the socket (as in firehose.ts).
 */
export async function serveReplay(pool: Uint8Array[], opts: ReplayOptions = {}): Promise<ReplayServer> {
  const total = opts.events ?? pool.length
  const rate = opts.rate ?? 0
  const frameAt = (i: number): Uint8Array => {
    const base = pool[i % pool.length] as Uint8Array
    return i < pool.length ? base : patchFrame(base, i + 1, Math.floor(i / pool.length))
  }
  let sent = 0
  const http = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const sockets = new Set<Duplex>()
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/xrpc/com.atproto.sync.subscribeRepos') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    const cursor = url.searchParams.get('cursor')
    const start = cursor === null ? 0 : Math.max(0, Math.min(total, Math.floor(Number(cursor)) || 0))
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      ws.on('error', () => {})
      void stream(socket, ws, start)
    })
  })

  async function stream(socket: Duplex, ws: WebSocket, start: number): Promise<void> {
    /** write buffers the socket has finished with */
    const free: Buffer[] = []
    let i = start
    const t0 = performance.now()
    while (i < total) {
      if (ws.readyState !== WebSocket.OPEN || socket.destroyed) return
      let allowed = total
      if (rate > 0) {
        allowed = start + Math.floor(((performance.now() - t0) / 1000) * rate)
        if (allowed <= i) {
          await new Promise((r) => setTimeout(r, 5))
          continue
        }
      }
      // @NOTE the frames are copied into a write buffer taken from a free list and given back when
      // the socket has written it: a new buffer per write (Buffer.concat) was 133 MB/s of external
      // memory at Plein's ingest rate, and the replay thread's mark-compacts for it (8–138 ms each,
      // every ~300 ms) stalled the stream the benchmark measures
      let buf = free.pop()
      let size = 0
      while (i < total && i < allowed && size < CHUNK_BYTES) {
        const frame = frameAt(i++)
        const header = wsHeader(frame.length)
        const need = size + header.length + frame.length
        if (!buf || buf.length < need) {
          const bigger = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES + 64 * 1024, need * 2))
          if (buf) buf.copy(bigger, 0, 0, size)
          buf = bigger
        }
        buf.set(header, size)
        buf.set(frame, size + header.length)
        size = need
        sent++
      }
      if (!buf || size === 0) {
        if (buf) free.push(buf)
        continue
      }
      const out = buf
      if (!socket.write(out.subarray(0, size), () => free.push(out))) {
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off('drain', done)
            socket.off('close', done)
            resolve()
          }
          socket.on('drain', done)
          socket.on('close', done)
        })
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (http.address() as AddressInfo).port
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    sent: () => sent,
    close: async () => {
      for (const s of sockets) s.destroy()
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
