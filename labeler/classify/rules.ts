// Rule files: loading, validation and matching. A rule file holds the rules for one label in one
// language (`pro-ed.nl.yaml`, `self-harm.any.yaml`); context files (`context.<lang>.yaml`) hold the
// words and phrases for the modifiers (negation, recovery, news, idioms…) and, in `context.any.yaml`,
// the scoring settings. See rules/README.md for the format.

import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { BOUNDARY, normalisePhrase, type NormalisedDoc } from './normalize.ts'
import { requirement, SharedLiterals, triggers } from './prefilter.ts'
import { stemNl } from './stem-nl.ts'

export const LABEL_VALUES = ['pro-ed', 'diet-culture', 'body-comparison', 'lifestyle-flex', 'outrage-bait', 'self-harm'] as const
export type LabelValue = (typeof LABEL_VALUES)[number]
export type RuleLang = 'nl' | 'en' | 'any'
export const RULE_LANGS: readonly RuleLang[] = ['nl', 'en', 'any']

export const MODIFIER_KINDS = ['recovery', 'news', 'critique', 'help', 'joke', 'idiom'] as const
export type ModifierKind = (typeof MODIFIER_KINDS)[number]
export type PostModifier = Exclude<ModifierKind, 'idiom'>

/** What a rule or context marker looks for. At least one of phrases, regex, tags, feature. */
export interface PatternSpec {
  /** word sequences over normalised text; a word ending in '*' matches as a prefix. Multi-word
   *  phrases also match written as one word ("guilt free" matches "guiltfree", "#guiltfree") */
  phrases?: string[]
  /** a regular expression over the normalised text, matched on whole tokens (flags: u) */
  regex?: string
  /** hashtags without '#', as one word ("proana") */
  tags?: string[]
  /** a computed feature of the original text */
  feature?: 'allcaps'
  /** a negator (not, geen…) just before the match cancels it (default true) */
  negatable?: boolean
  /** match the post text only, not alt texts (default false) */
  postOnly?: boolean
  /** in Dutch rule files: compare phrase words by their stems (default true); false for words whose
   *  stem collides with a common word ("vasten" → "vast") */
  stem?: boolean
}

export interface RuleSpec extends PatternSpec {
  id: string
  /** how much the rule adds to the label's score; a label needs a score of `threshold` (1) */
  weight: number
  /** true: can label a post on its own; false: only counts together with other evidence */
  strong: boolean
  /** why the rule exists */
  note: string
  /** rules of a label that share a group count once (the heaviest that matched): several ways of
   *  saying the same thing are one piece of evidence */
  group?: string
}

export interface RuleFile {
  version: string
  label: LabelValue
  lang: RuleLang
  rules: RuleSpec[]
}

export interface MarkerSpec extends PatternSpec {
  id: string
  kind: ModifierKind
  /** for idioms: the name used in reasons ("idiom:ik ga dood van het lachen") */
  name?: string
  /** the labels the marker affects (default: all) */
  labels?: LabelValue[]
  note: string
}

export interface ScoringSettings {
  threshold: number
  firstPersonBonus: number
  negationWindow: number
  /** score multipliers per post-level modifier and label (1 when not given) */
  factors: Record<PostModifier, Partial<Record<LabelValue, number>>>
}

export interface ContextFile {
  version: string
  lang: RuleLang
  negators?: string[]
  /** words that undo a negator right before them: "can't STOP thinking about", "kan niet STOPPEN met" */
  negationBreakers?: string[]
  firstPerson?: string[]
  /** words that name who said a quotation ("called", "zegt", "ad", "tante"): a quotation they introduce
   *  is someone else's words (quotes.ts) */
  quoteSources?: string[]
  /** pro-ed only: when a negator is part of a restriction rather than a negation of it (index.ts) */
  restrictionNegation?: RestrictionNegation
  markers: MarkerSpec[]
  scoring?: ScoringSettings
}

/** Words that make a negator before a pro-ed match part of the restriction ("ik eet niks meer", "youll
 *  never be thin", "niet aan toegeven") instead of a negation of it. */
export interface RestrictionNegation {
  /** negators that can be the object of eating: niks, nothing */
  objectNegators?: string[]
  /** eating words up to four words before such a negator: eet, ate */
  eatWords?: string[]
  /** words right after such a negator that make it the object: meer, today */
  afterObject?: string[]
  /** "never" words that, after the reader, are a threat or a rule */
  never?: string[]
  /** words that may stand between the reader and "never": you, will, je, wordt */
  reader?: string[]
  /** the reader (second person) among them */
  secondPerson?: string[]
  /** giving in: a negator before it forbids giving in */
  giveIn?: string[]
}

export const RESTRICTION_KEYS = ['objectNegators', 'eatWords', 'afterObject', 'never', 'reader', 'secondPerson', 'giveIn'] as const

