// The co-occurrence layer: a generalising, still explainable, second pass over a post. Each label has
// broad lexicons of WEAK cues per language (rules/cues/<label>.<nl|en|any>.yaml), grouped into
// families (for diet-culture: food, moral, calorie, weight-loss…). No cue labels a post; a combo —
// two or more DISTINCT families of the same label found in one post, e.g. `dc.cooc.food+moral` —
// adds its weight. The layer can lift a label up to the threshold but never above it, so the
// post-level modifiers (recovery, news, critique, help, joke) still veto a combo-only label, and a
// cue right after a negator or inside an idiom does not count, as with the rules.
//
// Dutch cues are matched on Dutch stems (posts detected as Dutch), English cues on folded suffixes
// (foldEn), `any` cues (emoji, numbers with units) on the tokens. Posts in other languages get no
// co-occurrence evidence: the README allows them labels only from strong language-independent rules.

import type { Lang } from './lang.ts'
import { foldEn } from './fold-en.ts'
import { BOUNDARY } from './normalize.ts'
import type { SharedLiterals } from './prefilter.ts'
import { PatternMatcher, type SharedKeys, type ComboSpec, type CueFile, type CueSpec, type DocView, type LabelValue, type Match, type RuleLang } from './rules.ts'
import { stemNl } from './stem-nl.ts'

interface LangCues {
  cues: CueSpec[]
  labels: LabelValue[]
  matcher: PatternMatcher
  /** nl cues without stemming, for posts that are not detected as Dutch */
  exact?: PatternMatcher
}

/** The cue matches of a post, per cue language (see CueLayer.match). */
export type CueMatches = { set: LangCues; matches: Match[] }[]

/** What the layer found for one label. */
export interface CoocResult {
  /** the heaviest combo that fired */
  weight: number
  /** the combo ids that fired, then the cue ids that made them */
  reasons: string[]
}

/** A token range where cue matches are discarded (an idiom), for some labels or all. */
export interface CoocSpan {
  start: number
  end: number
  labels?: readonly LabelValue[]
}

export class CueLayer {
  readonly #langs = new Map<RuleLang, LangCues>()
  readonly #combos = new Map<LabelValue, ComboSpec[]>()
  /** every plain word in a cue phrase (for hashtag splitting) */
  readonly words = new Set<string>()

