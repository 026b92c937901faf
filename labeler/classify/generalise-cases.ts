// Test support for the generalisation tests (generalise*.test.ts): one classifier with the shipped
// rules, the two questions those tests ask of it, and the shared "a positive and a near miss each" tables.
import { describe, expect, test } from 'vitest'
import { Classifier, type LabelValue } from './index.ts'

const classifier = Classifier.load()
const decide = (text: string, lang: string) => classifier.classify({ text, langs: [lang] })

/** The reasons of the decision for `val` on a post in `lang` (empty when the label is not given). */
export const reasons = (text: string, lang: string, val: LabelValue) => decide(text, lang).labels.find((l) => l.val === val)?.reasons ?? []
/** Whether a post in `lang` gets the label `val`. */
export const has = (text: string, lang: string, val: LabelValue) => decide(text, lang).labels.some((l) => l.val === val)

/** A rule, family or combo id; the label; the post's language; a post it must label (with the id among
 *  the reasons); a near miss that must stay without the label. */
export type Case = [reason: string, label: LabelValue, lang: string, positive: string, nearMiss: string]

export function positivesAndNearMisses(title: string, cases: Case[]): void {
  describe(title, () => {
    test.each(cases)('%s (%s, %s)', (reason, label, lang, positive, nearMiss) => {
      expect(reasons(positive, lang, label), positive).toContain(reason)
      expect(has(nearMiss, lang, label), nearMiss).toBe(false)
    })
  })
}

/** The label; the post's language; a post it must label; a near miss that must stay without it (for
 *  context markers and idioms, which have no rule id of their own among the reasons). */
export type Pair = readonly [label: LabelValue, lang: string, positive: string, nearMiss: string]

export function labelledAndNot(title: string, pairs: readonly Pair[]): void {
  describe(title, () => {
    test.each(pairs)('%s (%s)', (label, lang, positive, nearMiss) => {
      expect(has(positive, lang, label), positive).toBe(true)
      expect(has(nearMiss, lang, label), nearMiss).toBe(false)
    })
  })
}