/** One weak cue of a co-occurrence family (rules/cues/): on its own it never labels a post. */
export interface CueSpec extends PatternSpec {
  id: string
  /** the family the cue belongs to ("food", "moral"…); combos name families */
  family: string
  note: string
}

/** Two or more distinct cue families of one label that, found together in a post, count as evidence. */
export interface ComboSpec {
  /** shown in reasons, e.g. "dc.cooc.food+moral" */
  id: string
  /** the families that must all be present; the pseudo-family "rule" is any counted rule of the label */
  families: string[]
  /** what the combo adds; it can lift the label to the threshold, never above it */
  weight: number
  note: string
}

export interface CueFile {
  version: string
  label: LabelValue
  lang: RuleLang
  cues?: CueSpec[]
  combos?: ComboSpec[]
}

export class RuleFileError extends Error {
  override name = 'RuleFileError'
}

const ID = /^[a-z0-9][a-z0-9.:_+-]*$/
const FEATURES = new Set(['allcaps'])

function fail(file: string, path: string, msg: string): never {
  throw new RuleFileError(`${file}: ${path}: ${msg}`)
}

function checkPattern(file: string, path: string, p: PatternSpec): void {
  const has = p.phrases !== undefined || p.regex !== undefined || p.tags !== undefined || p.feature !== undefined
  if (!has) fail(file, path, 'needs one of phrases, regex, tags, feature')
  for (const key of ['phrases', 'tags'] as const) {
    const v = p[key]
    if (v === undefined) continue
    if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
      fail(file, `${path}.${key}`, 'must be a non-empty list of non-empty strings')
    }
    for (const s of v) if (normalisePhrase(s).length === 0) fail(file, `${path}.${key}`, `"${s}" has no words after normalising`)
  }
  if (p.regex !== undefined) {
    if (typeof p.regex !== 'string' || p.regex === '') fail(file, `${path}.regex`, 'must be a non-empty string')
    try {
      new RegExp(p.regex, 'u')
    } catch (err) {
      fail(file, `${path}.regex`, `invalid regular expression: ${(err as Error).message}`)
    }
  }
  if (p.feature !== undefined && !FEATURES.has(p.feature)) fail(file, `${path}.feature`, `unknown feature "${p.feature}"`)
  for (const key of ['negatable', 'postOnly', 'stem'] as const) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean') fail(file, `${path}.${key}`, 'must be true or false')
  }
}

function checkVersion(file: string, v: unknown): void {
  if (typeof v !== 'string' || !/^\d+\.\d+\.\d+$/.test(v)) fail(file, 'version', 'must be a version like "1.0.0"')
}

/** Validates a parsed rule file; throws RuleFileError naming the file and field. */
export function validateRuleFile(file: string, data: unknown): RuleFile {
  const f = data as RuleFile
  if (typeof f !== 'object' || f === null) fail(file, '$', 'must be an object')
  checkVersion(file, f.version)
  if (!(LABEL_VALUES as readonly string[]).includes(f.label)) fail(file, 'label', `unknown label "${String(f.label)}"`)
  if (!RULE_LANGS.includes(f.lang)) fail(file, 'lang', `must be nl, en or any`)
  if (!Array.isArray(f.rules) || f.rules.length === 0) fail(file, 'rules', 'must be a non-empty list')
  f.rules.forEach((r, i) => {
    const path = `rules[${i}]`
    if (typeof r.id !== 'string' || !ID.test(r.id)) fail(file, `${path}.id`, 'must be lowercase letters, digits, . - _ :')
    if (typeof r.weight !== 'number' || !(r.weight > 0) || r.weight > 3) fail(file, `${path}.weight`, 'must be a number in (0, 3]')
    if (typeof r.strong !== 'boolean') fail(file, `${path}.strong`, 'must be true or false')
    if (typeof r.note !== 'string' || r.note.trim().length < 3) fail(file, `${path}.note`, 'must say why the rule exists')
    if (r.group !== undefined && (typeof r.group !== 'string' || !ID.test(r.group))) fail(file, `${path}.group`, 'must be a short lowercase name')
    checkPattern(file, path, r)
  })
  return f
}

