// Trains the classifier's learned layer (labeler/classify/model.ts) and writes
// labeler/classify/model/labeler-model.json.
//   npm run train:labeler              train and write the model file
//   npm run train:labeler -- --check   train and compare with the committed file (exit 1 when different)
//   npm run train:labeler -- --cv      also print the cross-validation figures per label
//
// Training data, and nothing else: the dev set's TRAIN split (../shared/labeler-dev-set.jsonl) and the
// hand-written fixtures labeler/classify/fixtures/{paraphrases,generalise,model-train}.jsonl. Never the
// dev set's test split, fixtures/*-blind*, or test-data/ (held out for reporting).
//
// Model: one L2-regularised logistic regression per label over binary features (model.ts:
// extractFeatures), each post's vector L2-normalised; full-batch Adam with a fixed number of steps
// from zero weights, so the output is the same on every run. Features seen in fewer than
// two training posts are dropped. The regularisation strength and each label's threshold are chosen
// by 5-fold cross-validation on the training data (folds by a hash of the post id): the threshold is
// the lowest probability from which the out-of-fold predictions keep a precision of PRECISION_GOAL.

import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Classifier } from '../labeler/classify/index.ts'
import { extractFeatures, LabelModel, MODEL_PATH, type ModelFile } from '../labeler/classify/model.ts'
import { normalise } from '../labeler/classify/normalize.ts'
import { LABEL_VALUES, type LabelValue } from '../labeler/classify/rules.ts'

const repoRoot = resolve(import.meta.dirname, '..')
const SOURCES = [
  { path: resolve(repoRoot, '../shared/labeler-dev-set.jsonl'), split: 'train' },
  { path: resolve(repoRoot, 'labeler/classify/fixtures/paraphrases.jsonl') },
  { path: resolve(repoRoot, 'labeler/classify/fixtures/generalise.jsonl') },
  { path: resolve(repoRoot, 'labeler/classify/fixtures/model-train.jsonl') },
] as const

const FOLDS = 5
const STEPS = 300
const LEARNING_RATE = 0.05
const BETA1 = 0.9
const BETA2 = 0.999
const LAMBDAS = [0.00001, 0.00003, 0.0001]
const PRECISION_GOAL = 0.9
const MIN_THRESHOLD = 0.6
const MAX_POS_WEIGHT = 3
const MIN_DF = 2
const KEEP = 1e-3

interface Post {
  id: string
  text: string
  alt: string[]
  labels: LabelValue[]
}

interface Example {
  id: string
  fold: number
  features: string[]
  y: boolean[]
}

export function loadTrainingPosts(): Post[] {
  const posts: Post[] = []
  for (const src of SOURCES) {
    const text = readFileSync(src.path, 'utf8')
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      const p = JSON.parse(line) as Post & { split?: string }
      if ('split' in src && p.split !== src.split) continue
      if (/blind/.test(src.path) || p.split === 'test') throw new Error(`refusing held-out data: ${src.path}`)
      posts.push({ id: p.id, text: p.text, alt: p.alt ?? [], labels: p.labels })
    }
  }
  return posts
}

const foldOf = (id: string) => (createHash('sha256').update(id).digest()[0] as number) % FOLDS

function toExamples(posts: Post[]): Example[] {
  return posts.map((p) => ({
    id: p.id,
    fold: foldOf(p.id),
    // features are taken from the normalised text WITHOUT the rules' vocabulary, so the model does not
    // change when a rule file does (hashtags split on camelCase only)
    features: extractFeatures(normalise({ text: p.text, alt: p.alt })).map((f) => f.key),
    y: LABEL_VALUES.map((l) => p.labels.includes(l)),
  }))
}

interface Trained {
  vocab: string[]
  bias: number[]
  /** [feature][label] */
  weights: Float64Array[]
}

/** Rows as feature indexes into vocab (unknown features dropped), with the 1/√n value of each. */
function rows(examples: readonly Example[], index: Map<string, number>): { idx: Int32Array; val: number }[] {
  return examples.map((e) => {
    const idx = Int32Array.from(e.features.map((f) => index.get(f) ?? -1).filter((i) => i >= 0))
    return { idx, val: e.features.length === 0 ? 0 : 1 / Math.sqrt(e.features.length) }
  })
}

