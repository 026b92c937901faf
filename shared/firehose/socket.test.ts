// The firehose's own WebSocket reader (socket.ts) against a raw TCP server that writes the upgrade
// response and frames byte for byte (so every way a read can cut a frame is exercised), and against the
// `ws` server the PDS uses.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocketServer } from 'ws'
import { FirehoseSocket } from './socket.ts'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** a server frame (unmasked) */
function frame(opcode: number, payload: Buffer, fin = true): Buffer {
  const n = payload.length
  const head = n < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  if (n >= 126) {
    head[0] = (fin ? 0x80 : 0) | opcode
    if (n < 65536) {
      head[1] = 126
      head.writeUInt16BE(n, 2)
    } else {
      head[1] = 127
      head.writeUInt32BE(0, 2)
      head.writeUInt32BE(n, 6)
    }
  }
  return Buffer.concat([head, payload])
}

/** the client's masked frames, unmasked: [opcode, payload] */
function clientFrames(b: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = []
  let p = 0
  while (p + 6 <= b.length) {
    const opcode = (b[p] as number) & 0x0f
    const len = (b[p + 1] as number) & 0x7f
    const mask = b.subarray(p + 2, p + 6)
    const payload = Buffer.from(b.subarray(p + 6, p + 6 + len))
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i & 3] as number)
    out.push([opcode, payload])
    p += 6 + len
  }
  return out
}

interface RawServer {
  url: string
  /** what the client sent after its upgrade request */
  received: () => Buffer
  close: () => Promise<void>
}