/** Validates a parsed context file. */
export function validateContextFile(file: string, data: unknown): ContextFile {
  const f = data as ContextFile
  if (typeof f !== 'object' || f === null) fail(file, '$', 'must be an object')
  checkVersion(file, f.version)
  if (!RULE_LANGS.includes(f.lang)) fail(file, 'lang', 'must be nl, en or any')
  for (const key of ['negators', 'firstPerson', 'negationBreakers', 'quoteSources'] as const) {
    const v = f[key]
    if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || normalisePhrase(s).length !== 1))) {
      fail(file, key, 'must be a list of single words')
    }
  }
  if (f.restrictionNegation !== undefined) {
    const r = f.restrictionNegation as Record<string, unknown>
    if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(file, 'restrictionNegation', 'must be an object')
    for (const key of Object.keys(r)) {
      if (!(RESTRICTION_KEYS as readonly string[]).includes(key)) fail(file, `restrictionNegation.${key}`, `is not a setting (use ${RESTRICTION_KEYS.join(', ')})`)
      const v = r[key]
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || normalisePhrase(s).length !== 1)) fail(file, `restrictionNegation.${key}`, 'must be a list of single words')
    }
  }
  if (!Array.isArray(f.markers)) fail(file, 'markers', 'must be a list')
  f.markers.forEach((m, i) => {
    const path = `markers[${i}]`
    if (typeof m.id !== 'string' || !ID.test(m.id)) fail(file, `${path}.id`, 'must be lowercase letters, digits, . - _ :')
    if (!(MODIFIER_KINDS as readonly string[]).includes(m.kind)) fail(file, `${path}.kind`, `must be one of ${MODIFIER_KINDS.join(', ')}`)
    if (typeof m.note !== 'string' || m.note.trim().length < 3) fail(file, `${path}.note`, 'must say why the marker exists')
    if (m.kind === 'idiom' && (typeof m.name !== 'string' || m.name === '')) fail(file, `${path}.name`, 'an idiom needs a name')
    if (m.labels !== undefined && (!Array.isArray(m.labels) || m.labels.some((l) => !(LABEL_VALUES as readonly string[]).includes(l)))) {
      fail(file, `${path}.labels`, 'must be a list of label values')
    }
    checkPattern(file, path, m)
  })
  if (f.scoring !== undefined) {
    const s = f.scoring
    for (const key of ['threshold', 'firstPersonBonus', 'negationWindow'] as const) {
      if (typeof s[key] !== 'number' || s[key] < 0) fail(file, `scoring.${key}`, 'must be a number ≥ 0')
    }
    for (const kind of MODIFIER_KINDS) {
      if (kind === 'idiom') continue
      const fac = s.factors?.[kind]
      if (fac === undefined) fail(file, `scoring.factors.${kind}`, 'missing')
      for (const [label, v] of Object.entries(fac)) {
        if (!(LABEL_VALUES as readonly string[]).includes(label)) fail(file, `scoring.factors.${kind}`, `unknown label "${label}"`)
        if (typeof v !== 'number' || v < 0) fail(file, `scoring.factors.${kind}.${label}`, 'must be a number ≥ 0')
      }
    }
  }
  return f
}

/** Validates a parsed cue file (rules/cues/<label>.<lang>.yaml). */
export function validateCueFile(file: string, data: unknown): CueFile {
  const f = data as CueFile
  if (typeof f !== 'object' || f === null) fail(file, '$', 'must be an object')
  checkVersion(file, f.version)
  if (!(LABEL_VALUES as readonly string[]).includes(f.label)) fail(file, 'label', `unknown label "${String(f.label)}"`)
  if (!RULE_LANGS.includes(f.lang)) fail(file, 'lang', `must be nl, en or any`)
  if (f.cues === undefined && f.combos === undefined) fail(file, '$', 'needs cues or combos')
  if (f.cues !== undefined && !Array.isArray(f.cues)) fail(file, 'cues', 'must be a list')
  if (f.combos !== undefined && !Array.isArray(f.combos)) fail(file, 'combos', 'must be a list')
  ;(f.cues ?? []).forEach((c, i) => {
    const path = `cues[${i}]`
    if (typeof c.id !== 'string' || !ID.test(c.id)) fail(file, `${path}.id`, 'must be lowercase letters, digits, . - _ :')
    if (typeof c.family !== 'string' || !ID.test(c.family) || c.family === 'rule') fail(file, `${path}.family`, 'must be a short lowercase name (not "rule")')
    if (typeof c.note !== 'string' || c.note.trim().length < 3) fail(file, `${path}.note`, 'must say why the cue exists')
    checkPattern(file, path, c)
  })
  ;(f.combos ?? []).forEach((c, i) => {
    const path = `combos[${i}]`
    if (typeof c.id !== 'string' || !ID.test(c.id)) fail(file, `${path}.id`, 'must be lowercase letters, digits, . - _ : +')
    if (!Array.isArray(c.families) || c.families.length < 2 || new Set(c.families).size !== c.families.length) {
      fail(file, `${path}.families`, 'must name two or more distinct families')
    }
    if (typeof c.weight !== 'number' || !(c.weight > 0) || c.weight > 1) fail(file, `${path}.weight`, 'must be a number in (0, 1]')
    if (typeof c.note !== 'string' || c.note.trim().length < 3) fail(file, `${path}.note`, 'must say why the combo exists')
  })
  return f
}

