// Evaluation against the labelled dev set (../shared/labeler-dev-set.jsonl): per-label precision,
// recall and F1, the share of unlabelled posts that got a label, and language-detector agreement.
// Used by scripts/eval-labeler.ts and by the train-split test.

import { readFileSync } from 'node:fs'
import { LABEL_VALUES, type Classifier, type LabelValue } from './index.ts'
import { detectLang, mapLangTag, type Lang } from './lang.ts'

export interface DevPost {
  id: string
  text: string
  langs: string[]
  alt: string[]
  labels: LabelValue[]
  note: string
  split: 'train' | 'test'
}

export const TARGET_PRECISION = 0.9
export const TARGET_RECALL = 0.8
export const TARGET_FLAGGED = 0.03

export function loadDevSet(path: string): DevPost[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DevPost)
}

/** The language group of a post by its gold `langs`: nl, en, other, or none when langs is empty. */
export function goldLangGroup(p: DevPost): Lang | 'none' {
  const first = p.langs[0]
  return first === undefined ? 'none' : mapLangTag(first)
}

export interface LabelMetrics {
  tp: number
  fp: number
  fn: number
  precision: number
  recall: number
  f1: number
}

export interface Mistake {
  id: string
  label: LabelValue
  kind: 'fp' | 'fn'
  reasons: string[]
}

export interface Report {
  posts: number
  perLabel: Record<LabelValue, LabelMetrics>
  micro: LabelMetrics
  unlabelled: number
  unlabelledFlagged: number
  mistakes: Mistake[]
}

function metrics(tp: number, fp: number, fn: number): LabelMetrics {
  // with nothing predicted and nothing to find, precision and recall are vacuously 1
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn)
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { tp, fp, fn, precision, recall, f1 }
}

/** Classifies `posts` and scores the result against their gold labels. */
export function evaluate(classifier: Classifier, posts: readonly DevPost[]): Report {
  const counts = new Map<LabelValue, { tp: number; fp: number; fn: number }>()
  for (const l of LABEL_VALUES) counts.set(l, { tp: 0, fp: 0, fn: 0 })
  let unlabelled = 0
  let unlabelledFlagged = 0
  const mistakes: Mistake[] = []
  for (const p of posts) {
    const res = classifier.classify({ text: p.text, langs: p.langs, alt: p.alt })
    const got = new Map(res.labels.map((d) => [d.val, d.reasons]))
    const suppressed = new Map(res.suppressed.map((d) => [d.val, d.reasons]))
    if (p.labels.length === 0) {
      unlabelled++
      if (got.size > 0) unlabelledFlagged++
    }
    for (const l of LABEL_VALUES) {
      const c = counts.get(l) as { tp: number; fp: number; fn: number }
      const want = p.labels.includes(l)
      const has = got.has(l)
      if (want && has) c.tp++
      else if (has) {
        c.fp++
        mistakes.push({ id: p.id, label: l, kind: 'fp', reasons: got.get(l) ?? [] })
      } else if (want) {
        c.fn++
        mistakes.push({ id: p.id, label: l, kind: 'fn', reasons: suppressed.get(l) ?? [] })
      }
    }
  }
  const perLabel = {} as Record<LabelValue, LabelMetrics>
  let tp = 0
  let fp = 0
  let fn = 0
  for (const [l, c] of counts) {
    perLabel[l] = metrics(c.tp, c.fp, c.fn)
    tp += c.tp
    fp += c.fp
    fn += c.fn
  }
  return { posts: posts.length, perLabel, micro: metrics(tp, fp, fn), unlabelled, unlabelledFlagged, mistakes }
}

export function meetsTargets(m: LabelMetrics): boolean {
  return m.precision >= TARGET_PRECISION && m.recall >= TARGET_RECALL
}

export interface LangAgreement {
  /** posts that state langs */
  stated: number
  /** of those, where the detected language is one of the stated ones */
  agree: number
  /** posts without langs, by detected language */
  missing: Record<Lang, number>
  /** disagreeing posts of the TRAIN split only (test-split posts are counted, never listed: nobody may
   *  read test texts or ids while tuning) */
  disagreements: { id: string; stated: string[]; detected: Lang; text: string }[]
  /** disagreeing posts outside the train split: counted only */
  unlistedDisagreements: number
}

/** Compares the language detector with the posts' stated `langs` (which are sometimes wrong on purpose). */
export function langAgreement(posts: readonly DevPost[]): LangAgreement {
  const out: LangAgreement = { stated: 0, agree: 0, missing: { nl: 0, en: 0, other: 0 }, disagreements: [], unlistedDisagreements: 0 }
  for (const p of posts) {
    const detected = detectLang([p.text, ...p.alt].join('\n'), p.langs).lang
    if (p.langs.length === 0) {
      out.missing[detected]++
      continue
    }
    out.stated++
    if (p.langs.map(mapLangTag).includes(detected)) out.agree++
    else if (p.split === 'train') out.disagreements.push({ id: p.id, stated: p.langs, detected, text: p.text })
    else out.unlistedDisagreements++
  }
  return out
}
