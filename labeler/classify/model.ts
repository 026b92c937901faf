// The learned layer: a small regularised logistic regression per label over the normalised post
// (word unigrams, Dutch stems, folded English suffixes, word bigrams and character 4-grams of longer
// words, so Dutch compounds such as "zelfbeschadiging" share evidence with "beschadigen"). It is
// trained by scripts/train-labeler.ts on the dev set's TRAIN split and the hand-written fixtures
// (never the test split, the blind paraphrases or test-data/), deterministically, into
// model/labeler-model.json.
//
// The classifier asks it only about a label that the rules did not give, and takes its label when (1)
// its probability reaches the label's threshold, chosen by cross-validation on the training data, (2)
// a rule or a cue of that label also matched in the post (after negation and idioms), and (3) no
// modifier (recovery, news, critique, help, joke) applies to that label. For a label with an alone
// threshold (`alone`, also chosen out of fold) it may give the label without (2), in a Dutch or English
// post, when its probability reaches that threshold, no word that drove it is negated or inside an
// idiom and the rest of the post leans to the label without its strongest word; such a label
// ("model-alone:…") also goes to a moderator. Every label it gives names the words that drove the
// score ("model-words:…"), rendered in Dutch and English by `modelReasonText`.

import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { foldEn } from './fold-en.ts'
import { BOUNDARY, type NormalisedDoc } from './normalize.ts'
import { LABEL_VALUES, type LabelValue } from './rules.ts'
import { stemNl } from './stem-nl.ts'

export const MODEL_PATH = resolve(import.meta.dirname, 'model/labeler-model.json')

export interface ModelFile {
  /** format version of this file */
  format: 1
  /** what the model was trained on and how (written by scripts/train-labeler.ts) */
  training: Record<string, unknown>
  labels: LabelValue[]
  /** per label, in `labels` order */
  bias: number[]
  /** per label: the probability from which the layer may give the label (with a lexical cue) */
  thresholds: number[]
  /** per label: the probability from which the layer may give the label on its own, with no rule or cue
   *  of the label in the post (null: never); absent in older files (never) */
  alone?: (number | null)[]
  /** feature → one weight per label (in `labels` order) */
  weights: Record<string, number[]>
}

/** One feature of a post and the token it came from (for the reasons); a bigram also names the token
 *  before it. */
export interface Feature {
  key: string
  token: number
  prev?: number
}

// Function words (articles, pronouns, prepositions, auxiliaries, conjunctions) are no unigram
// features: on a few hundred posts they pick up chance correlations ("these", "jullie", "met") and make
// poor reasons. They stay inside bigrams ("want to", "wil dood").
const FUNCTION_WORDS = new Set(
  `de het een en van in op te met voor aan bij uit om naar over door dat die dit deze wat wie waar hoe als dan maar of want
  ook nog al wel niet geen er hier daar ik je jij u hij zij ze we wij jullie hun hen mij me mijn mn m jou jouw zijn haar
  ons onze is ben bent was waren wordt worden word werd heb hebt heeft hebben had hadden kan kun kunnen zal zou zullen
  moet moeten mag wil wilt gaat ga gaan zo nu toch even eens heel erg echt gewoon wel nou hoor
  the a an and or but of in on at to for with from by about as into than then so if is are was were be been being am
  i you he she it we they me him her us them my your his its our their this that these those what which who whom how
  do does did have has had will would shall should can could may might must not no just very really too also still
  there here when where why all some any more most lol haha tot zit zitten soms vandaag today one im ive dont its
  thats theyre youre`
    .split(/\s+/)
    .filter(Boolean),
)

const WORD = /^[\p{L}\p{N}]+$/u
const DIGITS = /\p{N}+/gu
const LETTERS = /\p{L}/u
const CHAR_N = 4
const CHAR_MIN = 6

/** What the features take from one token: its own features, and its shape in bigrams. */
interface TokenFeatures {
  features: readonly string[]
  /** numbers by shape: "3k", "45kg" and "1200" are "0k", "0kg", "0" */
  shape: string
}

const tokenCache = new Map<string, TokenFeatures>()
const TOKEN_CACHE_MAX = 50_000
/** how many tokens `LabelModel.probabilities` keeps looked up (it sees every Dutch or English post) */
const MODEL_TOKEN_CACHE_MAX = 5_000

/** The features of one token on its own (word, Dutch stem, folded English, character 4-grams), and
 *  its shape (kept with them: a regex replace per token of every post asked cost more than the lookup). */
function tokenFeatures(t: string): TokenFeatures {
  const hit = tokenCache.get(t)
  if (hit !== undefined) return hit
  const info = computeTokenFeatures(t)
  if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear()
  tokenCache.set(t, info)
  return info
}