export interface LoadedRules {
  /** co-occurrence cue files from the cues/ folder (may be empty) */
  cueFiles: { name: string; file: CueFile }[]
  ruleFiles: { name: string; file: RuleFile }[]
  contextFiles: { name: string; file: ContextFile }[]
  scoring: ScoringSettings
  /** a short hash over every file's name and content */
  version: string
}

export const RULES_DIR = new URL('./rules/', import.meta.url)

/** Reads and validates every rule and context file in `dir` (synchronously). */
export function loadRuleDir(dir: string | URL = RULES_DIR): LoadedRules {
  const path = typeof dir === 'string' ? dir : dir.pathname
  const names = readdirSync(path).filter((n) => n.endsWith('.yaml')).sort()
  const hash = createHash('sha256')
  const ruleFiles: LoadedRules['ruleFiles'] = []
  const contextFiles: LoadedRules['contextFiles'] = []
  const ids = new Map<string, string>()
  const seen = (id: string, name: string) => {
    const prev = ids.get(id)
    if (prev !== undefined) throw new RuleFileError(`${name}: id "${id}" is also used in ${prev}`)
    ids.set(id, name)
  }
  for (const name of names) {
    const text = readFileSync(join(path, name), 'utf8')
    hash.update(`${name}\n${text}\n`)
    let data: unknown
    try {
      data = parseYaml(text)
    } catch (err) {
      throw new RuleFileError(`${name}: not valid YAML: ${(err as Error).message}`)
    }
    const m = /^([a-z-]+)\.(nl|en|any)\.yaml$/.exec(name)
    if (m === null) throw new RuleFileError(`${name}: rule files are named <label>.<nl|en|any>.yaml or context.<nl|en|any>.yaml`)
    if (m[1] === 'context') {
      const file = validateContextFile(name, data)
      if (file.lang !== m[2]) throw new RuleFileError(`${name}: lang is "${file.lang}" but the file name says "${m[2]}"`)
      for (const mk of file.markers) seen(mk.id, name)
      contextFiles.push({ name, file })
    } else {
      const file = validateRuleFile(name, data)
      if (file.label !== m[1] || file.lang !== m[2]) {
        throw new RuleFileError(`${name}: label/lang are "${file.label}"/"${file.lang}" but the file name says "${m[1]}"/"${m[2]}"`)
      }
      for (const r of file.rules) seen(r.id, name)
      ruleFiles.push({ name, file })
    }
  }
  const scoring = contextFiles.find((c) => c.file.scoring !== undefined)?.file.scoring
  if (scoring === undefined) throw new RuleFileError('context.any.yaml: the scoring settings are missing')
  // co-occurrence cues: rules/cues/<label>.<lang>.yaml
  const cueFiles: LoadedRules['cueFiles'] = []
  const cueDir = join(path, 'cues')
  if (existsSync(cueDir)) {
    const families = new Map<string, Set<string>>()
    const combos: { name: string; label: string; combo: ComboSpec }[] = []
    for (const name of readdirSync(cueDir).filter((n) => n.endsWith('.yaml')).sort()) {
      const shown = `cues/${name}`
      const text = readFileSync(join(cueDir, name), 'utf8')
      hash.update(`${shown}\n${text}\n`)
      let data: unknown
      try {
        data = parseYaml(text)
      } catch (err) {
        throw new RuleFileError(`${shown}: not valid YAML: ${(err as Error).message}`)
      }
      const m = /^([a-z-]+)\.(nl|en|any)\.yaml$/.exec(name)
      if (m === null) throw new RuleFileError(`${shown}: cue files are named <label>.<nl|en|any>.yaml`)
      const file = validateCueFile(shown, data)
      if (file.label !== m[1] || file.lang !== m[2]) {
        throw new RuleFileError(`${shown}: label/lang are "${file.label}"/"${file.lang}" but the file name says "${m[1]}"/"${m[2]}"`)
      }
      const fam = families.get(file.label) ?? new Set<string>(['rule'])
      families.set(file.label, fam)
      for (const c of file.cues ?? []) {
        seen(c.id, shown)
        fam.add(c.family)
      }
      for (const c of file.combos ?? []) {
        seen(c.id, shown)
        combos.push({ name: shown, label: file.label, combo: c })
      }
      cueFiles.push({ name: shown, file })
    }
    for (const { name, label, combo } of combos) {
      for (const f of combo.families) {
        if (!families.get(label)?.has(f)) throw new RuleFileError(`${name}: combo "${combo.id}" names family "${f}", which no ${label} cue has`)
      }
    }
  }
  return { cueFiles, ruleFiles, contextFiles, scoring, version: hash.digest('hex').slice(0, 12) }
}

// ---------------------------------------------------------------------------------------------
// Matching

interface PhraseWord {
  word: string
  prefix: boolean
  stem?: string
}

