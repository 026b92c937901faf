// Scores the classifier on a held-out fixture file (default: fixtures/paraphrases.jsonl, posts written
// independently of the dev set to check that the rules generalise) and, for reference, the dev set's
// TRAIN split. Never the test split.
//   node labeler/classify/eval-fixtures.ts [--mistakes] [path.jsonl]

import { resolve } from 'node:path'
import { evaluate, loadDevSet, type DevPost, type Report } from './evaluate.ts'
import { Classifier, LABEL_VALUES } from './index.ts'

const here = import.meta.dirname
const args = process.argv.slice(2)
const showMistakes = args.includes('--mistakes')
const fixturePath = args.find((a) => !a.startsWith('--')) ?? resolve(here, 'fixtures/paraphrases.jsonl')
const devSetPath = resolve(here, '../../../shared/labeler-dev-set.jsonl')

const out = (line = '') => process.stdout.write(`${line}\n`)
const num = (x: number) => x.toFixed(2)

function table(title: string, r: Report): void {
  out(`${title}: ${r.posts} posts`)
  out(`  ${'label'.padEnd(16)} ${'P'.padStart(5)} ${'R'.padStart(5)}   tp  fp  fn`)
  for (const l of LABEL_VALUES) {
    const m = r.perLabel[l]
    out(`  ${l.padEnd(16)} ${num(m.precision).padStart(5)} ${num(m.recall).padStart(5)}  ${String(m.tp).padStart(3)} ${String(m.fp).padStart(3)} ${String(m.fn).padStart(3)}`)
  }
  out(`  unlabelled posts that got a label: ${r.unlabelledFlagged}/${r.unlabelled}`)
}

function mistakes(r: Report, posts: DevPost[]): void {
  const byId = new Map(posts.map((p) => [p.id, p]))
  for (const m of r.mistakes) {
    const p = byId.get(m.id) as DevPost
    out(`  ${m.kind.toUpperCase()} ${m.label} ${m.id} [${m.reasons.join(', ')}] ${p.text.replace(/\s+/g, ' ')}`)
  }
}

const classifier = Classifier.load()
const fixture = loadDevSet(fixturePath)
const train = loadDevSet(devSetPath).filter((p) => p.split === 'train')
const fr = evaluate(classifier, fixture)
const tr = evaluate(classifier, train)
table(`FIXTURE ${fixturePath}`, fr)
table('TRAIN split', tr)
if (showMistakes) {
  out()
  out('FIXTURE mistakes:')
  mistakes(fr, fixture)
  out('TRAIN mistakes:')
  mistakes(tr, train)
}
