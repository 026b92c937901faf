import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { fromUint8Array as readCar, writeCarStream } from '@atcute/car'
import { decode, decodeFirst, encode, fromBytes, toBytes, type Bytes } from '@atcute/cbor'
import { fromDigest, toCidLink, toString as cidToString, type CidLink } from '@atcute/cid'
import { WebSocket, WebSocketServer } from 'ws'
import { FLAG_POST_CREATE, FLAG_UTRECHT_TEXT, type Generated } from './firehose.ts'
import { REPO_ROOT, rng } from './lib.ts'

// Building blocks for the benchmarks that replay a generated firehose (scripts/bench/firehose.ts)
// from a separate process:
//  - posts with realistic Dutch and English texts for the labeler (from the classifier's fixtures),
//    some of which earn labels, written into the generated frames (record block, CID and CAR redone);
//  - longer streams than the generated pool: the pool is replayed in rounds, each frame with its new
//    seq and, from the second round on, new record keys (so every round's posts are new posts);
//  - a WebSocket server that replays at full speed or at a steady rate.

// ------------------------------------------------------------------------------------------------
// realistic texts for the labeler

export interface LabelledText {
  text: string
  lang: 'nl' | 'en'
  labels: string[]
}

/**
 * Dutch and English posts from the classifier's fixtures (labeler/classify/fixtures/paraphrases.jsonl)
 * and the train split of the labeler dev set (../shared/labeler-dev-set.jsonl, when present), with
 * the labels people gave them. Never the dev set's test split.
 */
export function loadLabellerTexts(): LabelledText[] {
  const files = [path.join(REPO_ROOT, 'labeler/classify/fixtures/paraphrases.jsonl'), path.resolve(REPO_ROOT, '../shared/labeler-dev-set.jsonl')]
  const out: LabelledText[] = []
  for (const file of files) {
    if (!existsSync(file)) continue
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue
      const row = JSON.parse(line) as { text?: unknown; langs?: unknown; labels?: unknown; split?: unknown }
      if (row.split !== undefined && row.split !== 'train') continue
      if (typeof row.text !== 'string' || !Array.isArray(row.langs) || row.langs.length !== 1) continue
      const lang = String(row.langs[0]).toLowerCase().slice(0, 2)
      if (lang !== 'nl' && lang !== 'en') continue
      out.push({ text: row.text, lang, labels: Array.isArray(row.labels) ? row.labels.map(String) : [] })
    }
  }
  if (out.length === 0) throw new Error('no labeller texts found (labeler/classify/fixtures/paraphrases.jsonl)')
  return out
}

export interface TextMix {
  /** share of all posts that get a text people labelled (e.g. pro-ed, diet-culture); @default 0.02 */
  labelled: number
  /** share of all posts that get an unlabelled Dutch or English text from the fixtures; @default 0.2 */
  unlabelled: number
  seed?: number
}