/** One pattern compiled for matching; `owner` is the index of the rule or marker it belongs to. */
interface CompiledPhrase {
  owner: number
  words: PhraseWord[]
  /** the token position it was last tried at (avoids trying it twice via token and stem keys) */
  tried: number
}

/** The phrases that share a first word (its word, or its stem when the matcher stems). */
interface PhraseList {
  phrases: CompiledPhrase[]
  /** the list's second-word index (built on first use, once the list is complete) */
  second?: SecondWordIndex
}

/** A list of phrases that share a first word, indexed by their second word (its word and stem). Every
 *  list has one, however short: one lookup of the next token is cheaper than opening each phrase to
 *  compare its words (~30 phrases a post, mostly failing at the second word). */
interface SecondWordIndex {
  /** per second-word key: the list positions to try when the next token has that key, in list order:
   *  the phrases with that second word together with `rest` (merged once here, so the usual case — one
   *  key of the next token found — needs no array built per token) */
  bySecond: Map<string, number[]>
  /** list positions of one-word phrases and phrases whose second word is a prefix: always tried */
  rest: number[]
}

interface CompiledRegex {
  owner: number
  re: RegExp
  postOnly: boolean
}

export interface Match {
  owner: number
  /** token range [start, end) */
  start: number
  end: number
}

export interface DocView {
  doc: NormalisedDoc
  /** stems of the tokens (by the matcher's stemmer), when this matcher stems */
  stems?: string[]
  allcaps: boolean
}

/**
 * The first words of every matcher's phrases, numbered once for all matchers: a document's tokens (and
 * stems) are looked up here once, and each matcher then finds its phrases by number instead of looking
 * every token up in its own map. Also knows whether a token starts with any phrase's prefix word.
 */
export class SharedKeys {
  readonly #ids = new Map<string, number>()
  readonly #prefixes = new Set<string>()
  readonly #prefixHit = new Map<string, boolean>()
  /** per token: its key number and whether it starts with a prefix word, as (number + 1) * 2 + (0 or
   *  1): a document's tokens need one lookup each for both (bounded like the other per-token caches) */
  readonly #tokenKeys = new Map<string, number>()
  #lastDoc: object | undefined
  #docIds: Int32Array = new Int32Array(0)
  #prefixFlagsOfDoc: Uint8Array = new Uint8Array(0)
  #lastStems: readonly string[] | undefined
  #stemIds: Int32Array = new Int32Array(0)

  /** The number of a first-word key (registering it when new). */
  id(key: string): number {
    let i = this.#ids.get(key)
    if (i === undefined) {
      i = this.#ids.size
      this.#ids.set(key, i)
      this.#forget()
    }
    return i
  }

  get size(): number {
    return this.#ids.size
  }

  addPrefix(word: string): void {
    this.#prefixes.add(word)
    this.#prefixHit.clear()
    this.#forget()
  }