function train(examples: readonly Example[], lambda: number): Trained {
  const df = new Map<string, number>()
  for (const e of examples) for (const f of e.features) df.set(f, (df.get(f) ?? 0) + 1)
  const vocab = [...df].filter(([, n]) => n >= MIN_DF).map(([f]) => f).sort()
  const index = new Map(vocab.map((f, i) => [f, i]))
  const X = rows(examples, index)
  const n = examples.length
  const L = LABEL_VALUES.length
  const bias: number[] = []
  const weights = vocab.map(() => new Float64Array(L))
  for (let l = 0; l < L; l++) {
    const pos = examples.filter((e) => e.y[l]).length
    const posWeight = Math.min(MAX_POS_WEIGHT, (n - pos) / Math.max(1, pos))
    const w = new Float64Array(vocab.length)
    let b = 0
    const grad = new Float64Array(vocab.length)
    // Adam moments (full batch, so still deterministic)
    const m1 = new Float64Array(vocab.length)
    const m2 = new Float64Array(vocab.length)
    let mb1 = 0
    let mb2 = 0
    for (let step = 1; step <= STEPS; step++) {
      grad.fill(0)
      let gb = 0
      let totalWeight = 0
      for (let i = 0; i < n; i++) {
        const r = X[i] as { idx: Int32Array; val: number }
        let z = b
        for (const j of r.idx) z += (w[j] as number) * r.val
        const p = 1 / (1 + Math.exp(-z))
        const yi = (examples[i] as Example).y[l] === true
        const sw = yi ? posWeight : 1
        totalWeight += sw
        const g = sw * (p - (yi ? 1 : 0))
        gb += g
        for (const j of r.idx) grad[j] = (grad[j] as number) + g * r.val
      }
      const c1 = 1 - BETA1 ** step
      const c2 = 1 - BETA2 ** step
      for (let j = 0; j < w.length; j++) {
        const g = (grad[j] as number) / totalWeight + lambda * (w[j] as number)
        m1[j] = BETA1 * (m1[j] as number) + (1 - BETA1) * g
        m2[j] = BETA2 * (m2[j] as number) + (1 - BETA2) * g * g
        w[j] = (w[j] as number) - (LEARNING_RATE * ((m1[j] as number) / c1)) / (Math.sqrt((m2[j] as number) / c2) + 1e-8)
      }
      const g = gb / totalWeight
      mb1 = BETA1 * mb1 + (1 - BETA1) * g
      mb2 = BETA2 * mb2 + (1 - BETA2) * g * g
      b -= (LEARNING_RATE * (mb1 / c1)) / (Math.sqrt(mb2 / c2) + 1e-8)
    }
    bias.push(b)
    for (let j = 0; j < vocab.length; j++) (weights[j] as Float64Array)[l] = w[j] as number
  }
  return { vocab, bias, weights }
}

function predict(model: Trained, examples: readonly Example[]): number[][] {
  const index = new Map(model.vocab.map((f, i) => [f, i]))
  return examples.map((e) => {
    const z = [...model.bias]
    const val = e.features.length === 0 ? 0 : 1 / Math.sqrt(e.features.length)
    for (const f of e.features) {
      const j = index.get(f)
      if (j === undefined) continue
      const w = model.weights[j] as Float64Array
      for (let l = 0; l < z.length; l++) z[l] = (z[l] as number) + (w[l] as number) * val
    }
    return z.map((v) => 1 / (1 + Math.exp(-v)))
  })
}

/** Out-of-fold probabilities for every example. */
function crossValidate(examples: readonly Example[], lambda: number): number[][] {
  const out: number[][] = new Array(examples.length)
  for (let k = 0; k < FOLDS; k++) {
    const trainSet = examples.filter((e) => e.fold !== k)
    const held = examples.map((e, i) => ({ e, i })).filter(({ e }) => e.fold === k)
    const probs = predict(train(trainSet, lambda), held.map((h) => h.e))
    held.forEach((h, j) => {
      out[h.i] = probs[j] as number[]
    })
  }
  return out
}

