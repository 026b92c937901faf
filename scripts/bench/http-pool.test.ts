// The feed-read load generator's HTTP client (scripts/bench/http-pool.ts) against node:http servers on
// loopback: answers reach the right request, in pieces or whole, and a broken connection or response is
// an error of that request, never a crash or a hang.

import { createServer, type Server } from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { HttpPool } from './http-pool.ts'

const servers: (Server | net.Server)[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

async function listen(s: Server | net.Server): Promise<URL> {
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)
}

describe('HttpPool', () => {
  it('answers every request with its own body over fewer connections than requests, headers sent', async () => {
    const seen = new Set<string>()
    const url = await listen(
      createServer((req, res) => {
        seen.add(`${req.socket.remotePort}`)
        const body = JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null, pad: 'x'.repeat(Number(new URL(req.url ?? '/', 'http://h').searchParams.get('n'))) })
        res.writeHead(req.url?.includes('missing') ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        // head and body in separate writes, a big body in several
        res.write(body.slice(0, 3))
        setImmediate(() => res.end(body.slice(3)))
      }),
    )
    const pool = new HttpPool(url, 3)
    await pool.open()
    const sizes = [0, 1, 10, 1_000, 200_000, 5, 70_000, 3, 2, 1]
    const answers = await Promise.all(sizes.map((n, i) => pool.get(`/q?i=${i}&n=${n}`, i % 2 ? { authorization: `Bearer t${i}` } : undefined)))
    answers.forEach((a, i) => {
      expect(a.status).toBe(200)
      const body = JSON.parse(a.body.toString('utf8'))
      expect(body.path).toBe(`/q?i=${i}&n=${sizes[i]}`)
      expect(body.auth).toBe(i % 2 ? `Bearer t${i}` : null)
      expect(body.pad.length).toBe(sizes[i])
    })
    expect(seen.size).toBe(3)
    expect((await pool.get('/missing?n=0')).status).toBe(404)
    pool.destroy()
  })

  it('a connection the server closes is an error of that request only; the next request reconnects', async () => {
    let n = 0
    const url = await listen(
      createServer((req, res) => {
        if (++n === 2) return void req.socket.destroy()
        res.writeHead(200, { 'content-length': 2 })
        res.end('ok')
      }),
    )
    const pool = new HttpPool(url, 1)
    await pool.open()
    expect((await pool.get('/a')).body.toString()).toBe('ok')
    await expect(pool.get('/b')).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect((await pool.get('/c')).body.toString()).toBe('ok')
    pool.destroy()
  })

  it('a response without Content-Length, or with more bytes than it says, is an error', async () => {
    const url = await listen(
      net.createServer((sock) => {
        sock.once('data', (d) => {
          if (d.toString().startsWith('GET /chunked')) sock.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')
          else sock.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA')
        })
      }),
    )
    const pool = new HttpPool(url, 1)
    await expect(pool.get('/chunked')).rejects.toThrow(/bad response head/)
    await expect(pool.get('/long')).rejects.toThrow(/more bytes than Content-Length/)
    pool.destroy()
  })
})