  /** (the keys changed: what was worked out from them goes) */
  #forget(): void {
    this.#tokenKeys.clear()
    this.#lastDoc = undefined
    this.#lastStems = undefined
  }

  /** Per token of `doc`: 1 when it starts with some registered prefix word; kept for the last document. */
  prefixFlags(doc: NormalisedDoc): Uint8Array {
    this.#lookupDoc(doc)
    return this.#prefixFlagsOfDoc
  }

  /** Whether `token` starts with some registered prefix word (cached per token). */
  prefixHit(token: string): boolean {
    let hit = this.#prefixHit.get(token)
    if (hit === undefined) {
      hit = false
      for (const p of this.#prefixes) {
        if (token.startsWith(p)) {
          hit = true
          break
        }
      }
      if (this.#prefixHit.size >= 50_000) this.#prefixHit.clear()
      this.#prefixHit.set(token, hit)
    }
    return hit
  }

  /** The key number of each token of `doc` (-1: no phrase starts with it); kept for the last document. */
  tokenIds(doc: NormalisedDoc): Int32Array {
    this.#lookupDoc(doc)
    return this.#docIds
  }

  /** The key numbers and prefix flags of `doc`'s tokens, unless they are those of the last document. */
  #lookupDoc(doc: NormalisedDoc): void {
    if (doc === this.#lastDoc) return
    const tokens = doc.tokens
    // the arrays are kept and grown, not made per document (callers read only the document's length)
    if (this.#docIds.length < tokens.length) {
      this.#docIds = new Int32Array(tokens.length * 2)
      this.#prefixFlagsOfDoc = new Uint8Array(tokens.length * 2)
    }
    const ids = this.#docIds
    const flags = this.#prefixFlagsOfDoc
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string
      let v = this.#tokenKeys.get(t)
      if (v === undefined) {
        v = ((this.#ids.get(t) ?? -1) + 1) * 2 + (this.#prefixes.size > 0 && this.prefixHit(t) ? 1 : 0)
        if (this.#tokenKeys.size >= 50_000) this.#tokenKeys.clear()
        this.#tokenKeys.set(t, v)
      }
      ids[i] = (v >> 1) - 1
      flags[i] = v & 1
    }
    this.#lastDoc = doc
  }

  /** The key number of each stem of `doc`'s tokens (-1: none); kept for the last stems array. A stem
   *  that is the token itself (most English folds leave a word as it is) has the token's number. */
  stemIds(stems: readonly string[], doc: NormalisedDoc): Int32Array {
    if (stems !== this.#lastStems) {
      const tokenIds = this.tokenIds(doc)
      const tokens = doc.tokens
      if (this.#stemIds.length < stems.length) this.#stemIds = new Int32Array(stems.length * 2)
      const out = this.#stemIds
      for (let i = 0; i < stems.length; i++) {
        const s = stems[i] as string
        out[i] = s === tokens[i] ? (tokenIds[i] as number) : (this.#ids.get(s) ?? -1)
      }
      this.#lastStems = stems
    }
    return this.#stemIds
  }
}

/** Compiles patterns (of rules or markers) into one matcher over normalised documents. */
export class PatternMatcher {
  readonly #stem: boolean
  readonly #stemmer: (word: string) => string
  readonly #byFirst = new Map<string, PhraseList>()
  /** #byFirst by the shared key number */
  readonly #byId: (PhraseList | undefined)[] = []
  readonly #keys: SharedKeys
  readonly #prefixFirst: CompiledPhrase[] = []
  /** the regexes; what the text must contain for each to match is checked through its shared slot
   *  (SharedLiterals.holds) */
  readonly #regexes: CompiledRegex[] = []
  /** the regexes (indices into #regexes) that always run; the others are looked at when one of their
   *  trigger literals is found (prefilter.ts: triggers), through the shared regex slots */
  readonly #alwaysRun: number[] = []
  /** the shared slot of #regexes[0] (the others follow it; SharedLiterals.triggered) */
  #slotBase = -1
  readonly #literals: SharedLiterals
  readonly #stamp = { n: 0 }
  readonly #tags = new Map<string, number[]>()
  readonly #features: { owner: number; feature: string }[] = []
  readonly #postOnly: boolean[] = []
  /** every plain word that appears in a phrase (for hashtag splitting) */
  readonly words = new Set<string>()

  /** @param stem match phrases on stems (exact and prefix words still compare unstemmed)
   *  @param stemmer the stemmer for phrase words (default: Dutch); the DocView's `stems` must use the same
   *  @param literals the literal pre-check, shared with other matchers so a document is scanned once
   *  @param keys the phrases' first words, shared with other matchers so a document is looked up once */
  constructor(
    patterns: readonly PatternSpec[],
    stem: boolean,
    stemmer: (word: string) => string = stemNl,
    literals: SharedLiterals = new SharedLiterals(),
    keys: SharedKeys = new SharedKeys(),
  ) {
    this.#stem = stem
    this.#stemmer = stemmer
    this.#literals = literals
    this.#keys = keys
    patterns.forEach((p, owner) => {
      this.#postOnly[owner] = p.postOnly === true
      for (const phrase of p.phrases ?? []) this.#addPhrase(owner, phrase, this.#stem && p.stem !== false)
      if (p.regex !== undefined) {
        // the regex runs on whole tokens: with the text padded by a space on each side, every match has a
        // space before and after it
        const req = requirement(p.regex, true)
        const index = this.#regexes.length
        this.#regexes.push({ owner, re: new RegExp(`(?<=^| )(?:${p.regex})(?= |$)`, 'gu'), postOnly: p.postOnly === true })
        const slot = literals.slot(req)
        if (index === 0) this.#slotBase = slot
        else if (slot !== this.#slotBase + index) throw new Error('a matcher\'s regex slots must be consecutive')
        const trig = triggers(req)
        if (trig === undefined) this.#alwaysRun.push(index)
        for (const lit of trig ?? []) literals.trigger(literals.id(lit), slot)
      }
      for (const t of p.tags ?? []) {
        const key = normalisePhrase(t).join('')
        const list = this.#tags.get(key) ?? []
        list.push(owner)
        this.#tags.set(key, list)
      }
      if (p.feature !== undefined) this.#features.push({ owner, feature: p.feature })
    })
  }

  #addPhrase(owner: number, phrase: string, stem: boolean): void {
    const raw = phrase.trim().split(/\s+/)
    const words: PhraseWord[] = []
    for (const r of raw) {
      const prefix = r.endsWith('*') && r.length > 1
      const toks = normalisePhrase(prefix ? r.slice(0, -1) : r)
      toks.forEach((w, i) => {
        const isPrefix = prefix && i === toks.length - 1
        if (!isPrefix) this.words.add(w)
        words.push({ word: w, prefix: isPrefix, ...(stem && !isPrefix ? { stem: this.#stemmer(w) } : {}) })
      })
    }
    if (words.length === 0) return
    this.#index({ owner, words, tried: -1 })
    // "guilt free" also matches "guiltfree" (a hashtag or a compound)
    if (words.length > 1 && words.every((w) => !w.prefix && /^\p{L}+$/u.test(w.word))) {
      const joined = words.map((w) => w.word).join('')
      this.#index({ owner, words: [{ word: joined, prefix: false, ...(stem ? { stem: this.#stemmer(joined) } : {}) }], tried: -1 })
    }
  }

  #secondIndex(list: PhraseList): SecondWordIndex {
    if (list.second !== undefined) return list.second
    const bySecond = new Map<string, number[]>()
    const rest: number[] = []
    list.phrases.forEach((p, j) => {
      const w = p.words[1]
      if (w === undefined || w.prefix) {
        rest.push(j)
        return
      }
      for (const key of w.stem !== undefined && w.stem !== w.word ? [w.word, w.stem] : [w.word]) {
        const js = bySecond.get(key) ?? []
        js.push(j)
        bySecond.set(key, js)
      }
    })
    for (const js of bySecond.values()) js.push(...rest)
    for (const js of bySecond.values()) js.sort((a, b) => a - b)
    list.second = { bySecond, rest }
    return list.second
  }

  #index(p: CompiledPhrase): void {
    const first = p.words[0] as PhraseWord
    if (first.prefix) {
      this.#prefixFirst.push(p)
      this.#keys.addPrefix(first.word)
      return
    }
    const key = first.stem ?? first.word
    let list = this.#byFirst.get(key)
    if (list === undefined) {
      list = { phrases: [] }
      this.#byFirst.set(key, list)
      this.#byId[this.#keys.id(key)] = list
    }
    list.phrases.push(p)
    list.second = undefined
  }

  /** All matches in the document (a pattern can match more than once). */
  match(view: DocView): Match[] {
    const { doc } = view
    const out: Match[] = []
    const toks = doc.tokens
    const n = toks.length
    const wordAt = (i: number, w: PhraseWord): boolean => {
      const t = toks[i]
      if (t === undefined || t === BOUNDARY) return false
      const sq = doc.squashed[i]
      if (w.prefix) return t.startsWith(w.word) || (sq !== undefined && sq.startsWith(w.word))
      if (t === w.word || (sq !== undefined && sq === w.word)) return true
      if (w.stem !== undefined && view.stems !== undefined) return view.stems[i] === w.stem
      return false
    }
    const tryPhrase = (p: CompiledPhrase, i: number) => {
      if (this.#postOnly[p.owner] && i >= doc.postTokens) return
      for (let k = 1; k < p.words.length; k++) if (!wordAt(i + k, p.words[k] as PhraseWord)) return
      out.push({ owner: p.owner, start: i, end: i + p.words.length })
    }
    // each phrase is tried once per position, whichever key (token, squashed form, stem) found it
    const base = this.#stamp.n
    this.#stamp.n += n + 1
    const tryOne = (p: CompiledPhrase, i: number) => {
      if (p.tried === base + i) return
      p.tried = base + i
      if (wordAt(i, p.words[0] as PhraseWord)) tryPhrase(p, i)
    }
    const tryAt = (list: PhraseList | undefined, i: number) => {
      if (list === undefined) return
      const phrases = list.phrases
      const index = this.#secondIndex(list)
      // only the phrases whose second word can match the next token, in list order (a phrase that
      // cannot match is skipped, as before): the next token's keys (token, squashed form, stem) each
      // give a merged list; when more than one does (and they differ), their union in list order
      let cand: readonly number[] = index.rest
      const t2 = toks[i + 1]
      if (t2 !== undefined && t2 !== BOUNDARY) {
        const a = index.bySecond.get(t2)
        const sq2 = doc.squashed[i + 1]
        const b = sq2 !== undefined ? index.bySecond.get(sq2) : undefined
        const st2 = view.stems?.[i + 1]
        const c = st2 !== undefined && st2 !== t2 ? index.bySecond.get(st2) : undefined
        const n2 = (a !== undefined ? 1 : 0) + (b !== undefined && b !== a ? 1 : 0) + (c !== undefined && c !== a && c !== b ? 1 : 0)
        if (n2 === 1) cand = (a ?? b ?? c) as number[]
        else if (n2 > 1) cand = [...(a ?? []), ...(b ?? []), ...(c ?? [])].sort((x, y) => x - y)
      }
      let last = -1
      for (const j of cand) {
        if (j === last) continue
        last = j
        tryOne(phrases[j] as CompiledPhrase, i)
      }
    }
    // the same lists in the same order as looking each token, squashed form and stem up in #byFirst
    const tokenIds = this.#keys.tokenIds(doc)
    const stems = view.stems
    const stemIds = stems !== undefined ? this.#keys.stemIds(stems, doc) : undefined
    const byId = this.#byId
    const prefixFlags = this.#prefixFirst.length > 0 ? this.#keys.prefixFlags(doc) : undefined
    for (let i = 0; i < n; i++) {
      const t = toks[i] as string
      if (t === BOUNDARY) continue
      const a = tokenIds[i] as number
      if (a >= 0) tryAt(byId[a], i)
      const sq = doc.squashed[i]
      if (sq !== undefined) tryAt(this.#byFirst.get(sq), i)
      if (stemIds !== undefined) {
        const b = stemIds[i] as number
        if (b >= 0 && (stems as readonly string[])[i] !== t) tryAt(byId[b], i)
      }
      if (prefixFlags !== undefined && (prefixFlags[i] === 1 || (sq !== undefined && this.#keys.prefixHit(sq)))) {
        for (const p of this.#prefixFirst) if (wordAt(i, p.words[0] as PhraseWord)) tryPhrase(p, i)
      }
    }
    // only the regexes whose literal requirement holds in the text run (one scan for all matchers): those
    // that need a literal that was found, checked in full, in rule order
    if (this.#regexes.length > 0) {
      this.#literals.found(doc, doc.text)
      const run: number[] = [...this.#alwaysRun]
      // the triggered slots are ascending: this matcher's are one stretch of them, in rule order
      const base = this.#slotBase
      const count = this.#regexes.length
      for (const slot of this.#literals.triggered) {
        const r = slot - base
        if (r < 0) continue
        if (r >= count) break
        if (this.#literals.holds(slot)) run.push(r)
      }
      if (run.length > 1) run.sort((a, b) => a - b)
      for (const r of run) {
        const { owner, re, postOnly } = this.#regexes[r] as CompiledRegex
        // an exec loop rather than matchAll, which builds a copy of the regex and an iterator on every
        // call; after an empty match it moves on by one code point, as matchAll does
        const text = doc.text
        re.lastIndex = 0
        for (let m = re.exec(text); m !== null; m = re.exec(text)) {
          if (m[0].length === 0) re.lastIndex = advance(text, re.lastIndex)
          const start = tokenAt(doc.starts, m.index)
          if (postOnly && start >= doc.postTokens) break
          const end = tokenAt(doc.starts, m.index + Math.max(0, m[0].length - 1)) + 1
          out.push({ owner, start, end })
        }
      }
    }
    if (this.#tags.size > 0) {
      for (const tag of doc.tags) for (const owner of this.#tags.get(tag) ?? []) out.push({ owner, start: -1, end: -1 })
    }
    for (const { owner, feature } of this.#features) {
      if (feature === 'allcaps' && view.allcaps) out.push({ owner, start: -1, end: -1 })
    }
    return out
  }
}

/** The index after the code point at `i` of `s` (a surrogate pair is one code point). */
function advance(s: string, i: number): number {
  const c = s.charCodeAt(i)
  return i + (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1)
}

/** Index of the token containing char offset `pos` of the joined text. */
function tokenAt(starts: readonly number[], pos: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] as number) <= pos) lo = mid
    else hi = mid - 1
  }
  return lo
}

const UPPER = /\p{Lu}/u
const LOWER = /\p{Ll}/u
const LETTER = /\p{L}/u
/** per non-ASCII code point: 1 upper-case letter, 2 lower-case letter, 3 other letter, 0 not a letter */
const letterKinds = new Map<number, number>()

function letterKind(cp: number): number {
  if (cp < 128) return cp >= 65 && cp <= 90 ? 1 : cp >= 97 && cp <= 122 ? 2 : 0
  let k = letterKinds.get(cp)
  if (k === undefined) {
    const ch = String.fromCodePoint(cp)
    k = UPPER.test(ch) ? 1 : LOWER.test(ch) ? 2 : LETTER.test(ch) ? 3 : 0
    if (letterKinds.size < 10_000) letterKinds.set(cp, k)
  }
  return k
}

/** Shouting: three or more all-caps words of 4+ letters (a whole run of letters, all upper case), or
 *  mostly capitals over 12+ cased letters. One pass over the code points. */
export function isAllCaps(text: string): boolean {
  let upper = 0
  let lower = 0
  let shouts = 0
  // the current run of letters: its length and whether every letter in it is upper case
  let run = 0
  let runUpper = true
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) as number
    if (cp > 0xffff) i++
    const k = letterKind(cp)
    if (k === 0) {
      if (run >= 4 && runUpper) shouts++
      run = 0
      runUpper = true
      continue
    }
    if (k === 1) upper++
    else {
      if (k === 2) lower++
      runUpper = false
    }
    run++
  }
  if (run >= 4 && runUpper) shouts++
  if (upper + lower >= 12 && upper / (upper + lower) >= 0.6) return true
  return shouts >= 3
}