function logLoss(examples: readonly Example[], probs: number[][]): number {
  let s = 0
  examples.forEach((e, i) => {
    e.y.forEach((y, l) => {
      const p = Math.min(1 - 1e-9, Math.max(1e-9, (probs[i] as number[])[l] as number))
      s -= y ? Math.log(p) : Math.log(1 - p)
    })
  })
  return s / examples.length
}

interface Choice {
  threshold: number
  precision: number
  recall: number
}

/** The lowest threshold (on a 0.05 grid from MIN_THRESHOLD) from which the out-of-fold precision stays
 *  at or above the goal for every higher threshold (small counts make precision jump; this is the
 *  stable choice). */
function chooseThreshold(examples: readonly Example[], probs: number[][], l: number): Choice {
  const grid: number[] = []
  for (let t = MIN_THRESHOLD; t < 0.99; t = Math.round((t + 0.05) * 100) / 100) grid.push(t)
  let choice: Choice = { threshold: 0.99, precision: 1, recall: 0 }
  for (const t of grid.reverse()) {
    let tp = 0
    let fp = 0
    let fn = 0
    examples.forEach((e, i) => {
      const hit = ((probs[i] as number[])[l] as number) >= t
      if (hit && e.y[l]) tp++
      else if (hit) fp++
      else if (e.y[l]) fn++
    })
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
    if (precision < PRECISION_GOAL) break
    if (tp > 0) choice = { threshold: t, precision, recall: tp / (tp + fn) }
  }
  return choice
}

const round = (x: number, d: number) => {
  const f = 10 ** d
  const r = Math.round(x * f) / f
  return Object.is(r, -0) ? 0 : r
}

function compact(model: Trained): Record<string, number[]> {
  const weights: Record<string, number[]> = {}
  model.vocab.forEach((f, j) => {
    const w = Array.from(model.weights[j] as Float64Array, (x) => round(x, 3))
    if (w.some((x) => Math.abs(x) >= KEEP)) weights[f] = w
  })
  return weights
}

/**
 * Diagnostic (--cv): the whole classifier (rules + gated model) out of fold. For each fold, a model
 * trained on the other folds with every threshold at 0 is put behind the rules; a held-out post then
 * gets a label from the rules, or from the model with its probability (only where the gate lets it
 * ask). Prints precision and recall of the combination per label for a range of thresholds, and how
 * many unlabelled posts the model alone would flag.
 */
function gatedDiagnostic(posts: Post[], examples: Example[], lambda: number, thresholds: number[], log: (l: string) => void): void {
  const rulesOnly = Classifier.load(undefined, { model: false })
  const given: { rules: Set<string>; model: Map<string, number> }[] = new Array(posts.length)
  for (let k = 0; k < FOLDS; k++) {
    const t = train(examples.filter((e) => e.fold !== k), lambda)
    const file: ModelFile = { format: 1, training: {}, labels: [...LABEL_VALUES], bias: t.bias, thresholds: LABEL_VALUES.map(() => 0), weights: compact(t) }
    const withModel = Classifier.load(undefined, { model: new LabelModel(file) })
    posts.forEach((p, i) => {
      if ((examples[i] as Example).fold !== k) return
      const rules = new Set(rulesOnly.classify(p).labels.map((d) => d.val))
      const model = new Map<string, number>()
      for (const d of withModel.classify(p).labels) if (d.reasons[0] === `model:${d.val}`) model.set(d.val, d.score)
      given[i] = { rules, model }
    })
  }
  log('  gated out-of-fold (rules, or rules + model at the threshold):')
  LABEL_VALUES.forEach((l, li) => {
    const cells: string[] = []
    for (const tau of [1.01, 0.5, 0.6, 0.7, 0.8, 0.9, thresholds[li] as number]) {
      let tp = 0
      let fp = 0
      let fn = 0
      let flagged = 0
      posts.forEach((p, i) => {
        const g = given[i] as { rules: Set<string>; model: Map<string, number> }
        const hit = g.rules.has(l) || (g.model.get(l) ?? 0) >= tau
        const want = p.labels.includes(l)
        if (hit && want) tp++
        else if (hit) fp++
        else if (want) fn++
        if (!g.rules.has(l) && (g.model.get(l) ?? 0) >= tau && p.labels.length === 0) flagged++
      })
      cells.push(`${tau > 1 ? 'rules' : tau.toFixed(2)} P${(tp / Math.max(1, tp + fp)).toFixed(2)} R${(tp / Math.max(1, tp + fn)).toFixed(2)} u${flagged}`)
    }
    log(`    ${l.padEnd(16)} ${cells.join('  ')}`)
  })
}

