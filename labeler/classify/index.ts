// The wellbeing labeler's classifier: offline, in-process, rule-based. Rules live in versioned data
// files under rules/ (one file per label and language); this module loads them once and applies
// them with context: negation, recovery and support, news and research framing, critique of
// harmful content, help resources, figurative idioms, jokes, and first-person speech.
//
// Scoring, per label: every rule that matches (once, however often it matches) adds its weight.
// A match right after a negator ("not", "geen") or inside a figurative idiom ("ik ga dood van het
// lachen") does not count. First-person speech adds a bonus to self-harm. Post-level modifiers
// (recovery, news, critique, help, joke) multiply the score by a factor from context.any.json.
// A label is given when the score reaches the threshold (1) and either a `strong` rule matched or
// at least two pieces of evidence did.
//
// Co-occurrence (cooc.ts, rules/cues/): broad weak cue families per label; two or more distinct
// families of one label in a post (a combo such as `dc.cooc.food+moral`) add the combo's weight as
// one piece of evidence that counts as strong, but only up to the threshold: the layer can lift a
// label to 1, never above it, so the modifiers still lower or veto it.
//
// Learned layer (model.ts, model/labeler-model.json): for a label the rules did not give, a logistic
// regression trained on the train split and the hand-written fixtures may give it when its probability
// reaches the label's cross-validated threshold AND a rule or cue of that label matched (after negation
// and idioms) AND no modifier lowered that label. Its reasons: "model:<label>", "model-words:a|b|c"
// (the words that drove it; plain language in model.ts: modelReasonText), then the agreeing rules/cues.

import { createHash } from 'node:crypto'
import { CueLayer } from './cooc.ts'
import { extractFeatures, LabelModel, modelWordsReason } from './model.ts'
import { SharedLiterals } from './prefilter.ts'
import { detectLang, type Lang, type LangGuess } from './lang.ts'
import { BOUNDARY, normalise, type NormalisedDoc } from './normalize.ts'
import {
  isAllCaps,
  LABEL_VALUES as VALUES,
  loadRuleDir,
  PatternMatcher,
  SharedKeys,
  type ContextFile,
  type DocView,
  type LabelValue,
  type LoadedRules,
  type Match,
  type MarkerSpec,
  type PostModifier,
  type RuleLang,
  type RuleSpec,
  type ScoringSettings,
  RESTRICTION_KEYS,
  type RestrictionNegation,
} from './rules.ts'
import { stemNl } from './stem-nl.ts'
import { attributedQuotes, QUOTED_LABELS, withoutQuotes } from './quotes.ts'

export type { LabelValue } from './rules.ts'
export type { Lang } from './lang.ts'

export const LABEL_VALUES: readonly LabelValue[] = VALUES

export interface ClassifyInput {
  text: string
  /** the post's `langs` (BCP-47); used as a hint only */
  langs?: string[]
  /** image alt texts */
  alt?: string[]
  /** hashtags from tag facets and the record's `tags`, with or without '#' */
  tags?: string[]
}

export interface LabelDecision {
  val: LabelValue
  /** the label's score after modifiers; labels are given from 1 (the threshold). For a label from the
   *  learned layer (reasons start with "model:" or "model-alone:"): the model's probability */
  score: number
  /** the rule ids that counted, then the modifiers applied ("negation:<rule id>", "idiom:<name>",
   *  "recovery", "news", "critique", "help", "joke", "first-person"; "quoted" on a suppressed label
   *  that only words quoted from someone else carried) */
  reasons: string[]
}

export interface Classification {
  labels: LabelDecision[]
  lang: Lang
  /** labels that had some evidence but were not given, with their reasons (for audits and tuning) */
  suppressed: LabelDecision[]
  /** labels the learned layer puts to a person to review: those it suggests but does not give (the
   *  model is sure and a cue of the label agrees, but the rest of the post alone does not reach the
   *  label's threshold; reasons start with "model:"), and those it gave on its own, with no rule or cue
   *  of the label in the post or with one whose rest of the post was not enough (also in `labels`;
   *  reasons start with "model-alone:") */
  review?: LabelDecision[]
}

