import { describe, expect, test } from 'vitest'
import { extractTags, foldText, keywordMatcher } from './text.ts'

/** Does the keyword occur in the text, the way the matcher checks it? */
const hits = (keyword: string, text: string) => keywordMatcher([keyword])?.test(foldText(text)) ?? false

const tagFacet = (tag: string, start = 0, end = 1) => ({
  index: { byteStart: start, byteEnd: end },
  features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
})

describe('foldText / keywordMatcher', () => {
  test('fold to lowercase without diacritics (plain ASCII takes a fast path)', () => {
    expect(foldText('Café in de DOMSTAD!')).toBe('cafe in de domstad!')
    expect(foldText('Crème Brûlée')).toBe('creme brulee')
    expect(foldText('PLAIN ascii')).toBe('plain ascii')
  })

  test('keywords without letters or digits match nothing', () => {
    expect(keywordMatcher([''])).toBeUndefined()
    expect(keywordMatcher(['?!', '  '])).toBeUndefined()
    expect(keywordMatcher([])).toBeUndefined()
  })

  test('keywords match whole words only', () => {
    expect(hits('Domstad', 'Welkom in de Domstad')).toBe(true)
    expect(hits('Domstad', 'Welkom in het Domstadje')).toBe(false)
    expect(hits('Domstad', 'DeDomstad')).toBe(false)
    expect(hits('Utrecht', 'Ik woon in utrecht.')).toBe(true)
    expect(hits('Utrecht', 'UTRECHT!')).toBe(true)
    expect(hits('Utrecht', '(Utrecht)')).toBe(true)
    expect(hits('Utrecht', 'Utrechtse')).toBe(false)
    expect(hits('Utrecht', 'Oud-Utrecht')).toBe(true)
  })

  test('case- and accent-insensitive, in both directions', () => {
    expect(hits('café', 'CAFE open')).toBe(true)
    expect(hits('Cafe', 'naar het café')).toBe(true)
    // decomposed input (e + combining acute) folds the same as precomposed
    expect(hits('café', 'cafe\u0301')).toBe(true)
    expect(hits('Zürich', 'ZURICH')).toBe(true)
    expect(hits('cafe', 'cafetaria')).toBe(false)
  })

  test('multi-word keywords match across any run of non-word characters, but not glued together', () => {
    expect(hits('Den Haag', 'naar den  haag vandaag')).toBe(true)
    expect(hits('Den Haag', 'Den\nHaag')).toBe(true)
    expect(hits('Den Haag', 'den-haag')).toBe(true)
    expect(hits('Den Haag', 'denhaag')).toBe(false)
    expect(hits('Den Haag', 'den haagse')).toBe(false)
    expect(hits('Den Haag', 'eden haag')).toBe(false)
  })

  test("the Dutch ĳ ligature equals 'ij'", () => {
    expect(hits('ijsbaan', 'De ĳsbaan is open')).toBe(true)
    expect(hits('ĳsbaan', 'De ijsbaan is open')).toBe(true)
    expect(hits('IJsselmeer', 'Ĳsselmeer')).toBe(true)
    expect(foldText('Ĳmuiden')).toBe('ijmuiden')
  })

  test('digits are words too', () => {
    expect(hits('030', 'bel 030 nu')).toBe(true)
    expect(hits('030', '0302')).toBe(false)
  })
})

describe('extractTags', () => {
  test('tags from facets, lowercased and without "#"', () => {
    const record = { facets: [tagFacet('Utrecht'), tagFacet('#Domstad'), { features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://x' }] }] }
    expect(extractTags(record, '').sort()).toEqual(['domstad', 'utrecht'])
  })

  test("tags from the record's own tags field (at most 8)", () => {
    expect(extractTags({ tags: ['Fietsen', 'UTRECHT'] }, 'geen tags in de tekst').sort()).toEqual(['fietsen', 'utrecht'])
    const ten = Array.from({ length: 10 }, (_, i) => `t${i}`)
    expect(extractTags({ tags: ten }, '')).toEqual(ten.slice(0, 8))
  })

  test('inline #tags in the text', () => {
    expect(extractTags({}, 'Mooi weer in #Utrecht vandaag')).toEqual(['utrecht'])
    expect(extractTags({}, '#Utrecht')).toEqual(['utrecht'])
    expect(extractTags({}, '(#Domstad), #030utrecht en #ede_wageningen').sort()).toEqual(['030utrecht', 'domstad', 'ede_wageningen'])
    expect(extractTags({}, 'Zomer in #Zürich')).toEqual(['zürich'])
  })

  test('no tag from C#, a#b, &#39; entities or all-digit #123', () => {
    expect(extractTags({}, 'Ik programmeer in C# en F#')).toEqual([])
    expect(extractTags({}, 'a#b')).toEqual([])
    expect(extractTags({}, 'it&#39;s')).toEqual([])
    expect(extractTags({}, 'issue #123')).toEqual([])
    expect(extractTags({}, '##')).toEqual([])
  })

  // the fragment of a URL ("…/#section") is not a hashtag; a feed for #section must not pick up links
  test('no tag from a URL fragment like https://example.com/#section', () => {
    expect(extractTags({}, 'lees https://example.com/#section')).toEqual([])
  })

  test('a URL fragment right after a word character is not a tag', () => {
    expect(extractTags({}, 'https://example.com/page#section')).toEqual([])
  })

  test('facets, tags field and text combine without duplicates', () => {
    const tags = extractTags({ facets: [tagFacet('Utrecht')], tags: ['utrecht', 'Fiets'] }, 'Op de #FIETS door #Utrecht')
    expect(tags.sort()).toEqual(['fiets', 'utrecht'])
  })

  test('ignores malformed facets and non-string tags', () => {
    const record = {
      facets: [null, 5, { features: 'x' }, { features: [null, { $type: 'app.bsky.richtext.facet#tag', tag: 7 }] }],
      tags: [1, null, 'ok'],
    }
    expect(extractTags(record, '')).toEqual(['ok'])
    expect(extractTags({ facets: 'nope', tags: 'nope' }, '')).toEqual([])
  })
})
