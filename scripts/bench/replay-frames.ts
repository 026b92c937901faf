import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fromUint8Array as readCar, writeCarStream } from '@atcute/car'
import { decode, decodeFirst, encode, fromBytes, toBytes, type Bytes } from '@atcute/cbor'
import { fromDigest, toCidLink, toString as cidToString, type CidLink } from '@atcute/cid'
import { FLAG_POST_CREATE, FLAG_UTRECHT_TEXT, type Generated } from './firehose.ts'
import { REPO_ROOT, rng } from './lib.ts'

// Building blocks for the benchmarks that replay a generated firehose (scripts/bench/firehose.ts)
// from a separate process:
//  - posts with realistic Dutch and English texts for the labeler (from the classifier's fixtures),
//    some of which earn labels, written into the generated frames (record block, CID and CAR redone);
//  - longer streams than the generated pool: the pool is replayed in rounds, each frame with its new
//    seq and, from the second round on, new record keys (so every round's posts are new posts);
//  (the server that replays them, in rounds and at a steady rate, is replay-server.ts)

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