/** A TCP server that answers the upgrade with `respond(key)` and then writes `after`, `chunk` bytes at a time. */
async function rawServer(opts: { respond?: (key: string) => string; after: Buffer; chunk: number; end?: boolean }): Promise<RawServer> {
  const sockets = new Set<net.Socket>()
  let sent = Buffer.alloc(0)
  const server = net.createServer((sock) => {
    sockets.add(sock)
    let req = ''
    let upgraded = false
    sock.on('data', (d) => {
      if (upgraded) {
        sent = Buffer.concat([sent, d])
        return
      }
      req += d.toString('latin1')
      const end = req.indexOf('\r\n\r\n')
      if (end < 0) return
      upgraded = true
      const key = /sec-websocket-key: (\S+)/i.exec(req)?.[1] ?? ''
      const accept = createHash('sha1').update(key + GUID).digest('base64')
      const head = opts.respond ? opts.respond(key) : `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`
      const all = Buffer.concat([Buffer.from(head, 'latin1'), opts.after])
      void (async () => {
        for (let i = 0; i < all.length && !sock.destroyed; i += opts.chunk) {
          sock.write(all.subarray(i, i + opts.chunk))
          // a separate packet for each piece (the client reads one or several of them at a time)
          await new Promise((r) => setImmediate(r))
        }
        if (opts.end && !sock.destroyed) sock.end()
      })()
    })
    sock.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/xrpc/com.atproto.sync.subscribeRepos?cursor=5`,
    received: () => sent,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

interface Run {
  opened: boolean
  messages: Buffer[]
  pongs: number
  closed: Promise<{ code: number; reason: string; error?: Error }>
  socket: FirehoseSocket
}

function connect(url: string, maxPayload?: number): Run {
  let done: (v: { code: number; reason: string; error?: Error }) => void = () => {}
  const run: Run = {
    opened: false,
    messages: [],
    pongs: 0,
    closed: new Promise((r) => (done = r)),
    socket: undefined as unknown as FirehoseSocket,
  }
  run.socket = new FirehoseSocket(
    url,
    {
      onOpen: () => (run.opened = true),
      // the bytes are a view into the read buffer: keep a copy
      onMessage: (d) => run.messages.push(Buffer.from(d)),
      onPong: () => run.pongs++,
      onClose: (info) => done(info),
    },
    maxPayload === undefined ? {} : { maxPayload },
  )
  return run
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const payloads = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(125, 1), Buffer.alloc(126, 2), Buffer.alloc(3000, 3), Buffer.alloc(70_000, 4), Buffer.alloc(300_000, 5)]
  .map((b, i) => (b.length > 0 ? (b.fill(i + 7, 0, 1), b) : b))

describe('FirehoseSocket', () => {
  test.each([1, 2, 3, 7, 64, 4096, 1 << 20])('messages of every length class arrive whole and in order when the stream comes %i bytes at a time', async (chunk) => {
    // byte by byte only up to the 64-bit length class (a 300 kB message is one of ~350k pieces otherwise)
    const sent = chunk < 64 ? payloads.filter((p) => p.length <= 70_000) : payloads
    const after = Buffer.concat([...sent.map((p) => frame(0x2, p)), frame(0x8, Buffer.from([0x03, 0xe8]))])
    const srv = await rawServer({ after, chunk })
    cleanups.push(srv.close)
    const run = connect(srv.url)
    const closed = await run.closed
    expect(run.opened).toBe(true)
    expect(run.messages.map((m) => m.length)).toEqual(sent.map((p) => p.length))
    run.messages.forEach((m, i) => expect(m.equals(sent[i] as Buffer)).toBe(true))
    expect(closed.code).toBe(1000)
    // the close was answered with a (masked) close frame
    expect(clientFrames(srv.received()).map(([op]) => op)).toContain(0x8)
  })

  test('a fragmented message is put together; pings are answered with the same payload; pongs are reported', async () => {
    const after = Buffer.concat([
      frame(0x2, Buffer.from('frag'), false),
      frame(0x9, Buffer.from('are you there')),
      frame(0x0, Buffer.from('mented '), false),
      frame(0x0, Buffer.from('message'), true),
      frame(0xa, Buffer.alloc(0)),
      frame(0x8, Buffer.from([0x03, 0xe8])),
    ])
    const srv = await rawServer({ after, chunk: 5 })
    cleanups.push(srv.close)
    const run = connect(srv.url)
    await run.closed
    expect(run.messages.map((m) => m.toString())).toEqual(['fragmented message'])
    expect(run.pongs).toBe(1)
    const sent = clientFrames(srv.received())
    expect(sent[0]).toEqual([0xa, Buffer.from('are you there')])
  })

  test.each([
    ['a response that is not 101', () => 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', /unexpected server response: 400/],
    ['a wrong Sec-WebSocket-Accept', () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n', /Sec-WebSocket-Accept/],
    ['no Upgrade header', () => 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n', /Upgrade header/],
  ])('%s: never opens, closes with the reason', async (_name, respond, why) => {
    const srv = await rawServer({ respond, after: frame(0x2, Buffer.from('x')), chunk: 1024 })
    cleanups.push(srv.close)
    const run = connect(srv.url)
    const closed = await run.closed
    expect(run.opened).toBe(false)
    expect(run.messages).toEqual([])
    expect(closed.error?.message).toMatch(why)
  })

  test.each([
    ['a masked server frame', Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]), 1002],
    ['RSV bits without an extension', Buffer.from([0xc2, 0x01, 0x41]), 1002],
    ['an unknown opcode', Buffer.from([0x83, 0x00]), 1002],
    ['a control frame longer than 125 bytes', frame(0x9, Buffer.alloc(126)), 1002],
    ['a continuation without a message', frame(0x0, Buffer.from('x')), 1002],
    ['a message over maxPayload', frame(0x2, Buffer.alloc(2000)), 1009],
  ])('%s: the connection is closed with a protocol error, nothing is handed over', async (_name, bad, code) => {
    const srv = await rawServer({ after: Buffer.concat([frame(0x2, Buffer.from('ok')), bad, frame(0x2, Buffer.from('never'))]), chunk: 3 })
    cleanups.push(srv.close)
    const run = connect(srv.url, 1000)
    const closed = await run.closed
    expect(run.messages.map((m) => m.toString())).toEqual(['ok'])
    expect(closed.code).toBe(code)
  })

  test('a server that goes away without a close frame: code 1006', async () => {
    const srv = await rawServer({ after: frame(0x2, Buffer.from('one')), chunk: 1024, end: true })
    cleanups.push(srv.close)
    const run = connect(srv.url)
    const closed = await run.closed
    expect(run.messages.map((m) => m.toString())).toEqual(['one'])
    expect(closed.code).toBe(1006)
  })

  test('an unreachable server: onClose with the connection error', async () => {
    const probe = net.createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
    const port = (probe.address() as net.AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const run = connect(`ws://127.0.0.1:${port}/`)
    const closed = await run.closed
    expect(run.opened).toBe(false)
    expect(closed.error?.message).toMatch(/ECONNREFUSED/)
  })

  test('wss:// (TLS, read into the same reused buffer): messages arrive whole; a certificate that is not trusted is refused', async () => {
    // a self-signed certificate for localhost and 127.0.0.1, valid until 2126 (fixtures/, test only)
    const cert = readFileSync(new URL('./fixtures/test-tls-cert.pem', import.meta.url))
    const key = readFileSync(new URL('./fixtures/test-tls-key.pem', import.meta.url))
    const server = https.createServer({ cert, key })
    const wss = new WebSocketServer({ server })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    cleanups.push(async () => {
      wss.close()
      await new Promise<void>((r) => server.close(() => r()))
    })
    const messages = Array.from({ length: 300 }, (_, i) => Buffer.alloc(50 + i * 97, i % 251))
    wss.on('connection', (ws) => {
      for (const m of messages) ws.send(m)
      ws.close(1000)
    })
    const port = (server.address() as net.AddressInfo).port
    for (const host of ['localhost', '127.0.0.1']) {
      const got: Buffer[] = []
      const closed = await new Promise<{ code: number; error?: Error }>((resolve) => {
        new FirehoseSocket(`wss://${host}:${port}/`, { onOpen: () => {}, onMessage: (d) => got.push(Buffer.from(d)), onClose: resolve }, { ca: cert })
      })
      expect(closed.code).toBe(1000)
      expect(got.length).toBe(messages.length)
      got.forEach((m, i) => expect(m.equals(messages[i] as Buffer)).toBe(true))
    }
    // without the test CA: Node's own roots do not know it
    const refused = await new Promise<{ code: number; error?: Error }>((resolve) => {
      new FirehoseSocket(`wss://localhost:${port}/`, { onOpen: () => resolve({ code: -1 }), onMessage: () => {}, onClose: resolve })
    })
    expect(refused.code).toBe(1006)
    expect(refused.error?.message).toMatch(/self.signed|certificate/i)
  })

  test('against the ws server: binary messages, pause and resume, ping answered by pong, close', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise<void>((r) => wss.once('listening', () => r()))
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())))
    const messages = Array.from({ length: 2000 }, (_, i) => Buffer.alloc(100 + (i % 7) * 1000, i % 251))
    wss.on('connection', (ws) => {
      for (const m of messages) ws.send(m)
      ws.on('message', () => {})
    })
    const url = `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}/`
    const got: Buffer[] = []
    let pong = false
    let paused = false
    let done: () => void = () => {}
    const finished = new Promise<void>((r) => (done = r))
    const s: FirehoseSocket = new FirehoseSocket(url, {
      onOpen: () => s.ping(),
      onPong: () => (pong = true),
      onMessage: (d) => {
        got.push(Buffer.from(d))
        // pause now and then; what arrives meanwhile still comes through, in order
        if (got.length % 500 === 0 && !paused) {
          paused = true
          s.pause()
          setTimeout(() => {
            paused = false
            s.resume()
          }, 20)
        }
        if (got.length === messages.length) s.close()
      },
      onClose: () => done(),
    })
    await finished
    expect(got.length).toBe(messages.length)
    got.forEach((m, i) => expect(m.equals(messages[i] as Buffer)).toBe(true))
    expect(pong).toBe(true)
  })
})
