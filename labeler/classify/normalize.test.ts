import { describe, expect, test } from 'vitest'
import { Classifier } from './index.ts'
import { collapseRepeats, normalise, normalisePhrase, splitHashtag, squash, undoLeet } from './normalize.ts'
import { stemNl } from './stem-nl.ts'

const classifier = Classifier.load()
const norm = (text: string, extra: { alt?: string[]; tags?: string[] } = {}) => classifier.normalise({ text, ...extra })

describe('normalisation', () => {
  test('words that are names on every JavaScript object are plain words ("constructor")', () => {
    expect(norm('The constructor is here, ni toString').tokens).toEqual(['the', 'constructor', 'is', 'here', 'niet', 'tostring'])
    expect(classifier.classify({ text: 'the constructor of the new bridge' }).labels).toEqual([])
  })

  test('Unicode NFKC and lowercase: fullwidth letters, ligatures, math alphabets', () => {
    expect(norm('ＴＨＩＮＳＰＯ').text).toBe('thinspo')
    expect(norm('ﬁtspo').text).toBe('fitspo')
    expect(norm('𝓽𝓱𝓲𝓷𝓼𝓹𝓸').text).toBe('thinspo')
  })

  test('accents are folded and apostrophes inside words dropped', () => {
    expect(norm('suïcidaal, privéjet').text).toBe('suicidaal privejet')
    expect(norm("don't, 'k heb, m'n, zo'n").text).toBe('dont ik heb mn zon')
    // the Dutch clitics 't and 'k standing alone are written out, so rules see "het" and "ik"
    expect(norm("'k zie 't echt ni meer zitten, 'kheb").text).toBe('ik zie het echt niet meer zitten kheb')
    // Flemish function words are written the standard way
    expect(norm('als ge da ni wilt, wa doede gij dan').text).toBe('als je dat niet wilt wat doede jij dan')
    // Dutch chat abbreviations too; 'k', 'u', 'ur' and amounts such as "100 k" stay as written
    expect(norm('k wil gwn dood, wrm leef ik ng? egt wss mss ff').text).toBe('k wil gewoon dood waarom leef ik nog . echt waarschijnlijk misschien even')
    expect(norm('first 100 k month, u ur 8 u per dag').text).toBe('first 100 k month u ur 8 u per dag')
    // self-censoring: an asterisk inside a word is dropped, "!" between letters is an i
    expect(norm('s*icide, k!ll myself, su!c!dal').text).toBe('sicide kill myself suicidal')
  })

  test('lookalike letters: Cyrillic in a Latin word, real Cyrillic text left alone', () => {
    expect(norm('thіnspо').text).toBe('thinspo') // Cyrillic і and о
    expect(norm('привет').text).toBe('привет')
  })

  test('leetspeak is undone in words, not in numbers', () => {
    expect(norm('th1nsp0').text).toBe('thinspo')
    expect(norm('s3lf h4rm').text).toBe('self harm')
    expect(norm('su1c1dal b0nesp0').text).toBe('suicidal bonespo')
    expect(norm('2024 45kg 3rd 10k 18u covid19 b4 4:30').text).toBe('2024 45kg 3rd 10k 18u covid19 b4 4 30')
    expect(undoLeet('h@te')).toBe('hate')
    expect(undoLeet('@handle')).toBe('@handle')
  })

  test('repeated letters collapse to two, and still match the single-letter spelling', () => {
    expect(collapseRepeats('sooooo')).toBe('soo')
    expect(squash('soo')).toBe('so')
    const doc = norm('sooooo goooood')
    expect(doc.tokens).toEqual(['soo', 'good'])
    expect(doc.squashed).toEqual(['so', 'god'])
    expect(norm('gooood').tokens).toEqual(['good'])
    // an elongated slang word still matches its rule
    const res = classifier.classify({ text: 'thinspooooo for tonight', langs: ['en'] })
    expect(res.labels.map((l) => l.val)).toContain('pro-ed')
  })

  test('hashtags are split into words and kept whole in tags', () => {
    expect(norm('#proana').text).toBe('pro ana')
    expect(norm('#thinspiration').text).toBe('thinspiration')
    expect(norm('#BodyGoals').text).toBe('body goals')
    expect(norm('#edrecovery').text).toBe('ed recovery')
    const doc = norm('dag 3 #ProAna #th1nspo')
    expect([...doc.tags].sort()).toEqual(['proana', 'thinspo'])
    expect(splitHashtag('weightlossjourney', new Set(['weight', 'loss', 'journey']))).toEqual(['weight', 'loss', 'journey'])
    expect(splitHashtag('xyzzyplugh', new Set(['weight']))).toEqual(['xyzzyplugh'])
  })

  test('hashtag facets and alt texts are read, after a boundary', () => {
    const doc = norm('grateful', { alt: ['Screenshot of a bank app'], tags: ['#GrindSet'] })
    expect(doc.text).toBe('grateful . screenshot of a bank app . grind set')
    expect(doc.postTokens).toBe(1)
    expect(doc.tags.has('grindset')).toBe(true)
  })

  test('URLs are removed', () => {
    expect(norm('kijk https://example.com/thinspo?x=1 en www.thinspo.example nu').text).toBe('kijk en nu')
  })

  test('sentence ends become one boundary token; tone tags survive', () => {
    expect(norm('ok!!! klaar?? ja /j').tokens).toEqual(['ok', '.', 'klaar', '.', 'ja', '/j'])
  })

  test('rule phrases are folded the same way as posts', () => {
    expect(normalisePhrase("Don't give up, girls!")).toEqual(['dont', 'give', 'up', 'girls'])
  })

  test('a standalone normalise without vocabulary leaves lowercase hashtags whole', () => {
    expect(normalise({ text: '#proana' }).text).toBe('proana')
  })
})

describe('Dutch stemmer (Snowball)', () => {
  test.each([
    ['gedachten', 'gedacht'],
    ['lichamen', 'licham'],
    ['sleutelbeenderen', 'sleutelbeender'],
    ['maan', 'man'],
    ['dikke', 'dik'],
    ['huizen', 'huiz'],
    ['gelukkig', 'gelukk'],
  ])('%s → %s', (word, stem) => {
    expect(stemNl(word)).toBe(stem)
  })

  test('singular and plural meet', () => {
    expect(stemNl('gedachte')).toBe(stemNl('gedachten'))
    expect(stemNl('lichaam')).toBe(stemNl('lichamen'))
    expect(stemNl('dik')).toBe(stemNl('dikke'))
  })
})
