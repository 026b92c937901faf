// Classifier behaviour: LABELS.md's hard negatives, positives per label, languages, reasons.
import { describe, expect, test } from 'vitest'
import { Classifier, LABEL_VALUES, type ClassifyInput } from './index.ts'
import { LABEL_DEFINITIONS, LABEL_DEFS } from './label-defs.ts'

const classifier = Classifier.load()
const vals = (input: ClassifyInput) => classifier.classify(input).labels.map((l) => l.val).sort()

describe('hard negatives from LABELS.md', () => {
  test.each([
    ['#edrecovery one year today, eating three meals a day', 'en'],
    ['herstel is echt mogelijk 💛', 'nl'],
    ['1 jaar hersteld van anorexia vandaag', 'nl'],
    ['ik eet weer drie maaltijden per dag', 'nl'],
    ['body neutrality: my body carried me through a marathon, what it looks like does not matter', 'en'],
    ['Onderzoek: #skinnytok schaadt meisjes', 'nl'],
    ['New study links thinspiration to ED risk', 'en'],
    ['Our town launches a suicide prevention campaign this week', 'en'],
    ['ran 5k today, felt great', 'en'],
    ['recept voor linzensoep', 'nl'],
    ['ik heb honger, lunchtijd!', 'nl'],
    ['saved up for a bike', 'en'],
    ['Dietitian here: regular meals and variety matter more than strict rules', 'en'],
    ['this meeting is killing me', 'en'],
    ['ik ga dood van het lachen', 'nl'],
    ['starving, pizza time', 'en'],
    ['purge of generals', 'en'],
    ['dikke vriend', 'nl'],
    ['dik verdiend', 'nl'],
    ['de lijn 12 rijdt niet', 'nl'],
    ['I could die of embarrassment', 'en'],
    ['The new housing policy is a disaster and the minister should resign', 'en'],
    ['Ik ben het oneens met dit kabinet over de zorg, hun plannen zijn onuitvoerbaar', 'nl'],
    ['Praat erover: bel 113', 'nl'],
    ['In België kan je terecht bij de Zelfmoordlijn op 1813', 'nl'],
  ])('%s', (text, lang) => {
    expect(vals({ text, langs: [lang] })).toEqual([])
  })
})

describe('positives', () => {
  test.each([
    ['looking for an ana buddy, strict only, dm me 🦋', 'en', ['pro-ed']],
    ['niet eten tot ik 50 kilo ben, wie doet mee', 'nl', ['pro-ed']],
    ['fasting 72h to get thin, who is joining', 'en', ['pro-ed']],
    ['what i eat in a day: 900 calories and a lot of black coffee', 'en', ['diet-culture']],
    ['guilt-free bananenbrood, maar 89 kcal per plak', 'nl', ['diet-culture']],
    ['rate my face 1-10, be brutal', 'en', ['body-comparison']],
    ['Top 10 mooiste spelersvrouwen, nummer 1 is 🔥', 'nl', ['body-comparison']],
    ['Made $9,000 this month from my phone. Want the blueprint? DM me', 'en', ['lifestyle-flex']],
    ['Terwijl jij sliep heb ik al 3 deals gesloten. Wat is jouw excuus?', 'nl', ['lifestyle-flex']],
    ['SHARE IF YOU ARE FURIOUS!!! They are taking everything from hardworking families', 'en', ['outrage-bait']],
    ['Dat zijn geen mensen meer, dat is ongedierte', 'nl', ['outrage-bait']],
    ['ik wil gewoon dood', 'nl', ['self-harm']],
    ['everyone would be better off without me', 'en', ['self-harm']],
    ['thinking about unaliving again', 'en', ['self-harm']],
    ['ugw 45 and if i dont get there im done with everything 🦋', 'en', ['pro-ed', 'self-harm']],
  ] as const)('%s', (text, lang, want) => {
    expect(vals({ text, langs: [lang] })).toEqual([...want].sort())
  })

  test('evidence in alt text only', () => {
    expect(vals({ text: 'dankbaar 🙏', langs: ['nl'], alt: ['Screenshot van een bankapp: €23.870 binnen deze maand'] })).toEqual(['lifestyle-flex'])
    expect(vals({ text: 'finally brave enough to post', alt: ['Before/after in underwear: 210 lbs vs 155 lbs'] })).toEqual(['body-comparison'])
  })

  test('hashtag facets are read', () => {
    expect(vals({ text: 'motivatie voor vanavond', langs: ['nl'], tags: ['thinspo'] })).toEqual(['pro-ed'])
  })
})

