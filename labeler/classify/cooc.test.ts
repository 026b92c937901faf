// The co-occurrence layer (cooc.ts, rules/cues/): two distinct weak cue families of one label label a
// post, one family does not, context modifiers and negation still veto, and reasons carry the ids.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { foldEn } from './fold-en.ts'
import { Classifier } from './index.ts'
import { loadRuleDir, RULES_DIR, RuleFileError } from './rules.ts'

/** A rules folder with the real context files, one inert rule, and the given cue files. */
function ruleDir(cues: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plein-cooc-'))
  for (const n of ['context.any.yaml', 'context.en.yaml', 'context.nl.yaml']) copyFileSync(new URL(n, RULES_DIR), join(dir, n))
  writeFileSync(
    join(dir, 'diet-culture.en.yaml'),
    'version: 1.0.0\nlabel: diet-culture\nlang: en\nrules:\n  - id: t.en.inert\n    weight: 0.5\n    strong: false\n    phrases: [zzqqx]\n    note: never matches\n',
  )
  mkdirSync(join(dir, 'cues'))
  for (const [name, text] of Object.entries(cues)) writeFileSync(join(dir, 'cues', name), text)
  return dir
}

const CUES = `version: 1.0.0
label: diet-culture
lang: en
combos:
  - id: t.cooc.food+moral
    families: [food, moral]
    weight: 1.0
    note: food talked about as guilt
cues:
  - id: t.cue.en.food
    family: food
    phrases: [pizza, cake, cookie]
    note: food words
  - id: t.cue.en.moral
    family: moral
    phrases: [guilt, guilty, sin, sinful]
    note: moral words
`

describe('co-occurrence layer (synthetic cues)', () => {
  const c = Classifier.load(ruleDir({ 'diet-culture.en.yaml': CUES }))
  const classify = (text: string) => c.classify({ text, langs: ['en'] })

  test('two distinct families label the post, with the combo and cue ids as reasons', () => {
    const r = classify('ate a whole pizza and now the guilt is real')
    expect(r.labels.map((l) => l.val)).toEqual(['diet-culture'])
    const d = r.labels[0]
    expect(d?.reasons).toEqual(['t.cooc.food+moral', 't.cue.en.food', 't.cue.en.moral'])
    // the layer lifts a label to the threshold, never above it
    expect(d?.score).toBe(1)
  })

  test('suffix folding: inflected forms match (cookies, guilty)', () => {
    expect(classify('three cookies and i feel guilty').labels.map((l) => l.val)).toEqual(['diet-culture'])
  })

  test('one family alone, however often, does not label', () => {
    const r = classify('pizza, cake and more pizza tonight')
    expect(r.labels).toEqual([])
    expect(r.suppressed).toEqual([])
  })

  test('a negated cue does not count', () => {
    expect(classify('pizza tonight and no guilt about it').labels).toEqual([])
  })

  test('post-level modifiers veto a combo-only label', () => {
    const r = classify('#edrecovery pizza with friends, the guilt is getting quieter')
    expect(r.labels).toEqual([])
    expect(r.suppressed[0]?.reasons).toContain('t.cooc.food+moral')
    expect(r.suppressed[0]?.reasons).toContain('recovery')
  })

  test('posts in other languages get no co-occurrence evidence', () => {
    expect(c.classify({ text: 'pizza pizza guilt sin', langs: ['fr'] }).lang).toBeDefined()
    expect(c.classify({ text: 'j’ai mangé une pizza, quelle guilt, c’est un sin pour moi', langs: ['fr'] }).labels).toEqual([])
  })

  test('one stretch of text is one cue: a phrase in two families cannot make a combo alone', () => {
    const both = CUES.replace('phrases: [guilt, guilty, sin, sinful]', 'phrases: [guilt, guilty, sin, sinful, sin cake]')
    const c2 = Classifier.load(ruleDir({ 'diet-culture.en.yaml': both.replace('phrases: [pizza, cake, cookie]', 'phrases: [pizza, cake, cookie, sin]') }))
    expect(c2.classify({ text: 'sin', langs: ['en'] }).labels).toEqual([])
  })

  test('cue files are validated and part of rulesVersion', () => {
    const bad = CUES.replace('families: [food, moral]', 'families: [food, mood]')
    expect(() => loadRuleDir(ruleDir({ 'diet-culture.en.yaml': bad }))).toThrow(RuleFileError)
    expect(() => loadRuleDir(ruleDir({ 'diet-culture.en.yaml': bad }))).toThrow(/names family "mood"/)
    const single = CUES.replace('families: [food, moral]', 'families: [food]')
    expect(() => loadRuleDir(ruleDir({ 'diet-culture.en.yaml': single }))).toThrow(/two or more distinct families/)
    const wrongName = ruleDir({ 'pro-ed.en.yaml': CUES })
    expect(() => loadRuleDir(wrongName)).toThrow(/file name says/)
    const a = loadRuleDir(ruleDir({ 'diet-culture.en.yaml': CUES })).version
    const b = loadRuleDir(ruleDir({ 'diet-culture.en.yaml': CUES.replace('[pizza,', '[pizza, pasta,') })).version
    expect(a).not.toBe(b)
  })
})

describe('co-occurrence layer (shipped cues)', () => {
  const classifier = Classifier.load()
  const reasonsFor = (text: string, val: string) => classifier.classify({ text }).labels.find((l) => l.val === val)?.reasons ?? []

  test.each([
    ['ugh i feel so guilty about that pizza last night, back to salads', 'diet-culture', 'dc.cooc.food+moral'],
    ['rate my jawline lads, honest scores only', 'body-comparison', 'bc.cooc.body+rate'],
  ])('%s → %s via %s', (text, val, id) => {
    expect(reasonsFor(text, val)).toContain(id)
  })

  test('every shipped combo id follows <prefix>.cooc.<families>', () => {
    const loaded = loadRuleDir()
    const combos = loaded.cueFiles.flatMap((f) => f.file.combos ?? [])
    expect(combos.length).toBeGreaterThanOrEqual(30)
    for (const c of combos) expect(c.id).toBe(`${c.id.split('.')[0]}.cooc.${c.families.join('+')}`)
  })
})

describe('foldEn', () => {
  test.each([
    ['starving', 'starv'],
    ['starved', 'starv'],
    ['starve', 'starv'],
    ['cutting', 'cut'],
    ['calories', 'calori'],
    ['calorie', 'calori'],
    ['guilty', 'guilti'],
    ['dress', 'dress'],
    ['me', 'me'],
  ])('%s → %s', (w, f) => expect(foldEn(w)).toBe(f))
})

test('stem collisions do not make pairs: "leg je telefoon weg" is not pro-ed', async () => {
  const { Classifier } = await import('./index.ts')
  const c = Classifier.load()
  expect(c.classify({ text: 'Het is laat: leg je telefoon weg en slaap lekker', langs: ['nl'] }).labels).toEqual([])
  expect(c.classify({ text: 'elke ochtend mezelf wegen, nog 3 kilo tot mijn streefgewicht, voel me zo leeg', langs: ['nl'] }).labels.map((l) => l.val)).toContain('pro-ed')
})
