// Frame-decoding candidates on the same generated firehose (`npm run bench:decode`): how many
// subscribeRepos frames per second each way of decoding handles on one core, with the same filter
// (only app.bsky.feed.post, app.bsky.feed.repost and app.bsky.graph.listitem records are decoded).
//
//   node scripts/bench/decode.ts [--events 50000] [--rounds 3]
//
// - @atproto: Frame.fromBytes (@atproto/xrpc-server), readCar + cborToLexRecord (@atproto/repo), as
//   @atproto/sync does it (CID checks of the CAR skipped, to compare decoding only)
// - @atcute full: @atcute/cbor decodes header and body, @atcute/car walks the CAR when an op is wanted
// - Plein: shared/firehose/decode.ts (scans #commit bodies without building values; full @atcute
//   decode only for commits with a wanted op)
// The last stdout line is JSON with frames/s per candidate.

import { parseArgs } from 'node:util'
import { fromUint8Array as atcuteReadCar } from '@atcute/car'
import { decode as atcuteDecode, decodeFirst as atcuteDecodeFirst } from '@atcute/cbor'
import { cborToLexRecord, readCar } from '@atproto/repo'
import { Frame } from '@atproto/xrpc-server'
import { decodeFrame } from '../../shared/firehose/decode.ts'
import { generateFirehose } from './firehose.ts'

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '3' } },
})
const EVENTS = Number(args.events)
const ROUNDS = Number(args.rounds)
const WANTED = new Set(['app.bsky.feed.post', 'app.bsky.feed.repost', 'app.bsky.graph.listitem'])

function collectionOf(path: string): string {
  return path.slice(0, path.indexOf('/'))
}

async function atprotoDecode(frame: Uint8Array): Promise<number> {
  const f = Frame.fromBytes(frame)
  if (!f.isMessage() || f.type !== '#commit') return 0
  const body = f.body as { ops: { action: string; path: string; cid: unknown }[]; blocks: Uint8Array }
  const ops = body.ops.filter((op) => WANTED.has(collectionOf(op.path)))
  if (ops.length === 0) return 0
  const car = await readCar(body.blocks, { skipCidVerification: true })
  let n = 0
  for (const op of ops) {
    if (op.action === 'delete' || !op.cid) continue
    const bytes = car.blocks.get(op.cid as Parameters<typeof car.blocks.get>[0])
    if (bytes) {
      cborToLexRecord(bytes)
      n++
    }
  }
  return n
}

function atcuteFullDecode(frame: Uint8Array): number {
  const [header, rest] = atcuteDecodeFirst(frame)
  const body = atcuteDecode(rest)
  if (header.t !== '#commit') return 0
  const ops = (body.ops as { action: string; path: string; cid: { bytes: Uint8Array } | null }[]).filter((op) => WANTED.has(collectionOf(op.path)))
  if (ops.length === 0) return 0
  let n = 0
  for (const entry of atcuteReadCar(body.blocks.buf)) {
    for (const op of ops) {
      if (op.cid && Buffer.compare(op.cid.bytes, entry.cid.bytes) === 0) {
        atcuteDecode(entry.bytes)
        n++
      }
    }
  }
  return n
}

function pleinDecode(frame: Uint8Array): number {
  const evt = decodeFrame(frame, WANTED)
  return evt?.type === 'commit' ? evt.ops.filter((o) => o.record).length : 0
}

console.log(`generating ${EVENTS.toLocaleString('en')} frames …`)
const { frames } = await generateFirehose({ events: EVENTS })

const candidates: [string, (f: Uint8Array) => number | Promise<number>][] = [
  ['@atproto', atprotoDecode],
  ['@atcute full', atcuteFullDecode],
  ['plein', pleinDecode],
]
const results: Record<string, number> = {}
let records: number | undefined
for (const [name, fn] of candidates) {
  let best = Infinity
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0
    const t0 = performance.now()
    for (const f of frames) {
      const v = fn(f)
      n += typeof v === 'number' ? v : await v
    }
    best = Math.min(best, performance.now() - t0)
    if (records === undefined) records = n
    else if (n !== records) throw new Error(`${name} decoded ${n} records, expected ${records}`)
  }
  results[name] = Math.round((frames.length / best) * 1000)
  console.log(`${name.padEnd(14)} ${results[name]!.toLocaleString('en').padStart(10)} frames/s  ${((best * 1000) / frames.length).toFixed(2)} µs/frame  (best of ${ROUNDS})`)
}
console.log(`records decoded per run: ${records}`)
console.log(JSON.stringify({ frames: frames.length, atproto_frames_per_s: results['@atproto'], atcute_full_frames_per_s: results['@atcute full'], plein_frames_per_s: results.plein }))