function computeTokenFeatures(t: string): TokenFeatures {
  const out: string[] = []
  const shape = t.replace(DIGITS, '0')
  if (!FUNCTION_WORDS.has(t)) {
    out.push(`w:${shape}`)
    if (WORD.test(t) && LETTERS.test(t)) {
      out.push(`n:${stemNl(t)}`, `e:${foldEn(t)}`)
      if (t.length >= CHAR_MIN) {
        const padded = `<${t}>`
        for (let k = 0; k + CHAR_N <= padded.length; k++) out.push(`c:${padded.slice(k, k + CHAR_N)}`)
      }
    }
  }
  return { features: out, shape }
}

/**
 * Walks a post's tokens as the features see them (`extractFeatures` and `LabelModel.probabilities`
 * both read a post this way, so they cannot disagree): `token(t, i)` is called for every token but the
 * boundaries between text and alt texts, and returns the token's shape; then, when a token came before
 * it in the same stretch, `bigram(key, i)` with the two shapes' bigram key.
 */
function walkFeatures(doc: NormalisedDoc, token: (t: string, i: number) => string, bigram: (key: string, i: number) => void): void {
  const { tokens } = doc
  let prev: string | undefined
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string
    if (t === BOUNDARY) {
      prev = undefined
      continue
    }
    const shape = token(t, i)
    if (prev !== undefined) bigram(`b:${prev} ${shape}`, i)
    prev = shape
  }
}

/** The features of a normalised post: each key once, with the first token that produced it. */
export function extractFeatures(doc: NormalisedDoc): Feature[] {
  const seen = new Map<string, Feature>()
  walkFeatures(
    doc,
    (t, i) => {
      const { features, shape } = tokenFeatures(t)
      for (const key of features) if (!seen.has(key)) seen.set(key, { key, token: i })
      return shape
    },
    (key, i) => {
      if (!seen.has(key)) seen.set(key, { key, token: i, prev: i - 1 })
    },
  )
  return [...seen.values()]
}

/** The model's view of one post for one label. */
export interface ModelScore {
  probability: number
  /** the probability from the words outside the lexical cues' matches only (see `score`) */
  independent: number
  /** the content words (surface tokens) that added most to the score, strongest first; only filled
   *  when the probability reaches the label's threshold or its alone threshold */
  words: string[]
}

export class LabelModel {
  readonly labels: readonly LabelValue[]
  readonly thresholds: ReadonlyMap<LabelValue, number>
  /** the labels the layer may give on its own, each with its probability threshold */
  readonly alone: ReadonlyMap<LabelValue, number>
  /** a short hash of the model file (part of the classifier's rulesVersion) */
  readonly version: string
  readonly #bias: number[]
  /** every feature's weights in one array, a row of one weight per label (in `labels` order) per
   *  feature: a post's ~70 features read rows of one block instead of ~70 small arrays spread over the
   *  heap */
  readonly #weights: Float64Array
  /** the row of each feature in #weights */
  readonly #rows: Map<string, number>
  readonly #index: Map<LabelValue, number>

  /**
   * @param file the model; its `weights` may be left empty when `rows` gives them
   * @param text the file's text (for the version hash)
   * @param rows the weights as [feature, weights] pairs, read one at a time (see `parse`)
   */
  constructor(file: ModelFile, text?: string, rows?: { count: number; each: (add: (key: string, w: readonly number[]) => void) => void }) {
    if (file.format !== 1) throw new Error(`labeler model: unknown format ${String(file.format)}`)
    for (const l of file.labels) if (!LABEL_VALUES.includes(l)) throw new Error(`labeler model: unknown label ${l}`)
    this.labels = file.labels
    this.#bias = file.bias
    this.#index = new Map(file.labels.map((l, i) => [l, i]))
    this.thresholds = new Map(file.labels.map((l, i) => [l, file.thresholds[i] as number]))
    const alone = new Map<LabelValue, number>()
    file.labels.forEach((l, i) => {
      const t = file.alone?.[i]
      if (t === null || t === undefined) return
      if (!(t > 0.5 && t <= 1)) throw new Error(`labeler model: the alone threshold of ${l} must be above 0.5 and at most 1, got ${t}`)
      alone.set(l, t)
    })
    this.alone = alone
    const width = file.labels.length
    const source = rows ?? {
      count: Object.keys(file.weights).length,
      each: (add: (key: string, w: readonly number[]) => void) => {
        for (const [key, w] of Object.entries(file.weights)) add(key, w)
      },
    }
    this.#rows = new Map()
    this.#weights = new Float64Array(source.count * width)
    source.each((key, w) => {
      const row = this.#rows.size
      if (row === source.count) throw new Error('labeler model: more weights than counted')
      this.#rows.set(key, row)
      for (let i = 0; i < width; i++) this.#weights[row * width + i] = w[i] ?? 0
    })
    this.version = createHash('sha256')
      .update(text ?? JSON.stringify(file))
      .digest('hex')
      .slice(0, 12)
  }

