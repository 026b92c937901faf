import { describe, expect, test } from 'vitest'
import { detectLang, mapLangTag } from './lang.ts'

describe('language detection', () => {
  test('Dutch and English text', () => {
    expect(detectLang('Ik heb vandaag echt geen zin om naar mijn werk te gaan').lang).toBe('nl')
    expect(detectLang('I really do not want to go to work today, what about you').lang).toBe('en')
  })

  test('Flemish', () => {
    expect(detectLang('amai, ge moet da echt ni doen hé, allez seffens').lang).toBe('nl')
  })

  test('the text wins over wrong stated langs', () => {
    const g = detectLang('Mn dochter heeft net haar zwemdiploma gehaald, trotse papa', ['en'])
    expect(g).toMatchObject({ lang: 'nl', source: 'text' })
    expect(detectLang('train delayed again, just gonna build a house on the platform', ['nl']).lang).toBe('en')
  })

  test('missing langs: decided by the text', () => {
    expect(detectLang('wie gaat er mee naar de markt vandaag?', []).lang).toBe('nl')
  })

  test('other languages come out as other', () => {
    expect(detectLang('Je suis morte de rire, cette vidéo est trop drôle', []).lang).toBe('other')
    expect(detectLang('Heute 10 km gelaufen, neue Bestzeit, ich bin so froh', []).lang).toBe('other')
    expect(detectLang('Dziś przebiegłam 5 km, nowy rekord!', ['pl']).lang).toBe('other')
    expect(detectLang('Hoy corrí 10 km, me siento genial y muy feliz', ['es']).lang).toBe('other')
  })

  test('too little text: the stated language decides', () => {
    expect(detectLang('dankbaar 🙏', ['nl'])).toMatchObject({ lang: 'nl', source: 'stated' })
    expect(detectLang('🔥🔥', ['en'])).toMatchObject({ lang: 'en', source: 'stated' })
    expect(detectLang('🔥🔥', [])).toMatchObject({ lang: 'other', source: 'default' })
  })

  test('a few words without function words and without langs: Dutch or English by letter sequences', () => {
    expect(detectLang('ongedierte, allemaal', [])).toMatchObject({ lang: 'nl', source: 'guess' })
    expect(detectLang('cheat day 🍔🍟', [])).toMatchObject({ lang: 'en', source: 'guess' })
    expect(detectLang('Dziękuję bardzo 😂', [])).toMatchObject({ lang: 'other' })
  })

  test('words German, French or Spanish share with Dutch or English are no evidence for them', () => {
    expect(detectLang('rate me 1-10', []).lang).toBe('en')
    expect(detectLang('die fietsers altijd', []).lang).toBe('nl')
  })

  test('language tags map to nl, en or other', () => {
    expect(mapLangTag('nl-BE')).toBe('nl')
    expect(mapLangTag('en_GB')).toBe('en')
    expect(mapLangTag('fr')).toBe('other')
  })
})