interface LangRules {
  rules: RuleSpec[]
  labels: LabelValue[]
  matcher: PatternMatcher
  /** the same rules matched without Dutch stemming (nl rules on an English post) */
  exact?: PatternMatcher
}

interface LangContext {
  markers: MarkerSpec[]
  matcher: PatternMatcher
}

/** The pieces of evidence for one label while a post is scored. */
interface Tally {
  /** token stretches of the rules that counted */
  spans: { start: number; end: number }[]
  weight: number
  strong: boolean
  evidence: number
  ruleIds: string[]
  modifiers: string[]
}

const round = (x: number) => Math.round(x * 100) / 100
/** Without stated langs, a post whose Dutch and English evidence are close (less than one function
 *  word apart), or that had too few words to tell, is read with the Dutch stems as well. */
function unclearLanguage(guess: LangGuess, stated: readonly string[] | undefined): boolean {
  if (stated !== undefined && stated.length > 0) return false
  if (guess.source !== 'text') return true
  return Math.abs((guess.scores.nl ?? 0) - (guess.scores.en ?? 0)) < 1
}

/** the learned layer's probability from the words outside the lexical cues must reach the label's
 *  threshold too, and at least this: the cue and the rest of the post are two pieces of evidence, as
 *  for rules (a weak cue never labels alone) */
export const MODEL_INDEPENDENT = 0.5

/** modifiers after which the learned layer is not asked */
const MODEL_VETO = new Set<string>(['recovery', 'news', 'critique', 'help', 'joke'])

// Negators that are the content of a restriction, not a negation of it (pro-ed only, issue 3, eighth
// pass). "ik eet al drie dagen niks meer", "i ate nothing": the negator is what is eaten. "youll never be
// thin if you eat": a threat to the reader, not a denial. "niet aan toegeven", "dont give in to the
// hunger": the negator forbids giving in. "ik wil niet meer mager zijn" and "i dont want to be thin" stay
// negations. The word lists are data: `restrictionNegation` in rules/context.*.yaml.
type RestrictionWords = { [K in keyof RestrictionNegation]-?: Set<string> }

/** Whether the negator at `i` (before a pro-ed match at `start`) is part of the restriction itself. */
function restrictionNegator(words: RestrictionWords, tokens: readonly string[], i: number, start: number): boolean {
  const t = tokens[i] as string
  if (words.objectNegators.has(t)) {
    // the object of eating: an eating word right after it, or up to four words before it
    if (words.afterObject.has(tokens[i + 1] as string)) return true
    for (let j = i - 1; j >= 0 && j >= i - 4; j--) {
      const w = tokens[j] as string
      if (w === BOUNDARY) break
      if (words.eatWords.has(w)) return true
    }
    return false
  }
  if (words.never.has(t)) {
    // "youll never", "you will never", "je wordt nooit", "word je nooit": a threat or a rule
    let reader = false
    for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
      const w = tokens[j] as string
      if (w === BOUNDARY || !words.reader.has(w)) break
      if (words.secondPerson.has(w)) reader = true
    }
    if (reader) return true
  }
  // a negator before giving in forbids giving in
  for (let j = i + 1; j < start + 4 && j < tokens.length; j++) {
    const w = tokens[j] as string
    if (w === BOUNDARY) break
    if (words.giveIn.has(w)) return true
  }
  return false
}

/** The post as the learned layer reads it: normalised without the rules' vocabulary, as in training, so
 *  a rule change does not shift it. The vocabulary only splits hashtags: without any, `doc` (the
 *  classifier's own) is the same. */
export function learnedDoc(doc: NormalisedDoc, input: ClassifyInput): NormalisedDoc {
  return doc.tags.size === 0 ? doc : normalise(input)
}