  /** Reads the model file; undefined when there is none (the classifier then runs on rules alone). */
  static load(path: string = MODEL_PATH): LabelModel | undefined {
    if (!existsSync(path)) return undefined
    try {
      return LabelModel.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      // the operator's fix: restore the file from the repository or retrain it
      const message = (err as Error).message.replace(/^labeler model: /, '')
      throw new Error(`labeler model ${path}: ${message} (restore it with \`git checkout -- ${path}\` or rebuild it with \`npm run train:labeler\`)`, { cause: err })
    }
  }

  /**
   * A model from its file's text. The file as `scripts/train-labeler.ts` writes it (one feature a
   * line) is scanned in place: only each feature's key becomes a string, the weights go straight into
   * the model's array. Parsing the whole file at once builds ~20,000 small arrays and a dictionary of
   * them, and even parsing it line by line with JSON.parse (one small object a line) raised the RSS by
   * ~12 MB for good (garbage in pages V8 keeps) for ~2.5 MB of live model; scanning: ~4 MB. Any other
   * JSON layout is parsed whole.
   */
  static parse(text: string): LabelModel {
    const marker = '\n  "weights": {\n'
    const at = text.indexOf(marker)
    const end = text.lastIndexOf('\n  }\n}')
    if (at < 1 || text[at - 1] !== ',' || end < at) return new LabelModel(JSON.parse(text) as ModelFile, text)
    const head = JSON.parse(`${text.slice(0, at - 1)}\n}`) as ModelFile
    const from = at + marker.length
    let count = 0
    for (let i = from; i < end && i >= 0; i = text.indexOf('\n', i + 1)) count++
    const width = head.labels.length
    return new LabelModel({ ...head, weights: {} }, text, {
      count: end > from ? count : 0,
      each: (add) => {
        const w: number[] = new Array<number>(width).fill(0)
        let i = from
        while (i < end) {
          const line = i
          const fail = (): never => {
            throw new Error(`labeler model: cannot read the weights line at character ${line}: ${JSON.stringify(text.slice(line, text.indexOf('\n', line)))}`)
          }
          // "key": [w1, w2, …],
          const q1 = text.indexOf('"', i)
          if (q1 < 0 || q1 > end) fail()
          let q2 = q1 + 1
          for (let c = text.charCodeAt(q2); c !== 34; c = text.charCodeAt(q2)) {
            if (Number.isNaN(c) || c === 10) fail()
            q2 += c === 92 ? 2 : 1
          }
          // a fresh string: a slice would keep the whole file's text (two bytes a character) alive
          const key = JSON.parse(text.slice(q1, q2 + 1)) as string
          let p = text.indexOf('[', q2)
          if (p < 0 || p > end) fail()
          p++
          for (let l = 0; l < width; l++) {
            const start = p
            let c = text.charCodeAt(p)
            const negative = c === 45
            if (negative) c = text.charCodeAt(++p)
            // digits with an optional fraction, as JSON.stringify writes the rounded weights: read as
            // (integer · 10^k + fraction) / 10^k, one correctly rounded division, so the same double as
            // Number() gives; anything else (an exponent, many digits, spaces) goes to Number()
            let v = 0
            let scale = 1
            let digits = 0
            let fraction = false
            for (;;) {
              if (c >= 48 && c <= 57) {
                v = v * 10 + (c - 48)
                digits++
                if (fraction) scale *= 10
              } else if (c === 46 && !fraction) fraction = true
              else break
              c = text.charCodeAt(++p)
            }
            let x: number
            if ((c === 44 || c === 93) && digits > 0 && digits <= 15) x = negative ? -(v / scale) : v / scale
            else {
              while (p < end && text.charCodeAt(p) !== 44 && text.charCodeAt(p) !== 93) p++
              x = text.slice(start, p).trim() === '' ? Number.NaN : Number(text.slice(start, p))
            }
            if (!Number.isFinite(x) || p >= end) fail()
            w[l] = x
            if (text.charCodeAt(p) === 93) {
              if (l !== width - 1) fail()
            } else if (l === width - 1) fail()
            p++
          }
          add(key, w)
          const nl = text.indexOf('\n', p)
          i = nl < 0 || nl > end ? end : nl + 1
        }
      },
    })
  }

