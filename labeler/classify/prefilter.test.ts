import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { Classifier } from './index.ts'
import { LiteralSet, requirement, SharedLiterals, topLevelBranches, triggers, type Requirement } from './prefilter.ts'
import { loadRuleDir } from './rules.ts'

/** Whether a requirement holds in a text, by String.includes (the reference for the automaton). */
function holdsIn(req: Requirement, text: string): boolean {
  if (req === true) return true
  if (typeof req === 'string') return text.includes(req)
  if ('all' in req) return req.all.every((r) => holdsIn(r, text))
  return req.any.some((r) => holdsIn(r, text))
}

/** Every regex of the shipped rule, context and cue files. */
function shippedRegexes(): { id: string; regex: string }[] {
  const l = loadRuleDir()
  const specs = [...l.ruleFiles.flatMap((f) => f.file.rules), ...l.contextFiles.flatMap((f) => f.file.markers), ...l.cueFiles.flatMap((f) => f.file.cues ?? [])]
  return specs.filter((s) => s.regex !== undefined).map((s) => ({ id: s.id, regex: s.regex as string }))
}

describe('regex pre-check', () => {
  test('what every match must contain', () => {
    expect(requirement('honger is (?:gewoon )?(?:zwakte|een gevoel)|niets smaakt')).toEqual({
      any: ['honger is zwakte', 'honger is een gevoel', 'honger is gewoon zwakte', 'honger is gewoon een gevoel', 'niets smaakt'],
    })
    // a class of a few characters and \d are spelled out while the strings stay few (at most 4)
    expect(requirement('(?:at|by) 1[89]')).toEqual({ any: ['at 18', 'at 19', 'by 18', 'by 19'] })
    expect(requirement('(?:at|by) 1[6-9]')).toEqual({ all: [{ any: ['at 1', 'by 1'] }, { any: ['6', '7', '8', '9'] }] })
    // every mandatory part of a sequence counts: \S+ and a bounded repeat cut it into parts
    expect(requirement('imagine (?:\\S+ ){0,2}(?:working|commuting)')).toEqual({ all: ['imagine ', { any: ['working', 'commuting'] }] })
    // a lookaround matches no characters; an optional part may be missing
    expect(requirement('(?<!not )fat(?= |$)')).toBe('fat')
    expect(requirement('kms?|x')).toEqual({ any: ['km', 'kms', 'x'] })
    expect(requirement('\\S+|x')).toBe(true)
    expect(requirement('[^a] b')).toBe(' b')
    // padded: each top-level alternative has a space on each side
    expect(requirement('#?ad|dm me', true)).toEqual({ any: [' ad ', ' #ad ', ' dm me '] })
    expect(topLevelBranches('a|(?:b|c)|[|]d|\\|e')).toEqual(['a', '(?:b|c)', '[|]d', '\\|e'])
    // what cannot be read stands for "always run"
    expect(requirement('(?<name>x)\\k<name>')).toBe('x')
    expect(requirement('a{')).toBe(true)
  })

  test('triggers: the rarest part of an "all", every part of an "any"', () => {
    expect(triggers({ all: [{ any: ['1', '2'] }, { any: ['kg', 'kilo'] }] })).toEqual(['kg', 'kilo'])
    expect(triggers({ any: ['a b', { all: ['xyz', 'q'] }] })).toEqual(['a b', 'xyz'])
    expect(triggers(true)).toBeUndefined()
    expect(triggers({ any: ['a', true] as Requirement[] })).toBeUndefined()
  })

  test('Aho–Corasick finds every literal in one pass', () => {
    const set = new LiteralSet(['he', 'she', 'his', 'hers', 'zwakte', '€', 'ers'])
    const found = new Uint8Array(set.size)
    const hits: number[] = []
    set.scan('ushers and zwakte €5', found, hits)
    expect([...found]).toEqual([1, 1, 0, 1, 1, 1, 1])
    expect([...hits].sort()).toEqual([0, 1, 3, 4, 5, 6])
  })

  test('the transition table finds exactly what includes() finds (random literals and texts)', () => {
    // a small alphabet makes literals overlap and share suffixes, which exercises the failure links
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const alphabet = ['a', 'b', ' ', 'é', '€', '😂']
    const word = (max: number) => Array.from({ length: 1 + rand(max) }, () => alphabet[rand(alphabet.length)]).join('')
    for (let round = 0; round < 20; round++) {
      const literals = [...new Set(Array.from({ length: 30 }, () => word(5)))]
      const set = new LiteralSet(literals)
      for (let t = 0; t < 20; t++) {
        const text = `${word(40)}x${word(10)}`
        const found = new Uint8Array(set.size)
        set.scan(text, found)
        expect([...found]).toEqual(literals.map((l) => (text.includes(l) ? 1 : 0)))
      }
    }
  })

  test('the shared set answers for the last document and clears what it found before', () => {
    const shared = new SharedLiterals()
    const a = shared.id('kilo')
    const b = shared.id(' ad ')
    const doc1 = {}
    expect([...shared.found(doc1, 'nog 3 kilo')].slice(0, 2)).toEqual([1, 0])
    expect(shared.hits).toEqual([a])
    const doc2 = {}
    expect([...shared.found(doc2, 'ad')].slice(0, 2)).toEqual([0, 1])
    expect(shared.hits).toEqual([b])
  })

  // the pre-check must never skip a regex that matches: every shipped regex, on every post of the
  // fixtures and the dev set's train split that it matches, meets its requirement and one of its triggers
  test('sound on the shipped rules: a regex that matches a post always passes the pre-check', () => {
    const classifier = Classifier.load()
    const files = ['fixtures/paraphrases.jsonl', 'fixtures/generalise.jsonl', 'fixtures/model-train.jsonl'].map((f) => resolve(import.meta.dirname, f))
    const devSet = resolve(import.meta.dirname, '../../../shared/labeler-dev-set.jsonl')
    const texts: { text: string; alt?: string[] }[] = []
    for (const f of files) {
      for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim()) texts.push(JSON.parse(line) as { text: string; alt?: string[] })
    }
    if (existsSync(devSet)) {
      for (const line of readFileSync(devSet, 'utf8').split('\n')) {
        if (!line.trim()) continue
        const row = JSON.parse(line) as { text: string; alt: string[]; split: string }
        if (row.split === 'train') texts.push(row)
      }
    }
    // and a few made to hit the number, money and emoji patterns
    texts.push({ text: '€ 10.000 per maand, 3k a month, $500/day, 45 kg, 52,5kg, ❌ brood ✅ eiwit, ik ben 16 en 1.65 m, 1200 kcal' })
    const docs = texts.map((t) => classifier.normalise({ text: t.text, alt: t.alt ?? [] }).text)
    let matched = 0
    for (const { id, regex } of shippedRegexes()) {
      const re = new RegExp(`(?<=^| )(?:${regex})(?= |$)`, 'u')
      const req = requirement(regex, true)
      const trig = triggers(req)
      for (const text of docs) {
        if (!re.test(text)) continue
        matched++
        const padded = ` ${text} `
        expect(holdsIn(req, padded), `${id} matches but its requirement does not hold`).toBe(true)
        if (trig !== undefined) expect(trig.some((t) => padded.includes(t)), `${id} matches but none of its triggers is there`).toBe(true)
      }
    }
    expect(matched).toBeGreaterThan(500)
  })
})
