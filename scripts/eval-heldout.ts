// Counts the classifier's results on the held-out files, which no rule, cue or model was built on:
// every labeler/classify/fixtures/*-blind*.jsonl (written from LABELS.md by people who never saw the
// rules) and test-data/independent-posts.jsonl. The rules README quotes these figures.
//   npm run eval:heldout                     one row per file: found / gold and false positives per label,
//                                            unlabelled posts that got a label
//   npm run eval:heldout -- --no-model       the rules alone (without the learned layer)
//   npm run eval:heldout -- --model FILE     another model file (a retrained candidate)
//   npm run eval:heldout -- --json           the same as one JSON object
// Counts only: no post text, id or per-post result is ever printed, so looking at the figures does not
// make a file less held out. Do not tune on these files' mistakes; write a new dev file instead.

import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { evaluate, loadDevSet } from '../labeler/classify/evaluate.ts'
import { Classifier, LABEL_VALUES, type LabelValue } from '../labeler/classify/index.ts'

const repoRoot = resolve(import.meta.dirname, '..')
const FIXTURES = resolve(repoRoot, 'labeler/classify/fixtures')
const INDEPENDENT = resolve(repoRoot, 'test-data/independent-posts.jsonl')

export interface HeldOutRow {
  /** the file, relative to the repository */
  file: string
  posts: number
  /** per label with gold posts or false positives: found, gold, false positives */
  labels: Partial<Record<LabelValue, { found: number; gold: number; fp: number }>>
  unlabelled: number
  unlabelledFlagged: number
}

/** The held-out files: every blind fixture (sorted), then the independent posts. */
export function heldOutFiles(): string[] {
  const blind = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl') && f.includes('blind'))
    .sort()
    .map((f) => resolve(FIXTURES, f))
  return [...blind, INDEPENDENT]
}

/** One row of counts per held-out file, and their total. */
export function heldOutReport(classifier: Classifier, files: readonly string[] = heldOutFiles()): { rows: HeldOutRow[]; total: HeldOutRow } {
  const rows = files.map((path): HeldOutRow => {
    const r = evaluate(classifier, loadDevSet(path))
    const labels: HeldOutRow['labels'] = {}
    for (const l of LABEL_VALUES) {
      const m = r.perLabel[l]
      if (m.tp + m.fn + m.fp > 0) labels[l] = { found: m.tp, gold: m.tp + m.fn, fp: m.fp }
    }
    return { file: path.slice(repoRoot.length + 1), posts: r.posts, labels, unlabelled: r.unlabelled, unlabelledFlagged: r.unlabelledFlagged }
  })
  const total: HeldOutRow = { file: 'total', posts: 0, labels: {}, unlabelled: 0, unlabelledFlagged: 0 }
  for (const row of rows) {
    total.posts += row.posts
    total.unlabelled += row.unlabelled
    total.unlabelledFlagged += row.unlabelledFlagged
    for (const [l, c] of Object.entries(row.labels) as [LabelValue, { found: number; gold: number; fp: number }][]) {
      const t = (total.labels[l] ??= { found: 0, gold: 0, fp: 0 })
      t.found += c.found
      t.gold += c.gold
      t.fp += c.fp
    }
  }
  return { rows, total }
}

const SHORT: Record<LabelValue, string> = {
  'pro-ed': 'pro-ed',
  'diet-culture': 'diet',
  'body-comparison': 'body',
  'lifestyle-flex': 'flex',
  'outrage-bait': 'outrage',
  'self-harm': 'self-harm',
}

/** A row as text: "pro-ed 24/32 fp 1  diet 28/32 fp 5 … unlabelled flagged 6/94". */
export function formatRow(row: HeldOutRow): string {
  const cells = LABEL_VALUES.flatMap((l) => {
    const c = row.labels[l]
    return c === undefined ? [] : [`${SHORT[l]} ${c.found}/${c.gold}${c.fp > 0 ? ` fp ${c.fp}` : ''}`]
  })
  return `${row.file.replace(/^labeler\/classify\/fixtures\//, '').padEnd(36)} ${String(row.posts).padStart(4)} posts  ${cells.join('  ')}  unlabelled flagged ${row.unlabelledFlagged}/${row.unlabelled}`
}

if (import.meta.main) {
  let values: { model?: string; 'no-model'?: boolean; json?: boolean }
  try {
    values = parseArgs({ options: { model: { type: 'string' }, 'no-model': { type: 'boolean' }, json: { type: 'boolean' } } }).values
  } catch (err) {
    process.stderr.write(`eval:heldout: ${(err as Error).message} (options: --model FILE, --no-model, --json)\n`)
    process.exit(2)
  }
  if (values.model !== undefined && values['no-model'] === true) {
    process.stderr.write('eval:heldout: give --model FILE or --no-model, not both\n')
    process.exit(2)
  }
  const classifier = Classifier.load(undefined, values['no-model'] === true ? { model: false } : values.model !== undefined ? { model: resolve(values.model) } : {})
  if (values.model !== undefined && !classifier.hasModel) {
    process.stderr.write(`eval:heldout: no model file at ${resolve(values.model)}\n`)
    process.exit(2)
  }
  const report = heldOutReport(classifier)
  if (values.json === true) process.stdout.write(`${JSON.stringify(report)}\n`)
  else {
    process.stdout.write(`held-out files (counts only; found/gold per label, fp = false positives); rules ${classifier.rulesVersion}${classifier.hasModel ? '' : ', no learned layer'}\n`)
    for (const row of [...report.rows, report.total]) process.stdout.write(`${formatRow(row)}\n`)
  }
}