export function buildModel(log: (line: string) => void = () => {}, diagnostic = false): ModelFile {
  const posts = loadTrainingPosts()
  const examples = toExamples(posts)
  let best = { lambda: LAMBDAS[0] as number, loss: Infinity, probs: [] as number[][] }
  for (const lambda of LAMBDAS) {
    const probs = crossValidate(examples, lambda)
    const loss = logLoss(examples, probs)
    log(`  lambda ${lambda}: out-of-fold log loss ${loss.toFixed(4)}`)
    if (loss < best.loss) best = { lambda, loss, probs }
  }
  const choices = LABEL_VALUES.map((_l, i) => chooseThreshold(examples, best.probs, i))
  LABEL_VALUES.forEach((l, i) => {
    const c = choices[i] as Choice
    log(`  ${l.padEnd(16)} threshold ${c.threshold.toFixed(2)}  out-of-fold P ${c.precision.toFixed(2)} R ${c.recall.toFixed(2)}`)
  })
  if (diagnostic) gatedDiagnostic(posts, examples, best.lambda, choices.map((c) => c.threshold), log)
  const model = train(examples, best.lambda)
  const weights = compact(model)
  const counts: Record<string, number> = {}
  for (const l of LABEL_VALUES) counts[l] = posts.filter((p) => p.labels.includes(l)).length
  return {
    format: 1,
    training: {
      script: 'scripts/train-labeler.ts',
      sources: ['labeler-dev-set.jsonl (train split)', 'fixtures/paraphrases.jsonl', 'fixtures/generalise.jsonl', 'fixtures/model-train.jsonl'],
      posts: posts.length,
      unlabelled: posts.filter((p) => p.labels.length === 0).length,
      positives: counts,
      features: Object.keys(weights).length,
      lambda: best.lambda,
      steps: STEPS,
      folds: FOLDS,
      precisionGoal: PRECISION_GOAL,
      crossValidation: Object.fromEntries(
        LABEL_VALUES.map((l, i) => [l, { precision: round((choices[i] as Choice).precision, 3), recall: round((choices[i] as Choice).recall, 3) }]),
      ),
    },
    labels: [...LABEL_VALUES],
    bias: model.bias.map((b) => round(b, 3)),
    thresholds: choices.map((c) => c.threshold),
    weights,
  }
}

export function serialiseModel(m: ModelFile): string {
  // one feature a line keeps diffs readable
  const lines = Object.entries(m.weights).map(([k, w]) => `    ${JSON.stringify(k)}: ${JSON.stringify(w)}`)
  const head = JSON.stringify({ format: m.format, training: m.training, labels: m.labels, bias: m.bias, thresholds: m.thresholds }, null, 2)
  return `${head.slice(0, -2)},\n  "weights": {\n${lines.join(',\n')}\n  }\n}\n`
}

if (import.meta.main) {
  const check = process.argv.includes('--check')
  const verbose = process.argv.includes('--cv') || !check
  const out = (line: string) => process.stdout.write(`${line}\n`)
  const started = Date.now()
  const model = buildModel(verbose ? out : undefined, process.argv.includes('--cv'))
  const text = serialiseModel(model)
  if (check) {
    let committed = ''
    try {
      committed = readFileSync(MODEL_PATH, 'utf8')
    } catch {}
    if (committed !== text) {
      out(`${MODEL_PATH} differs from what scripts/train-labeler.ts produces: run \`npm run train:labeler\``)
      process.exitCode = 1
    } else out(`${MODEL_PATH} matches the training script's output`)
  } else {
    mkdirSync(dirname(MODEL_PATH), { recursive: true })
    writeFileSync(MODEL_PATH, text)
    out(`wrote ${MODEL_PATH}: ${model.training.features as number} features, ${text.length} bytes, in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
}