describe('languages', () => {
  test('wrong langs do not stop Dutch rules', () => {
    const r = classifier.classify({ text: 'ik heb weer de neiging om mezelf pijn te doen', langs: ['en'] })
    expect(r.lang).toBe('nl')
    expect(r.labels.map((l) => l.val)).toEqual(['self-harm'])
  })

  test('other languages: no label without a language-independent marker', () => {
    expect(vals({ text: 'Son una plaga, ratas que invaden nuestros barrios. ¡Compartid si estáis hartos!', langs: ['es'] })).toEqual([])
    expect(vals({ text: 'Ich will nicht mehr leben', langs: ['de'] })).toEqual([])
  })

  test('other languages: strong markers still count', () => {
    const r = classifier.classify({ text: 'Tag 4 ohne Essen, fühl mich so leicht 🦋 #thinspo #proana', langs: ['de'] })
    expect(r.lang).toBe('other')
    expect(r.labels.map((l) => l.val)).toEqual(['pro-ed'])
    expect(vals({ text: 'sewerslide Gedanken sind wieder da', langs: ['de'] })).toEqual(['self-harm'])
  })
})

describe('decisions carry their reasons', () => {
  test('rule ids and modifiers', () => {
    const r = classifier.classify({ text: 'heb vannacht weer gekrast. 27 dagen weg. ik haat mezelf', langs: ['nl'] })
    const sh = r.labels.find((l) => l.val === 'self-harm')
    // "weer gekrast" is one stretch of text: it counts once, for the heaviest rule that matched it
    expect(sh?.reasons).toEqual(expect.arrayContaining(['sh.nl.zelfbeschadiging-breed', 'sh.nl.zelfhaat', 'first-person']))
    expect(sh?.score).toBeGreaterThanOrEqual(1)
  })

  test('every reason is a known rule id or modifier', () => {
    const r = classifier.classify({ text: 'CHEAT DAY!!! 🍔 back on track monday', langs: ['en'] })
    expect(r.labels).toEqual([{ val: 'diet-culture', score: expect.any(Number), reasons: ['diet.en.cheat-day', 'diet.en.back-on-track'] }])
  })

  test('rulesVersion identifies the rule files', () => {
    expect(classifier.rulesVersion).toMatch(/^[0-9a-f]{12}$/)
    expect(Object.keys(classifier.fileVersions)).toContain('pro-ed.nl.yaml')
    expect(Classifier.load().rulesVersion).toBe(classifier.rulesVersion)
  })
})

describe('label definitions', () => {
  test('one definition per label value, in the atproto shape, Dutch first', () => {
    expect(LABEL_DEFINITIONS.map((d) => d.identifier)).toEqual([...LABEL_VALUES])
    for (const d of LABEL_DEFINITIONS) {
      expect(Object.keys(d).sort()).toEqual(['adultOnly', 'blurs', 'defaultSetting', 'identifier', 'locales', 'severity'])
      expect(d.identifier).toMatch(/^[a-z-]+$/)
      expect(d.adultOnly).toBe(false)
      expect(d.locales.map((l) => l.lang)).toEqual(['nl', 'en'])
      for (const l of d.locales) {
        expect([...new Intl.Segmenter().segment(l.name)].length).toBeLessThanOrEqual(64)
        expect(l.description.length).toBeGreaterThan(40)
      }
    }
  })

  test('severity, blurs and default setting follow LABELS.md', () => {
    const table = Object.fromEntries(LABEL_DEFINITIONS.map((d) => [d.identifier, [d.severity, d.blurs, d.defaultSetting]]))
    expect(table).toEqual({
      'pro-ed': ['alert', 'content', 'hide'],
      'diet-culture': ['inform', 'content', 'warn'],
      'body-comparison': ['inform', 'content', 'warn'],
      'lifestyle-flex': ['inform', 'none', 'warn'],
      'outrage-bait': ['inform', 'content', 'warn'],
      'self-harm': ['alert', 'content', 'warn'],
    })
  })

  test('the self-harm description points to help', () => {
    for (const l of LABEL_DEFS['self-harm'].locales) {
      expect(l.description).toContain('113')
      expect(l.description).toContain('0800-0113')
      expect(l.description).toContain('1813')
      expect(l.description).toContain('findahelpline.com')
    }
  })
})