export interface TextStats {
  posts: number
  labelledTexts: number
  unlabelledTexts: number
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest()

/**
 * Rewrites post records in `gen.frames` in place: a share of the posts get a fixture text (and its
 * language in `langs`), as a new record block with its CID, a new CAR and op CID. Posts that were
 * written to match a bench feed (hashtags, "Utrecht") keep their text.
 */
export async function withLabellerTexts(gen: Generated, mix: TextMix): Promise<TextStats> {
  const texts = loadLabellerTexts()
  const labelled = texts.filter((t) => t.labels.length > 0)
  const unlabelled = texts.filter((t) => t.labels.length === 0)
  const rnd = rng(mix.seed ?? 7)
  const stats: TextStats = { posts: 0, labelledTexts: 0, unlabelledTexts: 0 }
  for (let i = 0; i < gen.frames.length; i++) {
    const flag = gen.flags[i] as number
    if (!(flag & FLAG_POST_CREATE)) continue
    stats.posts++
    const r = rnd()
    const pick = r < mix.labelled ? labelled : r < mix.labelled + mix.unlabelled ? unlabelled : undefined
    if (!pick || flag & FLAG_UTRECHT_TEXT) continue
    const t = pick[Math.floor(rnd() * pick.length)] as LabelledText
    const frame = await rewritePost(gen.frames[i] as Uint8Array, (record) => {
      if (record.facets !== undefined) return false
      record.text = t.text
      record.langs = [t.lang]
      return true
    })
    if (!frame) continue
    gen.frames[i] = frame
    if (pick === labelled) stats.labelledTexts++
    else stats.unlabelledTexts++
  }
  return stats
}

interface CommitBody {
  ops: { action: string; path: string; cid: CidLink | null }[]
  blocks: Bytes
  [k: string]: unknown
}

/** Decodes a one-op #commit frame that creates a post, lets `edit` change the record, re-encodes it. */
async function rewritePost(frame: Uint8Array, edit: (record: Record<string, unknown>) => boolean): Promise<Uint8Array | undefined> {
  const [header, rest] = decodeFirst(frame)
  const body = decode(rest) as CommitBody
  const op = body.ops[0]
  if (!op || op.action !== 'create' || !op.cid || !op.path.startsWith('app.bsky.feed.post/')) return undefined
  const car = readCar(fromBytes(body.blocks))
  const blocks: { cid: Uint8Array; data: Uint8Array }[] = []
  let newCid: CidLink | undefined
  for (const entry of car) {
    if (cidToString(entry.cid) === op.cid.$link) {
      const record = decode(entry.bytes) as Record<string, unknown>
      if (!edit(record)) return undefined
      const data = encode(record)
      const cid = fromDigest(0x71, sha256(data))
      newCid = toCidLink(cid)
      blocks.push({ cid: cid.bytes, data })
    } else {
      blocks.push({ cid: entry.cid.bytes, data: entry.bytes })
    }
  }
  if (!newCid) return undefined
  const chunks: Uint8Array[] = []
  for await (const c of writeCarStream(car.roots, blocks)) chunks.push(c)
  body.blocks = toBytes(Buffer.concat(chunks))
  op.cid = newCid
  return Buffer.concat([encode(header), encode(body)])
}

// ------------------------------------------------------------------------------------------------
// rounds: frame i of a longer stream is pool frame (i mod pool size), with seq i + 1 and, from the
// second round on, its record keys changed (the last character of a TID key), so it is a new record

const S32 = '234567abcdefghijklmnopqrstuvwxyz'
const KEY_SEQ = 'seq'
const KEY_OPS = 'ops'
const KEY_PATH = 'path'

/** Head of a CBOR item at `p`: major type, argument, and where the item's content starts. */
function head(b: Uint8Array, p: number): { major: number; arg: number; next: number } {
  const first = b[p] as number
  const major = first >> 5
  const info = first & 31
  let q = p + 1
  let arg: number
  if (info < 24) arg = info
  else if (info === 24) arg = b[q++] as number
  else if (info === 25) {
    arg = ((b[q] as number) << 8) | (b[q + 1] as number)
    q += 2
  } else if (info === 26) {
    arg = ((b[q] as number) * 2 ** 24) + (((b[q + 1] as number) << 16) | ((b[q + 2] as number) << 8) | (b[q + 3] as number))
    q += 4
  } else if (info === 27) {
    let v = 0
    for (let k = 0; k < 8; k++) v = v * 256 + (b[q + k] as number)
    arg = v
    q += 8
  } else throw new Error(`unsupported CBOR item head 0x${first.toString(16)} at ${p}`)
  return { major, arg, next: q }
}

/** The offset just after the CBOR item at `p`. */
function skip(b: Uint8Array, p: number): number {
  const h = head(b, p)
  switch (h.major) {
    case 2:
    case 3:
      return h.next + h.arg
    case 4: {
      let q = h.next
      for (let i = 0; i < h.arg; i++) q = skip(b, q)
      return q
    }
    case 5: {
      let q = h.next
      for (let i = 0; i < 2 * h.arg; i++) q = skip(b, q)
      return q
    }
    case 6:
      return skip(b, h.next)
    default:
      return h.next
  }
}

function textAt(b: Uint8Array, p: number): string | undefined {
  const h = head(b, p)
  return h.major === 3 ? Buffer.from(b.buffer, b.byteOffset + h.next, h.arg).toString('latin1') : undefined
}

function encodeUint(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(n)
  if (n < 256) return Uint8Array.of(24, n)
  if (n < 65536) return Uint8Array.of(25, n >> 8, n & 255)
  if (n < 2 ** 32) return Uint8Array.of(26, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
  throw new Error('seq too large for the replay')
}

/** A copy of `frame` with body.seq = `seq` and, for `round` > 0, each op's record key shifted by `round`. */
export function patchFrame(frame: Uint8Array, seq: number, round: number): Uint8Array {
  const bodyStart = skip(frame, 0)
  const map = head(frame, bodyStart)
  if (map.major !== 5) throw new Error('frame body is not a map')
  let p = map.next
  let seqStart = -1
  let seqEnd = -1
  const pathEnds: number[] = []
  for (let i = 0; i < map.arg; i++) {
    const key = textAt(frame, p)
    const valueStart = skip(frame, p)
    const valueEnd = skip(frame, valueStart)
    if (key === KEY_SEQ) {
      seqStart = valueStart
      seqEnd = valueEnd
    } else if (key === KEY_OPS && round > 0) {
      const arr = head(frame, valueStart)
      let q = arr.next
      for (let j = 0; j < arr.arg; j++) {
        const op = head(frame, q)
        let r = op.next
        for (let k = 0; k < op.arg; k++) {
          const opKey = textAt(frame, r)
          const v = skip(frame, r)
          const vEnd = skip(frame, v)
          if (opKey === KEY_PATH) {
            const h = head(frame, v)
            const rkeyLen = h.arg - (textAt(frame, v) ?? '').indexOf('/') - 1
            if (rkeyLen === 13) pathEnds.push(vEnd)
          }
          r = vEnd
        }
        q = r
      }
    }
    p = valueEnd
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
    const c = String.fromCharCode(out[at] as number)
    const idx = S32.indexOf(c)
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
      const parts: Uint8Array[] = []
      let size = 0
      while (i < total && i < allowed && size < CHUNK_BYTES) {
        const frame = frameAt(i++)
        const header = wsHeader(frame.length)
        parts.push(header, frame)
        size += header.length + frame.length
        sent++
      }
      if (!socket.write(Buffer.concat(parts, size))) {
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
