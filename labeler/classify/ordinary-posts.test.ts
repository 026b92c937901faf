// Ordinary posts must stay unlabelled. Two dev files of harmless posts: s14ev-dev (300 everyday posts
// about food, cooking, sport and health) and s16-ordinary-dev (240 posts a helper wrote to trip the
// twelfth pass's new rules: "sick" meaning cool, a smartwatch "wrist check", kids' sizes bought for a
// child, a fantasy-football gameweek, a plate kept warm, "dood" for a flat phone). The twelfth pass's
// helper-written rules labelled 121 of the second file and were withdrawn (rules README, "Twelfth
// pass"); the posts still flagged are older rules' known false positives. s16-ordinary10-dev (200 posts)
// did the same for the eleventh pass's rules. A change that flags more of
// them fails here: narrow it, or explain in the rules README why the label is right and raise the count.
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { loadDevSet } from './evaluate.ts'
import { Classifier } from './index.ts'

const c = Classifier.load()
const flagged = (name: string) => {
  const posts = loadDevSet(fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url)))
  expect(posts.every((p) => p.labels.length === 0)).toBe(true)
  return posts.filter((p) => c.classify({ text: p.text, langs: p.langs, alt: p.alt }).labels.length > 0).length
}

test.each([
  ['s14ev-dev', 300, 3],
  ['s16-ordinary-dev', 240, 20],
  // aimed at the eleventh pass's rules: its pro-ed and self-harm rules labelled 41 and were withdrawn;
  // most of the 69 left are its diet-culture rules and cues (rules README, "Twelfth pass"): to narrow
  ['s16-ordinary10-dev', 200, 69],
])('%s: of %i ordinary posts at most %i get a label', (name, _n, most) => {
  expect(flagged(name)).toBeLessThanOrEqual(most)
})
