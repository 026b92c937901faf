// The rule files themselves: valid, documented, unique ids, consistent names.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { LABEL_VALUES, loadRuleDir, RULES_DIR, RuleFileError, type ContextFile, type RuleFile } from './rules.ts'

const dir = RULES_DIR.pathname
const files = readdirSync(dir).filter((n) => n.endsWith('.yaml'))
const ruleFiles = files.filter((n) => !n.startsWith('context.')).map((n) => ({ name: n, data: parse(readFileSync(join(dir, n), 'utf8')) as RuleFile }))
const contextFiles = files.filter((n) => n.startsWith('context.')).map((n) => ({ name: n, data: parse(readFileSync(join(dir, n), 'utf8')) as ContextFile }))

describe('rule files', () => {
  test('there is a file per label for nl, en and any', () => {
    for (const label of LABEL_VALUES) for (const lang of ['nl', 'en', 'any']) expect(files).toContain(`${label}.${lang}.yaml`)
    for (const lang of ['nl', 'en', 'any']) expect(files).toContain(`context.${lang}.yaml`)
  })

  test('every file has a version and matches its name', () => {
    for (const { name, data } of [...ruleFiles, ...contextFiles]) {
      expect(data.version, name).toMatch(/^\d+\.\d+\.\d+$/)
      expect(name, name).toContain(`.${data.lang}.yaml`)
    }
    for (const { name, data } of ruleFiles) expect(name).toBe(`${data.label}.${data.lang}.yaml`)
  })

  test('every rule has an id, a weight, strong, a pattern and a note', () => {
    for (const { name, data } of ruleFiles) {
      expect(data.rules.length, name).toBeGreaterThan(0)
      for (const r of data.rules) {
        const where = `${name} ${r.id}`
        expect(r.id, where).toMatch(/^[a-z0-9][a-z0-9.:_-]*$/)
        expect(typeof r.weight, where).toBe('number')
        expect(r.weight, where).toBeGreaterThan(0)
        expect(typeof r.strong, where).toBe('boolean')
        expect(r.phrases ?? r.regex ?? r.tags ?? r.feature, where).toBeDefined()
        expect(r.note.trim().length, where).toBeGreaterThan(10)
        // a strong rule can label on its own, so it must reach the threshold by itself
        if (r.strong) expect(r.weight, where).toBeGreaterThanOrEqual(1)
      }
    }
  })

  test('rule and marker ids are unique across all files', () => {
    const ids = [...ruleFiles.flatMap((f) => f.data.rules.map((r) => r.id)), ...contextFiles.flatMap((f) => f.data.markers.map((m) => m.id))]
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i)
    expect(dupes).toEqual([])
  })

  test('every regex compiles', () => {
    for (const { data } of ruleFiles) for (const r of data.rules) if (r.regex) expect(() => new RegExp(r.regex as string, 'u'), r.id).not.toThrow()
    for (const { data } of contextFiles) for (const m of data.markers) if (m.regex) expect(() => new RegExp(m.regex as string, 'u'), m.id).not.toThrow()
  })

  test('rule ids start with their label and language', () => {
    const prefix: Record<string, string> = {
      'pro-ed': 'proed', 'diet-culture': 'diet', 'body-comparison': 'body', 'lifestyle-flex': 'flex', 'outrage-bait': 'outrage', 'self-harm': 'sh',
    }
    for (const { data } of ruleFiles) for (const r of data.rules) expect(r.id.startsWith(`${prefix[data.label]}.${data.lang}.`), r.id).toBe(true)
  })

  test('the loader accepts the shipped files', () => {
    const loaded = loadRuleDir()
    expect(loaded.ruleFiles.length).toBe(18)
    expect(loaded.scoring.threshold).toBe(1)
  })
})

