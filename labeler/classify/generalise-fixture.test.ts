// The issue-3 generalisation fixture (fixtures/generalise.jsonl): posts written for issue 3, in both
// languages, in the label categories of LABELS.md but in wordings that the train split does not have,
// plus near misses. Rules were tuned on it (like fixtures/paraphrases.jsonl), so it guards against
// regressions; it does not measure generalisation (the blind and independent sets do that).
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { evaluate, loadDevSet } from './evaluate.ts'
import { Classifier, LABEL_VALUES } from './index.ts'

const posts = loadDevSet(resolve(import.meta.dirname, 'fixtures/generalise.jsonl'))
const classifier = Classifier.load()
const report = evaluate(classifier, posts)

describe('issue-3 generalisation fixture', () => {
  test('has positives for every label it covers and near misses', () => {
    for (const l of ['pro-ed', 'diet-culture', 'body-comparison', 'lifestyle-flex', 'outrage-bait', 'self-harm'] as const) {
      expect(posts.filter((p) => p.labels.includes(l)).length, l).toBeGreaterThanOrEqual(14)
    }
    expect(posts.filter((p) => p.labels.length === 0).length).toBeGreaterThanOrEqual(70)
  })

  test.each([...LABEL_VALUES])('%s: recall ≥ 0.9', (label) => {
    const m = report.perLabel[label]
    expect(m.recall, `${label} recall (tp ${m.tp}, fn ${m.fn})`).toBeGreaterThanOrEqual(0.9)
  })

  test.each([...LABEL_VALUES])('%s: precision ≥ 0.9 (diet-culture on top of a pro-ed post not counted)', (label) => {
    // the dev set gives a pure restriction post (fasting, weights) only pro-ed; whether a diet-culture
    // warning on top of it is wrong is a convention, so those posts do not count here
    let tp = 0
    let fp = 0
    for (const p of posts) {
      const got = classifier.classify({ text: p.text, langs: p.langs, alt: p.alt }).labels.some((d) => d.val === label)
      if (!got) continue
      if (p.labels.includes(label)) tp++
      else if (!(label === 'diet-culture' && p.labels.includes('pro-ed'))) fp++
    }
    expect(tp / Math.max(1, tp + fp), `${label} precision (tp ${tp}, fp ${fp})`).toBeGreaterThanOrEqual(0.9)
  })

  test('at most 2% of the near misses get a label', () => {
    expect(report.unlabelledFlagged / report.unlabelled).toBeLessThanOrEqual(0.02)
  })
})