  /**
   * Scores `labels` for a post; features are L2-normalised (binary, 1/√n each).
   * @param cueWords per label, the words that the label's rules and cues matched: `independent` is the
   *   probability without the features of those words (the rest of the post, as a second opinion)
   */
  score(
    doc: NormalisedDoc,
    features: readonly Feature[],
    labels: readonly LabelValue[],
    cueWords: ReadonlyMap<LabelValue, ReadonlySet<string>> = new Map(),
  ): Map<LabelValue, ModelScore> {
    const out = new Map<LabelValue, ModelScore>()
    const idx = labels.map((l) => this.#index.get(l)).filter((i): i is number => i !== undefined)
    if (idx.length === 0) return out
    const scale = features.length === 0 ? 0 : 1 / Math.sqrt(features.length)
    const z = idx.map((i) => this.#bias[i] as number)
    const zi = [...z]
    const excluded = idx.map((i) => cueWords.get(this.labels[i] as LabelValue) ?? new Set<string>())
    const weights = this.#weights
    const width = this.labels.length
    for (const f of features) {
      const row = this.#rows.get(f.key)
      if (row === undefined) continue
      const word = doc.tokens[f.token] as string
      const before = f.prev === undefined ? undefined : (doc.tokens[f.prev] as string)
      for (let j = 0; j < idx.length; j++) {
        const c = (weights[row * width + (idx[j] as number)] as number) * scale
        if (c === 0) continue
        z[j] = (z[j] as number) + c
        const ex = excluded[j] as ReadonlySet<string>
        if (!ex.has(word) && (before === undefined || !ex.has(before))) zi[j] = (zi[j] as number) + c
      }
    }
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j] as number
      const label = this.labels[i] as LabelValue
      const probability = sigmoid(z[j] as number)
      // the words only for a score that can give the label (a second pass over the features)
      const words = probability >= Math.min(this.thresholds.get(label) ?? 1, this.alone.get(label) ?? 1) ? this.#topWords(doc, features, i, scale) : []
      out.set(label, { probability, independent: sigmoid(zi[j] as number), words })
    }
    return out
  }

  // `probabilities` looks each token up once: a token's model features are cached as their rows, its
  // other keys as strings (they only count towards the post's number of distinct features), and a
  // post's rows are counted once with a stamp per row instead of a set of strings. Classification is
  // synchronous, so one post at a time uses these. The cache is small and starts over when full: every
  // Dutch or English post passes here, and a long-running labeler must not keep every word it saw.
  readonly #tokens = new Map<string, { rows: Int32Array; foreign: readonly string[]; shape: string }>()
  readonly #foreign = new Set<string>()
  #stamp = new Uint32Array(0)
  #epoch = 0
  #rowBuffer = new Int32Array(256)