describe('the loader rejects broken rule files with a clear message', () => {
  const withFiles = (extra: Record<string, string>) => {
    const tmp = mkdtempSync(join(tmpdir(), 'plein-rules-'))
    for (const n of files) writeFileSync(join(tmp, n), readFileSync(join(dir, n)))
    for (const [n, text] of Object.entries(extra)) writeFileSync(join(tmp, n), text)
    return tmp
  }
  const base = 'version: 1.0.0\nlabel: pro-ed\nlang: any\nrules:\n'

  test.each([
    ['a rule without a note', `${base}  - { id: proed.any.x, weight: 1, strong: true, phrases: [x] }\n`, /rules\[0\]\.note/],
    ['a rule without strong', `${base}  - { id: proed.any.x, weight: 1, phrases: [x], note: because }\n`, /rules\[0\]\.strong/],
    ['a bad regex', `${base}  - { id: proed.any.x, weight: 1, strong: true, regex: '(', note: because }\n`, /invalid regular expression/],
    ['no pattern', `${base}  - { id: proed.any.x, weight: 1, strong: true, note: because }\n`, /needs one of phrases/],
    ['a duplicate id', `${base}  - { id: proed.any.spo, weight: 1, strong: true, phrases: [x], note: because }\n`, /id "proed\.any\.spo" is also used/],
    ['no version', 'label: pro-ed\nlang: any\nrules: []\n', /version/],
  ])('%s', (_what, text, message) => {
    const tmp = withFiles({ 'pro-ed.any.yaml': text.replace(/proed\.any\.x/, 'proed.any.x') })
    // the duplicate-id case needs the original file next to it under another name
    if (/also used/.test(String(message))) {
      writeFileSync(join(tmp, 'pro-ed.any.yaml'), readFileSync(join(dir, 'pro-ed.any.yaml')))
      writeFileSync(join(tmp, 'diet-culture.any.yaml'), text.replace('label: pro-ed', 'label: diet-culture').replace(/proed\.any\.spo/, 'proed.any.spo'))
    }
    expect(() => loadRuleDir(tmp)).toThrow(RuleFileError)
    expect(() => loadRuleDir(tmp)).toThrow(message)
  })
})

/** A copy of the rule directory with one context file edited. */
const withContext = (lang: string, edit: (text: string) => string) => {
  const tmp = mkdtempSync(join(tmpdir(), 'plein-rules-'))
  for (const n of files) writeFileSync(join(tmp, n), readFileSync(join(dir, n)))
  cpSync(join(dir, 'cues'), join(tmp, 'cues'), { recursive: true })
  const name = `context.${lang}.yaml`
  writeFileSync(join(tmp, name), edit(readFileSync(join(dir, name), 'utf8')))
  return tmp
}

describe('restrictionNegation in the context files (pro-ed negation scope)', () => {

  test('the shipped nl and en files name the words, each list of single words', () => {
    for (const lang of ['nl', 'en']) {
      const r = contextFiles.find((f) => f.name === `context.${lang}.yaml`)?.data.restrictionNegation
      expect(Object.keys(r ?? {}).sort(), lang).toEqual(['afterObject', 'eatWords', 'giveIn', 'never', 'objectNegators', 'reader', 'secondPerson'])
    }
  })

  test.each([
    ['an unknown key', (t: string) => t.replace('restrictionNegation:\n', 'restrictionNegation:\n  eatVerbs: [eet]\n'), /restrictionNegation\.eatVerbs: is not a setting/],
    ['a phrase instead of a word', (t: string) => t.replace('giveIn: [', "giveIn: ['geef toe', "), /restrictionNegation\.giveIn: must be a list of single words/],
    ['not an object', (t: string) => t.replace(/restrictionNegation:\n(  .*\n)+/, 'restrictionNegation: [niks]\n'), /restrictionNegation: must be an object/],
  ])('%s is refused with the setting named', (_what, edit, message) => {
    const tmp = withContext('nl', edit)
    expect(() => loadRuleDir(tmp)).toThrow(RuleFileError)
    expect(() => loadRuleDir(tmp)).toThrow(message)
  })
})

describe('quoteSources in the context files (quotations attributed to someone else, quotes.ts)', () => {
  test('a phrase instead of a word is refused with the setting named', () => {
    const tmp = withContext('en', (t) => t.replace('quoteSources: [', "quoteSources: ['my mum said', "))
    expect(() => loadRuleDir(tmp)).toThrow(RuleFileError)
    expect(() => loadRuleDir(tmp)).toThrow(/quoteSources: must be a list of single words/)
  })
})
