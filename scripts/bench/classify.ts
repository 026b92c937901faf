// The labeler's classifier alone, on the same post mix as `npm run bench:labeler` (the generated
// firehose's posts, 2% with a text people labelled, 20% with an unlabelled nl/en fixture text, the rest
// generated word salad in en/ja/pt/nl/de/es), in this one process: no firehose, no signing, no SQLite.
//
//   node scripts/bench/classify.ts [--events 60000] [--seed 1] [--seconds 5]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/classify.ts     profile it
//   node scripts/bench/classify.ts --decisions before.jsonl               also write every decision
//   node scripts/bench/classify.ts --decisions after.jsonl --compare before.jsonl
//   node scripts/bench/classify.ts --save-posts posts.json                 the bench mix's posts as JSON
//   node scripts/bench/classify.ts --posts posts.json                      reuse them (no generating)
//
// --decisions classifies the bench mix, every fixture file under labeler/classify/fixtures/ and the dev
// set's train split, and writes one line per post (its key and the classifier's whole result: labels,
// scores, reasons, suppressed, review, lang). The dev set's test split is classified too, but only a
// sha256 over its results is written (no test text, id or result). --compare checks the new file
// against an earlier one byte for byte and exits 1 on any difference (a speed change must not change a
// decision). The last stdout line is JSON: {"us_per_post", "posts_per_s", "posts"}.

import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fromUint8Array as readCar } from '@atcute/car'
import { decode, decodeFirst, fromBytes } from '@atcute/cbor'
import { toString as cidToString, type CidLink } from '@atcute/cid'
import { Classifier, type ClassifyInput } from '../../labeler/classify/index.ts'
import { altTexts, tagFacets } from '../../labeler/labels/auto-labeler.ts'
import { FLAG_POST_CREATE, generateFirehose } from './firehose.ts'
import { fmt, posInt, REPO_ROOT, round } from './lib.ts'
import { withLabellerTexts } from './replay-frames.ts'

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '60000' },
    seed: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    decisions: { type: 'string' },
    compare: { type: 'string' },
    'save-posts': { type: 'string' },
    posts: { type: 'string' },
  },
})
const EVENTS = posInt('events', args.events)
const SECONDS = posInt('seconds', args.seconds)

/** The posts of a generated firehose with the labeller texts, as the labeler reads them. */
async function benchPosts(events: number, seed: number): Promise<ClassifyInput[]> {
  const gen = await generateFirehose({ events, seed })
  await withLabellerTexts(gen, { labelled: 0.02, unlabelled: 0.2 })
  const out: ClassifyInput[] = []
  for (let i = 0; i < gen.frames.length; i++) {
    if (!((gen.flags[i] as number) & FLAG_POST_CREATE)) continue
    const [, rest] = decodeFirst(gen.frames[i] as Uint8Array)
    const body = decode(rest) as { ops: { cid: CidLink | null }[]; blocks: { $bytes: string } }
    const want = body.ops[0]?.cid?.$link
    for (const entry of readCar(fromBytes(body.blocks as never))) {
      if (cidToString(entry.cid) !== want) continue
      const record = decode(entry.bytes) as Record<string, unknown>
      const langs = Array.isArray(record.langs) ? record.langs.filter((l): l is string => typeof l === 'string') : undefined
      out.push({ text: typeof record.text === 'string' ? record.text : '', langs, alt: altTexts(record.embed), tags: tagFacets(record) })
    }
  }
  return out
}

let posts: ClassifyInput[]
if (args.posts !== undefined) posts = JSON.parse(readFileSync(args.posts, 'utf8')) as ClassifyInput[]
else {
  console.log(`generating ${fmt(EVENTS)} firehose events with labeller texts …`)
  posts = await benchPosts(EVENTS, posInt('seed', args.seed))
}
if (args['save-posts'] !== undefined) writeFileSync(args['save-posts'], JSON.stringify(posts))
const t0 = performance.now()
const classifier = Classifier.load()
console.log(`${fmt(posts.length)} posts; classifier loaded in ${fmt(performance.now() - t0)} ms (rules ${classifier.rulesVersion})`)