export class Classifier {
  /** a short hash over all rule and context files: store it with every label */
  readonly rulesVersion: string
  /** the version of each rule and context file, by file name */
  readonly fileVersions: Readonly<Record<string, string>>
  readonly #scoring: ScoringSettings
  readonly #rules = new Map<RuleLang, LangRules>()
  readonly #context = new Map<RuleLang, LangContext>()
  readonly #negators = new Set<string>()
  readonly #negationBreakers = new Set<string>()
  readonly #restriction = Object.fromEntries(RESTRICTION_KEYS.map((k) => [k, new Set<string>()])) as RestrictionWords
  readonly #firstPerson = new Set<string>()
  readonly #quoteSources = new Set<string>()
  readonly #vocab = new Set<string>()
  readonly #cues: CueLayer
  readonly #model: LabelModel | undefined

  private constructor(loaded: LoadedRules, model: LabelModel | undefined) {
    this.#model = model
    // the learned layer's file is part of what produced a label
    this.rulesVersion = model === undefined ? loaded.version : createHash('sha256').update(`${loaded.version}+${model.version}`).digest('hex').slice(0, 12)
    this.#scoring = loaded.scoring
    const versions: Record<string, string> = {}
    for (const { name, file } of [...loaded.ruleFiles, ...loaded.contextFiles]) versions[name] = file.version
    this.fileVersions = versions

    // every matcher's regex literals in one set: a post is scanned for them once
    const literals = new SharedLiterals()
    const keys = new SharedKeys()
    for (const lang of ['nl', 'en', 'any'] as const) {
      const files = loaded.ruleFiles.filter((f) => f.file.lang === lang)
      const rules: RuleSpec[] = []
      const labels: LabelValue[] = []
      for (const { file } of files) {
        for (const r of file.rules) {
          rules.push(r)
          labels.push(file.label)
        }
      }
      const matcher = new PatternMatcher(rules, lang === 'nl', stemNl, literals, keys)
      const entry: LangRules = { rules, labels, matcher }
      if (lang === 'nl') entry.exact = new PatternMatcher(rules, false, stemNl, literals, keys)
      this.#rules.set(lang, entry)
      for (const w of matcher.words) this.#vocab.add(w)

      const ctx: ContextFile[] = loaded.contextFiles.filter((c) => c.file.lang === lang).map((c) => c.file)
      const markers = ctx.flatMap((c) => c.markers)
      const cm = new PatternMatcher(markers, false, stemNl, literals, keys)
      this.#context.set(lang, { markers, matcher: cm })
      for (const w of cm.words) this.#vocab.add(w)
      for (const c of ctx) {
        for (const w of c.negators ?? []) this.#negators.add(w)
        for (const w of c.negationBreakers ?? []) this.#negationBreakers.add(w)
        for (const w of c.firstPerson ?? []) this.#firstPerson.add(w)
        for (const w of c.quoteSources ?? []) this.#quoteSources.add(w)
        for (const key of RESTRICTION_KEYS) for (const w of c.restrictionNegation?.[key] ?? []) this.#restriction[key].add(w)
      }
    }
    for (const w of [...this.#negators, ...this.#firstPerson]) this.#vocab.add(w)
    this.#cues = new CueLayer(loaded.cueFiles, literals, keys)
    for (const w of this.#cues.words) this.#vocab.add(w)
  }

  /**
   * Reads the rule files and the learned layer's model file once (synchronously). Throws
   * RuleFileError on a broken rule file.
   * @param opts.model a model file path, a loaded model, or false for rules only (default:
   *   model/labeler-model.json when it exists and `dir` is the shipped rule directory; the model was
   *   trained next to those rules, so another rule directory runs without it unless one is given)
   */
  static load(dir?: string | URL, opts: { model?: string | false | LabelModel } = {}): Classifier {
    const model =
      opts.model === false
        ? undefined
        : opts.model instanceof LabelModel
          ? opts.model
          : opts.model !== undefined || dir === undefined
            ? LabelModel.load(opts.model)
            : undefined
    return new Classifier(loadRuleDir(dir), model)
  }

  /** Whether the learned layer is loaded. */
  get hasModel(): boolean {
    return this.#model !== undefined
  }

  /** The words the rules know; used to split hashtags ("proana" → pro ana). */
  get vocabulary(): ReadonlySet<string> {
    return this.#vocab
  }

  /** Normalises a post as the classifier sees it (for tests and debugging). */
  normalise(input: ClassifyInput): NormalisedDoc {
    return normalise(input, this.#vocab)
  }

  classify(input: ClassifyInput): Classification {
    const result = this.#classify(input)
    // a label of QUOTED_LABELS that only words quoted from someone else carried ("the ad called my
    // croissant 'sinful'") is not given: the post reports the phrase (quotes.ts). Read again only for
    // a post that has the label and such a quotation
    if (this.#quoteSources.size === 0 || !result.labels.some((d) => QUOTED_LABELS.includes(d.val))) return result
    const quotes = attributedQuotes(input.text, this.#quoteSources, this.#firstPerson)
    if (quotes.length === 0) return result
    const again = this.#classify({ ...input, text: withoutQuotes(input.text, quotes) })
    const quoted = new Set(result.labels.filter((d) => QUOTED_LABELS.includes(d.val) && !again.labels.some((a) => a.val === d.val)).map((d) => d.val))
    if (quoted.size === 0) return result
    const labels = result.labels.filter((d) => !quoted.has(d.val))
    const suppressed = [...result.suppressed, ...result.labels.filter((d) => quoted.has(d.val)).map((d) => ({ ...d, reasons: [...d.reasons, 'quoted'] }))]
    const review = result.review?.filter((d) => !quoted.has(d.val))
    return review !== undefined && review.length > 0 ? { labels, lang: result.lang, suppressed, review } : { labels, lang: result.lang, suppressed }
  }

  #classify(input: ClassifyInput): Classification {
    const doc = normalise(input, this.#vocab)
    const guess = detectLang([input.text, ...(input.alt ?? [])].join('\n'), input.langs ?? [])
    const lang = guess.lang
    const view: DocView = { doc, allcaps: isAllCaps(input.text) }
    // Dutch posts are full of English loanwords, so nl and en posts get both rule sets (the post's
    // own language first); other languages get only the language-independent rules
    const langs: RuleLang[] = lang === 'other' ? ['any'] : lang === 'nl' ? ['any', 'nl', 'en'] : ['any', 'en', 'nl']
    // a post read as English without stated langs whose text is nearly as Dutch as English ("sh
    // terugval 😞", a hashtag line) also gets the Dutch rules and cues on Dutch stems, as a Dutch post
    const dutchStems = lang === 'nl' || (lang === 'en' && unclearLanguage(guess, input.langs))

    // the rules' and cues' matches first: a post where none matches has no evidence for any label, and
    // the context (idioms, modifiers, first person) is only worked out for posts where something matched
    const stems = dutchStems ? doc.tokens.map((t) => (t === BOUNDARY ? t : stemNl(t))) : undefined
    const ruleMatches: { set: LangRules; matches: Match[] }[] = []
    for (const l of langs) {
      const set = this.#rules.get(l)
      if (set === undefined) continue
      let matcher = set.matcher
      let v = view
      if (l === 'nl') {
        if (stems !== undefined) v = { ...view, stems }
        else matcher = set.exact ?? matcher
      }
      const matches = matcher.match(v)
      if (matches.length > 0) ruleMatches.push({ set, matches })
    }
    const cueMatches = this.#cues.match(view, dutchStems ? 'nl' : lang, stems)
    // the learned layer's view of the post and its probabilities, worked out once and only when needed
    let learned: { plain: NormalisedDoc; probabilities: Float64Array } | undefined
    const learnedView = (model: LabelModel) => {
      if (learned === undefined) {
        const plain = learnedDoc(doc, input)
        learned = { plain, probabilities: model.probabilities(plain) }
      }
      return learned
    }
    if (ruleMatches.length === 0 && cueMatches.length === 0) {
      // no rule or cue matched: only the learned layer on its own can give a label (it knows Dutch and
      // English only), so the context is worked out only for a post it scores at an alone threshold
      const model = this.#model
      if (model === undefined || model.alone.size === 0 || lang === 'other') return { labels: [], lang, suppressed: [] }
      if (!model.reachesAlone(learnedView(model).probabilities)) return { labels: [], lang, suppressed: [] }
    }

    // context: which tokens are inside idioms, which post-level modifiers apply, first person
    const idioms: { start: number; end: number; name: string; labels?: LabelValue[] }[] = []
    const post = new Set<PostModifier>()
    for (const l of langs) {
      const ctx = this.#context.get(l)
      if (ctx === undefined) continue
      for (const m of ctx.matcher.match(view)) {
        const spec = ctx.markers[m.owner] as MarkerSpec
        // recovery and joke markers can be negated ("no recovery", "not kidding"); the others describe
        // the framing of the whole post and stand regardless
        const negatable = spec.negatable ?? (spec.kind === 'recovery' || spec.kind === 'joke')
        if (negatable && m.start >= 0 && this.#negated(doc, m.start)) continue
        if (spec.kind === 'idiom') {
          idioms.push({ start: m.start, end: m.end, name: spec.name ?? spec.id, ...(spec.labels ? { labels: spec.labels } : {}) })
        } else {
          post.add(spec.kind)
        }
      }
    }
    let firstPerson = false
    for (let i = 0; i < doc.postTokens; i++) {
      const t = doc.tokens[i] as string
      if (this.#firstPerson.has(t)) {
        firstPerson = true
        break
      }
    }

    // every match that survives idioms and negation, per label; a stretch of text counts once per
    // label, for the heaviest rule that matched it (so "glow up" in the nl and en files is one cue)
    const candidates = new Map<LabelValue, { rule: RuleSpec; start: number; end: number }[]>()
    const discarded = new Map<LabelValue, string[]>()
    for (const { set, matches } of ruleMatches) {
      for (const m of matches) {
        const rule = set.rules[m.owner] as RuleSpec
        const label = set.labels[m.owner] as LabelValue
        let why: string | undefined
        if (m.start >= 0) {
          const idiom = idioms.find((d) => m.start < d.end && d.start < m.end && (d.labels === undefined || d.labels.includes(label)))
          if (idiom !== undefined) why = `idiom:${idiom.name}`
          else if (rule.negatable !== false && this.#negated(doc, m.start, label === 'pro-ed')) why = `negation:${rule.id}`
        }
        if (why !== undefined) {
          const list = discarded.get(label) ?? []
          if (!list.includes(why)) list.push(why)
          discarded.set(label, list)
          continue
        }
        const list = candidates.get(label) ?? []
        list.push({ rule, start: m.start, end: m.end })
        candidates.set(label, list)
      }
    }
    const tallies = new Map<LabelValue, Tally>()
    for (const label of new Set([...candidates.keys(), ...discarded.keys()])) {
      const t: Tally = { spans: [], weight: 0, strong: false, evidence: 0, ruleIds: [], modifiers: [] }
      tallies.set(label, t)
      const list = (candidates.get(label) ?? []).sort((a, b) => b.rule.weight - a.rule.weight)
      const claimed: { start: number; end: number; rule: RuleSpec }[] = []
      const counted = new Set<RuleSpec>()
      const groups = new Set<string>()
      for (const c of list) {
        if (c.start >= 0 && claimed.some((k) => k.rule !== c.rule && c.start < k.end && k.start < c.end)) continue
        if (c.start >= 0) claimed.push(c)
        if (counted.has(c.rule)) continue
        if (c.rule.group !== undefined) {
          if (groups.has(c.rule.group)) continue
          groups.add(c.rule.group)
        }
        counted.add(c.rule)
        t.weight += c.rule.weight
        t.evidence++
        if (c.rule.strong) t.strong = true
        t.ruleIds.push(c.rule.id)
        if (c.start >= 0) t.spans.push({ start: c.start, end: c.end })
      }
      // a discarded rule that matched elsewhere too was counted; its discard note still explains
      t.modifiers.push(...(discarded.get(label) ?? []))
    }

    const { threshold, firstPersonBonus, factors } = this.#scoring

    // co-occurrence of weak cue families: tops a label up to the threshold, never above it
    const ruled = new Set<LabelValue>()
    for (const [label, t] of tallies) if (t.evidence > 0) ruled.add(label)
    const singleCues = new Map<LabelValue, { ids: string[]; spans: { start: number; end: number }[] }>()
    const cooc = this.#cues.score(cueMatches, ruled, idioms, (start, label) => this.#negated(doc, start, label === 'pro-ed'), singleCues)
    for (const [label, c] of cooc) {
      let t = tallies.get(label)
      if (t === undefined) {
        t = { spans: [], weight: 0, strong: false, evidence: 0, ruleIds: [], modifiers: [] }
        tallies.set(label, t)
      }
      const lift = Math.min(c.weight, Math.max(0, threshold - t.weight))
      if (lift <= 0 && t.strong) continue
      t.weight += lift
      t.evidence++
      t.strong = true
      t.ruleIds.push(...c.reasons)
    }

    // modifiers and decisions
    const labels: LabelDecision[] = []
    const suppressed: LabelDecision[] = []
    // labels the learned layer may still give: some rule or cue of the label matched, no modifier
    // lowered it, the rules did not give it
    const askModel: LabelValue[] = []
    const review: LabelDecision[] = []
    for (const val of LABEL_VALUES) {
      const t = tallies.get(val)
      if (t === undefined) {
        if (singleCues.has(val) && !this.#lowered(val, post, firstPerson)) askModel.push(val)
        continue
      }
      let score = t.weight
      let evidence = t.evidence
      const modifiers = [...t.modifiers]
      if (val === 'self-harm' && firstPerson && evidence > 0) {
        score += firstPersonBonus
        evidence++
        modifiers.push('first-person')
      }
      for (const kind of post) {
        // a help line mentioned by someone who speaks about themselves does not cancel self-harm
        if (kind === 'help' && firstPerson) continue
        const f = factors[kind][val]
        if (f === undefined || f === 1 || evidence === 0) continue
        score *= f
        modifiers.push(kind)
      }
      const decision: LabelDecision = { val, score: round(score), reasons: [...t.ruleIds, ...modifiers] }
      if (score >= threshold - 1e-9 && (t.strong || evidence >= 2)) labels.push(decision)
      else {
        suppressed.push(decision)
        if ((t.evidence > 0 || singleCues.has(val)) && !modifiers.some((m) => MODEL_VETO.has(m))) askModel.push(val)
      }
    }

    const model = this.#model
    // the labels the learned layer may give on its own: in a Dutch or English post, where no rule or cue
    // of the label matched (not even one that negation, an idiom or a veto discarded: where one
    // counted, the gated layer above decides, with its check on the words outside the cue), and no
    // modifier lowers the label
    const cueLabels = model === undefined || model.alone.size === 0 ? undefined : this.#cues.labelsMatched(cueMatches)
    const askAlone =
      model === undefined || lang === 'other'
        ? []
        : [...model.alone.keys()].filter((val) => !tallies.has(val) && !cueLabels?.has(val) && !this.#lowered(val, post, firstPerson))
    // only labels whose probability reaches the threshold they are asked at are scored in full (with
    // the words that drove them and the rest of the post without the cue words)
    const seen = model === undefined || (askModel.length === 0 && askAlone.length === 0) ? undefined : learnedView(model)
    const reaching = (val: LabelValue, min: number | undefined) => seen !== undefined && min !== undefined && (model as LabelModel).probabilityOf(seen.probabilities, val) >= min
    const scoreModel = askModel.filter((val) => reaching(val, model?.thresholds.get(val)))
    const scoreAlone = askAlone.filter((val) => reaching(val, model?.alone.get(val)))
    if (model !== undefined && seen !== undefined && (scoreModel.length > 0 || scoreAlone.length > 0)) {
      const { plain } = seen
      const features = extractFeatures(plain)
      // the words the label's rules and cues matched: the model must also lean to the label without them
      const cueWords = new Map<LabelValue, Set<string>>()
      for (const val of scoreModel) {
        const words = new Set<string>()
        for (const sp of [...(tallies.get(val)?.spans ?? []), ...(singleCues.get(val)?.spans ?? [])]) {
          for (let i = sp.start; i < sp.end; i++) words.add(doc.tokens[i] as string)
        }
        cueWords.set(val, words)
      }
      // a label the layer gives; one it gives on its own also goes to a person to confirm
      const give = (decision: LabelDecision) => {
        const i = suppressed.findIndex((d) => d.val === decision.val)
        if (i >= 0) suppressed.splice(i, 1)
        labels.push(decision)
        if (decision.reasons[0]?.startsWith('model-alone:') === true) review.push(decision)
      }
      const scores = model.score(plain, features, [...scoreModel, ...scoreAlone], cueWords)
      for (const [val, s] of scores) {
        if (s.words.length === 0) continue
        const score = round(s.probability)
        const words = modelWordsReason(s.words)
        const alone = model.alone.get(val)
        const sureAlone = alone !== undefined && s.probability >= alone && !s.words.some((w) => this.#wordVetoed(doc, w, val, idioms))
        if (askModel.includes(val)) {
          const min = model.thresholds.get(val)
          if (min === undefined || s.probability < min || s.independent < MODEL_INDEPENDENT) continue
          const agreeing = [...new Set([...(tallies.get(val)?.ruleIds ?? []), ...(singleCues.get(val)?.ids ?? [])])]
          // the rest of the post reaches the threshold too: the label. It only leans to the label: a
          // suggestion for a person, unless the layer is sure enough to give the label on its own
          if (s.independent >= min) give({ val, score, reasons: [`model:${val}`, words, ...agreeing] })
          else if (sureAlone && lang !== 'other') give({ val, score, reasons: [`model-alone:${val}`, words, ...agreeing] })
          else review.push({ val, score, reasons: [`model:${val}`, words, ...agreeing] })
          continue
        }
        // on its own (no rule or cue of the label): sure enough, none of the words that drove it negated
        // or inside an idiom, and never on one word: without the word that added most, the rest of the
        // post still leans to the label (as the gated layer asks of the words outside the cues)
        if (!sureAlone) continue
        const rest = model.score(plain, features, [val], new Map([[val, new Set([s.words[0] as string])]])).get(val)
        if (rest === undefined || rest.independent < MODEL_INDEPENDENT) continue
        give({ val, score, reasons: [`model-alone:${val}`, words] })
      }
      labels.sort((a, b) => LABEL_VALUES.indexOf(a.val) - LABEL_VALUES.indexOf(b.val))
    }
    return review.length > 0 ? { labels, lang, suppressed, review } : { labels, lang, suppressed }
  }

  /** Whether a word the learned layer named is negated or inside an idiom of `val`, wherever it occurs
   *  in the post ("ik wil niet meer mager zijn", "ik ga dood van het lachen"). */
  #wordVetoed(doc: NormalisedDoc, word: string, val: LabelValue, idioms: readonly { start: number; end: number; labels?: LabelValue[] }[]): boolean {
    for (let i = 0; i < doc.tokens.length; i++) {
      if (doc.tokens[i] !== word) continue
      if (this.#negated(doc, i, val === 'pro-ed')) return true
      if (idioms.some((d) => i >= d.start && i < d.end && (d.labels === undefined || d.labels.includes(val)))) return true
    }
    return false
  }

  /** Whether a post-level modifier lowers `val` (as in the decision loop). */
  #lowered(val: LabelValue, post: ReadonlySet<PostModifier>, firstPerson: boolean): boolean {
    for (const kind of post) {
      if (kind === 'help' && firstPerson) continue
      const f = this.#scoring.factors[kind][val]
      if (f !== undefined && f < 1) return true
    }
    return false
  }

  /** A negator within the window before token `start`, in the same sentence, unless a negation
   *  breaker follows it ("can't stop thinking about" is not a negation of "thinking about"). For
   *  pro-ed (`restriction`), a negator that is part of the restriction itself is skipped (see
   *  restrictionNegator). */
  #negated(doc: NormalisedDoc, start: number, restriction = false): boolean {
    const window = this.#scoring.negationWindow
    for (let i = start - 1; i >= 0 && i >= start - window; i--) {
      const t = doc.tokens[i] as string
      if (t === BOUNDARY) return false
      if (this.#negators.has(t)) {
        if (restriction && restrictionNegator(this.#restriction, doc.tokens, i, start)) continue
        return !(i + 1 < start && this.#negationBreakers.has(doc.tokens[i + 1] as string))
      }
    }
    return false
  }
}