  /** @param literals the literal pre-check shared with the classifier's other matchers
   *  @param keys the phrases' first words, shared with the classifier's other matchers */
  constructor(files: readonly { file: CueFile }[], literals?: SharedLiterals, keys?: SharedKeys) {
    for (const lang of ['nl', 'en', 'any'] as const) {
      const cues: CueSpec[] = []
      const labels: LabelValue[] = []
      for (const { file } of files) {
        if (file.lang !== lang) continue
        for (const c of file.cues ?? []) {
          cues.push(c)
          labels.push(file.label)
        }
      }
      const matcher =
        lang === 'nl'
          ? new PatternMatcher(cues, true, stemNl, literals, keys)
          : lang === 'en'
            ? new PatternMatcher(cues, true, foldEn, literals, keys)
            : new PatternMatcher(cues, false, stemNl, literals, keys)
      const entry: LangCues = { cues, labels, matcher }
      if (lang === 'nl') entry.exact = new PatternMatcher(cues, false, stemNl, literals, keys)
      this.#langs.set(lang, entry)
      for (const w of matcher.words) this.words.add(w)
    }
    for (const { file } of files) {
      for (const c of file.combos ?? []) {
        const list = this.#combos.get(file.label) ?? []
        list.push(c)
        this.#combos.set(file.label, list)
      }
    }
    for (const list of this.#combos.values()) list.sort((a, b) => b.weight - a.weight)
  }

  get size(): number {
    let n = 0
    for (const l of this.#langs.values()) n += l.cues.length
    return n
  }

  /**
   * The cue matches in a post, per cue language in the order they are scored (the first step of
   * `score`; empty when the post has none, so a caller can skip the context work).
   * @param stems the Dutch stems of the post's tokens (used for a post read as Dutch)
   */
  match(view: DocView, lang: Lang, stems?: string[]): CueMatches {
    const out: CueMatches = []
    if (lang === 'other') return out
    const { doc } = view
    const order: RuleLang[] = lang === 'nl' ? ['any', 'nl', 'en'] : ['any', 'en', 'nl']
    for (const l of order) {
      const set = this.#langs.get(l)
      if (set === undefined || set.cues.length === 0) continue
      let matcher = set.matcher
      let v: DocView = view
      if (l === 'nl') {
        if (lang === 'nl') v = { ...view, stems: stems ?? doc.tokens.map((t) => (t === BOUNDARY ? t : stemNl(t))) }
        else matcher = set.exact ?? matcher
      } else if (l === 'en') {
        v = { ...view, stems: doc.tokens.map((t) => (t === BOUNDARY ? t : foldEn(t))) }
      }
      const matches = matcher.match(v)
      if (matches.length > 0) out.push({ set, matches })
    }
    return out
  }

  /** The labels any of whose cues matched, before idioms, negation or vetoes discard any. */
  labelsMatched(matches: CueMatches): Set<LabelValue> {
    const out = new Set<LabelValue>()
    for (const { set, matches: list } of matches) for (const m of list) out.add(set.labels[m.owner] as LabelValue)
    return out
  }

  /**
   * The combos that fire in a post, per label.
   * @param matches the post's cue matches (`match`)
   * @param ruled labels for which some rule already counted (the pseudo-family "rule")
   * @param skip a match of a cue of `label` starting at this token is discarded when this returns true
   *   (negation)
   * @param single when given, filled with the cue ids found per label and the token stretches they
   *   matched, combo or not (single cues are the weak lexical agreement the learned layer needs, model.ts)
   */
  score(
    matches: CueMatches,
    ruled: ReadonlySet<LabelValue>,
    idioms: readonly CoocSpan[],
    skip: (start: number, label: LabelValue) => boolean,
    single?: Map<LabelValue, { ids: string[]; spans: { start: number; end: number }[] }>,
  ): Map<LabelValue, CoocResult> {
    const out = new Map<LabelValue, CoocResult>()
    // family → the first cue id that found it, per label
    const found = new Map<LabelValue, Map<string, string>>()
    // the token stretches each label's families were found on: one stretch of text is one cue, so
    // "eat clean" cannot be both a food and a moral cue
    const claimed = new Map<LabelValue, { start: number; end: number; family: string }[]>()
    const cueSpans: { label: LabelValue; start: number; end: number }[] = []
    for (const { set, matches: list } of matches) {
      // longer matches first: a stretch of text belongs to the most specific cue that found it
      for (const m of list.sort((a, b) => b.end - b.start - (a.end - a.start))) {
        const cue = set.cues[m.owner] as CueSpec
        const label = set.labels[m.owner] as LabelValue
        const fams = found.get(label) ?? new Map<string, string>()
        if (fams.has(cue.family)) {
          // a family counts once, but every stretch a cue of the label matched is lexical evidence
          if (single !== undefined && m.start >= 0) cueSpans.push({ label, start: m.start, end: m.end })
          continue
        }
        if (m.start >= 0) {
          if (idioms.some((d) => m.start < d.end && d.start < m.end && (d.labels === undefined || d.labels.includes(label)))) continue
          if (cue.negatable !== false && skip(m.start, label)) continue
          const spans = claimed.get(label) ?? []
          if (spans.some((k) => k.family !== cue.family && m.start < k.end && k.start < m.end)) continue
          spans.push({ start: m.start, end: m.end, family: cue.family })
          claimed.set(label, spans)
        }
        fams.set(cue.family, cue.id)
        found.set(label, fams)
      }
    }
    if (single !== undefined) {
      for (const [label, fams] of found) {
        const spans = [...(claimed.get(label) ?? []), ...cueSpans.filter((c) => c.label === label)].map(({ start, end }) => ({ start, end }))
        single.set(label, { ids: [...fams.values()], spans })
      }
    }
    for (const [label, combos] of this.#combos) {
      const fams = found.get(label)
      if (fams === undefined) continue
      const has = (f: string) => (f === 'rule' ? ruled.has(label) : fams.has(f))
      let res: CoocResult | undefined
      const cueIds = new Set<string>()
      for (const c of combos) {
        if (!c.families.every(has)) continue
        res ??= { weight: c.weight, reasons: [] }
        res.reasons.push(c.id)
        for (const f of c.families) if (f !== 'rule') cueIds.add(fams.get(f) as string)
      }
      if (res !== undefined) {
        res.reasons.push(...cueIds)
        out.set(label, res)
      }
    }
    return out
  }
}