// warm-up: one pass (JIT, caches), then rounds for at least SECONDS
for (const p of posts) classifier.classify(p)
let n = 0
const cpu0 = process.cpuUsage()
const start = performance.now()
let elapsed = 0
while (elapsed < SECONDS) {
  for (const p of posts) classifier.classify(p)
  n += posts.length
  elapsed = (performance.now() - start) / 1000
}
const cpu = process.cpuUsage(cpu0)
const usPerPost = (elapsed * 1e6) / n
console.log(`classified ${fmt(n)} posts in ${fmt(elapsed, 2)} s: ${fmt(usPerPost, 1)} µs/post wall, ${fmt((cpu.user + cpu.system) / n, 1)} µs/post CPU (all threads, GC included), ${fmt(n / elapsed)} posts/s`)

if (args.decisions !== undefined) {
  const lines: string[] = []
  const add = (key: string, input: ClassifyInput) => lines.push(JSON.stringify({ key, result: classifier.classify(input) }))
  posts.forEach((p, i) => add(`bench:${i}`, p))
  // held-out sets (the dev set's test split, the blind paraphrases, test-data/): only a hash over their
  // results, never a text, an id or a result
  const heldOut: { key: string; posts: number; sha256: string }[] = []
  const hashOf = (key: string, inputs: ClassifyInput[]) => {
    const h = createHash('sha256')
    for (const input of inputs) h.update(`${JSON.stringify(classifier.classify(input))}\n`)
    heldOut.push({ key, posts: inputs.length, sha256: h.digest('hex') })
  }
  const readJsonl = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { id?: string; text?: string; langs?: string[]; alt?: string[]; tags?: string[]; split?: string })
  const toInput = (row: ReturnType<typeof readJsonl>[number]): ClassifyInput => ({ text: row.text ?? '', langs: row.langs, alt: row.alt, tags: row.tags })
  const fixtures = path.join(REPO_ROOT, 'labeler/classify/fixtures')
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.jsonl')).sort()) {
    const rows = readJsonl(path.join(fixtures, name))
    if (name.includes('blind')) hashOf(name, rows.map(toInput))
    else rows.forEach((row, i) => add(`${name}:${i}`, toInput(row)))
  }
  const devSet = path.resolve(REPO_ROOT, '../shared/labeler-dev-set.jsonl')
  if (existsSync(devSet)) {
    const rows = readJsonl(devSet)
    for (const row of rows) if (row.split === 'train') add(`train:${row.id}`, toInput(row))
    hashOf('test-split', rows.filter((r) => r.split !== 'train').map(toInput))
  }
  const testData = path.join(REPO_ROOT, 'test-data')
  if (existsSync(testData)) {
    for (const name of readdirSync(testData).filter((f) => f.endsWith('.jsonl')).sort()) hashOf(`test-data/${name}`, readJsonl(path.join(testData, name)).map(toInput))
  }
  for (const h of heldOut) lines.push(JSON.stringify(h))
  writeFileSync(args.decisions, `${lines.join('\n')}\n`)
  console.log(`decisions on ${fmt(lines.length - heldOut.length)} posts (+ a hash over the results of each held-out set: ${heldOut.map((h) => `${h.key} ${h.posts}`).join(', ')}) written to ${args.decisions}`)
  if (args.compare !== undefined) {
    const before = readFileSync(args.compare, 'utf8').split('\n')
    const after = readFileSync(args.decisions, 'utf8').split('\n')
    let diffs = 0
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (before[i] === after[i]) continue
      diffs++
      // the key only (a held-out set's line is its name and hash)
      const key = (JSON.parse(after[i] || before[i] || '{}') as { key?: string }).key
      if (diffs <= 10) console.log(`  DIFFERENT: line ${i + 1}: ${key}`)
    }
    console.log(diffs === 0 ? `same decisions as ${args.compare} on every post, byte for byte` : `${diffs} lines differ from ${args.compare}`)
    if (diffs > 0) process.exitCode = 1
  }
}
console.log(JSON.stringify({ us_per_post: round(usPerPost), posts_per_s: Math.round(n / elapsed), posts: posts.length }))
