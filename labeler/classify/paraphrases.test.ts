// The hand-written paraphrase fixture (fixtures/paraphrases.jsonl): posts written independently of
// the dev set, in both languages, with Flemish, typos, leetspeak, emoji, hashtags, missing or wrong
// langs, and hard negatives (recovery, news, idioms, ordinary food/sport/money, politics, help lines).
// It is the development set for rule work, so it must meet the targets. (fixtures/paraphrases-blind.jsonl
// is report-only: `node labeler/classify/eval-fixtures.ts labeler/classify/fixtures/paraphrases-blind.jsonl`.)
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { evaluate, loadDevSet } from './evaluate.ts'
import { Classifier, LABEL_VALUES } from './index.ts'

const posts = loadDevSet(resolve(import.meta.dirname, 'fixtures/paraphrases.jsonl'))
const report = evaluate(Classifier.load(), posts)

describe('paraphrase fixture', () => {
  test('is big enough: ≥ 25 posts per label and ≥ 120 unlabelled', () => {
    for (const l of LABEL_VALUES) expect(posts.filter((p) => p.labels.includes(l)).length, l).toBeGreaterThanOrEqual(25)
    expect(posts.filter((p) => p.labels.length === 0).length).toBeGreaterThanOrEqual(120)
  })

  test.each([...LABEL_VALUES])('%s: precision ≥ 0.9 and recall ≥ 0.8', (label) => {
    const m = report.perLabel[label]
    expect(m.precision, `${label} precision (tp ${m.tp}, fp ${m.fp})`).toBeGreaterThanOrEqual(0.9)
    expect(m.recall, `${label} recall (tp ${m.tp}, fn ${m.fn})`).toBeGreaterThanOrEqual(0.8)
  })

  test('at most 2% of unlabelled posts get a label', () => {
    expect(report.unlabelledFlagged / report.unlabelled).toBeLessThanOrEqual(0.02)
  })
})