  /**
   * Every label's probability for a post, the cheap way: the same features and arithmetic as `score`
   * (so the same numbers, bit for bit), without building the features' objects or the reasons. The
   * classifier looks here first and asks `score` only about labels that reach a threshold.
   */
  probabilities(doc: NormalisedDoc): Float64Array {
    if (this.#stamp.length !== this.#rows.size) this.#stamp = new Uint32Array(this.#rows.size)
    if (++this.#epoch === 0xffffffff) {
      this.#stamp.fill(0)
      this.#epoch = 1
    }
    const epoch = this.#epoch
    const stamp = this.#stamp
    const foreign = this.#foreign
    foreign.clear()
    let rows = this.#rowBuffer
    let found = 0
    const row = (r: number) => {
      if (stamp[r] === epoch) return
      stamp[r] = epoch
      if (found === rows.length) {
        const grown = new Int32Array(rows.length * 2)
        grown.set(rows)
        rows = this.#rowBuffer = grown
      }
      rows[found++] = r
    }
    // the token's own keys, in their order, then the bigram (as extractFeatures lists them); the order
    // of rows is what matters for the sums, and a token's known and other keys never share a key
    walkFeatures(
      doc,
      (t) => {
        let tf = this.#tokens.get(t)
        if (tf === undefined) {
          const { features, shape } = tokenCache.get(t) ?? computeTokenFeatures(t)
          const known: number[] = []
          const other: string[] = []
          for (const key of features) {
            const r = this.#rows.get(key)
            if (r === undefined) other.push(key)
            else known.push(r)
          }
          tf = { rows: Int32Array.from(known), foreign: other, shape }
          if (this.#tokens.size >= MODEL_TOKEN_CACHE_MAX) this.#tokens.clear()
          this.#tokens.set(t, tf)
        }
        for (const r of tf.rows) row(r)
        for (const key of tf.foreign) foreign.add(key)
        return tf.shape
      },
      (key) => {
        const r = this.#rows.get(key)
        if (r === undefined) foreign.add(key)
        else row(r)
      },
    )
    const distinct = found + foreign.size
    const width = this.labels.length
    const z = Float64Array.from(this.#bias)
    const scale = distinct === 0 ? 0 : 1 / Math.sqrt(distinct)
    const weights = this.#weights
    // in the features' order, as `score` adds them
    for (let k = 0; k < found; k++) {
      const o = (rows[k] as number) * width
      for (let l = 0; l < width; l++) {
        const c = (weights[o + l] as number) * scale
        if (c !== 0) z[l] = (z[l] as number) + c
      }
    }
    for (let l = 0; l < width; l++) z[l] = sigmoid(z[l] as number)
    return z
  }

  /** A feature's weights, one per label in `labels` order (undefined: not in the model). */
  weightsOf(key: string): number[] | undefined {
    const row = this.#rows.get(key)
    if (row === undefined) return undefined
    const width = this.labels.length
    return Array.from(this.#weights.subarray(row * width, row * width + width))
  }

  /** How many features the model has. */
  get features(): number {
    return this.#rows.size
  }

  /** The probability of `label` in an array from `probabilities`. */
  probabilityOf(probabilities: Float64Array, label: LabelValue): number {
    const i = this.#index.get(label)
    return i === undefined ? 0 : (probabilities[i] as number)
  }

  /** Whether a post's probabilities (from `probabilities`) reach the alone threshold of any label. */
  reachesAlone(probabilities: Float64Array): boolean {
    for (const [label, t] of this.alone) if (this.probabilityOf(probabilities, label) >= t) return true
    return false
  }

  /** The content words that added most to label `i`'s score, strongest first (at most three). */
  #topWords(doc: NormalisedDoc, features: readonly Feature[], i: number, scale: number): string[] {
    const byToken = new Map<number, number>()
    for (const f of features) {
      const row = this.#rows.get(f.key)
      const c = (row === undefined ? 0 : (this.#weights[row * this.labels.length + i] as number)) * scale
      if (c !== 0) byToken.set(f.token, (byToken.get(f.token) ?? 0) + c)
    }
    const words: string[] = []
    for (const [tok] of [...byToken].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0])) {
      const word = doc.tokens[tok] as string
      if (FUNCTION_WORDS.has(word) || words.includes(word)) continue
      words.push(word)
      if (words.length === 3) break
    }
    return words
  }
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/** The reason id the classifier stores for a label the model gave: "model-words:honger|kilo|zwak". */
export function modelWordsReason(words: readonly string[]): string {
  return `model-words:${words.join('|')}`
}

/**
 * Plain-language text for the model's reasons, in Dutch or English; undefined for other reasons.
 * `model:<label>` says that the learned layer gave the label with a rule or cue of it, `model-alone:<label>`
 * that it gave the label on its own, `model-words:a|b|c` names its words.
 */
export function modelReasonText(reason: string, lang: 'nl' | 'en'): string | undefined {
  if (reason.startsWith('model-words:')) {
    const words = reason
      .slice('model-words:'.length)
      .split('|')
      .filter(Boolean)
      .map((w) => `"${w}"`)
    const list = words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${lang === 'nl' ? 'en' : 'and'} ${words.at(-1)}`
    return lang === 'nl' ? `Vooral deze woorden wezen op dit label: ${list}.` : `These words pointed most to this label: ${list}.`
  }
  if (reason.startsWith('model-alone:')) {
    const label = reason.slice('model-alone:'.length)
    return lang === 'nl'
      ? `Het getrainde taalmodel (geleerd uit gelabelde voorbeeldberichten) vond dit bericht zo sterk lijken op "${label}" dat het dit label zelf gaf: de regels en signaalwoorden van dit label waren niet genoeg of kwamen niet voor. Zo'n label legt de labeler ook aan een moderator voor.`
      : `The trained language model (learned from labelled example posts) found this post so similar to "${label}" that it gave this label itself: the rules and cue words of this label were not enough or did not occur. The labeler also puts such a label to a moderator.`
  }
  if (reason.startsWith('model:')) {
    const label = reason.slice('model:'.length)
    return lang === 'nl'
      ? `Het getrainde taalmodel (geleerd uit gelabelde voorbeeldberichten) vond dit bericht sterk lijken op "${label}", en een regel of signaalwoord van dit label kwam ook voor.`
      : `The trained language model (learned from labelled example posts) found this post very similar to "${label}", and a rule or cue word of this label occurred too.`
  }
  return undefined
}
