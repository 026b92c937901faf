import { describe, expect, test } from 'vitest'
import { parseFeedsFile, type FeedDefinition } from './definitions.ts'
import { FeedMatcher, langsMatch, type MembershipView, type PostFacts } from './matcher.ts'
import { extractTags } from './text.ts'

const PUBLISHER = 'did:plc:publisher'
const LIST = `at://${PUBLISHER}/app.bsky.graph.list/3klist`
const OTHER_LIST = `at://${PUBLISHER}/app.bsky.graph.list/3kother`
const ALICE = 'did:plc:alice'
const BOB = 'did:plc:bob'
const CAROL = 'did:plc:carol'
const STRANGER = 'did:plc:stranger'

/** Parses feeds written as YAML list items (without the leading "- ") under a fixed publisher. */
function defs(...feeds: string[]): FeedDefinition[] {
  const body = feeds
    .map((f) =>
      f
        .trim()
        .split('\n')
        .map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`))
        .join('\n'),
    )
    .join('\n')
  return parseFeedsFile(`publisher: ${PUBLISHER}\nfeeds:\n${body}\n`).feeds
}

class FakeMembership implements MembershipView {
  readonly members = new Map<string, Set<string>>()
  readonly calls: [string, string][] = []
  add(list: string, did: string): this {
    let s = this.members.get(list)
    if (!s) this.members.set(list, (s = new Set()))
    s.add(did)
    return this
  }
  isMember(listUri: string, did: string): boolean {
    this.calls.push([listUri, did])
    return this.members.get(listUri)?.has(did) ?? false
  }
}

function post(p: Partial<PostFacts> & { text?: string }): PostFacts {
  const text = p.text ?? ''
  return { author: STRANGER, text, langs: ['nl'], tags: p.tags ?? extractTags({}, text), isReply: false, ...p }
}

function matcher(feeds: FeedDefinition[], membership: MembershipView = new FakeMembership()): FeedMatcher {
  return new FeedMatcher(feeds, membership)
}

describe('langsMatch', () => {
  test('a bare language accepts its regional variants', () => {
    expect(langsMatch(['nl'], ['nl'])).toBe(true)
    expect(langsMatch(['nl'], ['nl-BE'])).toBe(true)
    expect(langsMatch(['nl'], ['NL-nl'])).toBe(true)
    expect(langsMatch(['nl'], ['NL'])).toBe(true)
  })

  test('a regional requirement accepts only that region', () => {
    expect(langsMatch(['nl-be'], ['nl-BE'])).toBe(true)
    expect(langsMatch(['nl-be'], ['nl'])).toBe(false)
    expect(langsMatch(['nl-be'], ['nl-NL'])).toBe(false)
  })

  test('prefixes are not languages', () => {
    expect(langsMatch(['n'], ['nl'])).toBe(false)
    expect(langsMatch(['nl'], ['nld'])).toBe(false)
    expect(langsMatch(['en'], ['eng'])).toBe(false)
  })

  test('any post language may match any required language; none means no match', () => {
    expect(langsMatch(['nl', 'fy'], ['en', 'fy'])).toBe(true)
    expect(langsMatch(['nl'], ['en', 'de'])).toBe(false)
    expect(langsMatch(['nl'], [])).toBe(false)
  })
})

describe('FeedMatcher.match: include rules', () => {
  test('keywords match whole words, case- and accent-insensitively', () => {
    const m = matcher(defs(`id: kw\nname: KW\ninclude:\n  keywords: [Domstad, Utrecht, Cafe, Den Haag]`))
    const reasons = (text: string) => m.match(post({ text }))
    expect(reasons('Welkom in de Domstad')).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(reasons('Gezellig Domstadje')).toEqual([])
    expect(reasons('Ik woon in utrecht.')).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(reasons('UTRECHT!')).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(reasons('Utrechtse gezelligheid')).toEqual([])
    expect(reasons('Koffie in het café')).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(reasons('Op weg naar den  haag')).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(reasons('denhaag')).toEqual([])
    expect(reasons('')).toEqual([])
  })

  test("a keyword with an accent matches unaccented text, and 'ĳ' equals 'ij'", () => {
    const m = matcher(defs(`id: kw\nname: KW\ninclude:\n  keywords: [café, ijsbaan]`))
    expect(m.match(post({ text: 'CAFE' }))).toEqual([{ feed: 'kw', reason: 'keyword' }])
    expect(m.match(post({ text: 'De Ĳsbaan is open' }))).toEqual([{ feed: 'kw', reason: 'keyword' }])
  })

  test('hashtags match the post tags (from facets, the tags field and inline text)', () => {
    const m = matcher(defs(`id: tag\nname: Tag\ninclude:\n  hashtags: ["#Utrecht", "030"]`))
    const fromFacet = extractTags({ facets: [{ index: { byteStart: 0, byteEnd: 8 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'UTRECHT' }] }] }, 'geen')
    expect(m.match(post({ text: 'geen', tags: fromFacet }))).toEqual([{ feed: 'tag', reason: 'hashtag' }])
    expect(m.match(post({ text: 'x', tags: extractTags({ tags: ['utrecht'] }, 'x') }))).toEqual([{ feed: 'tag', reason: 'hashtag' }])
    expect(m.match(post({ text: 'Zon in #Utrecht' }))).toEqual([{ feed: 'tag', reason: 'hashtag' }])
    expect(m.match(post({ tags: ['030'] }))).toEqual([{ feed: 'tag', reason: 'hashtag' }])
    // the word without '#' is not a hashtag, and C# is not a tag at all
    expect(m.match(post({ text: 'Zon in Utrecht' }))).toEqual([])
    expect(m.match(post({ text: 'Utrecht C# meetup' }))).toEqual([])
    expect(m.match(post({ tags: ['utrechtse'] }))).toEqual([])
  })

  test('authors include', () => {
    const m = matcher(defs(`id: auth\nname: Auth\ninclude:\n  authors: [${ALICE}]`))
    expect(m.match(post({ author: ALICE, text: 'anything' }))).toEqual([{ feed: 'auth', reason: 'author' }])
    expect(m.match(post({ author: BOB, text: 'anything' }))).toEqual([])
  })

  test('list membership via the MembershipView', () => {
    const membership = new FakeMembership().add(LIST, ALICE).add(OTHER_LIST, BOB)
    const m = matcher(defs(`id: list\nname: List\ninclude:\n  lists: [${LIST}]`), membership)
    expect(m.match(post({ author: ALICE, text: 'hoi' }))).toEqual([{ feed: 'list', reason: 'list' }])
    // on a different list than the feed's
    expect(m.match(post({ author: BOB, text: 'hoi' }))).toEqual([])
    expect(membership.calls).toContainEqual([LIST, ALICE])
    // membership changes are seen immediately
    membership.add(LIST, CAROL)
    expect(m.match(post({ author: CAROL, text: 'hoi' }))).toEqual([{ feed: 'list', reason: 'list' }])
  })

})

describe('FeedMatcher.match: require, exclude, replies', () => {
  test("require.langs: 'nl' accepts nl-BE; 'nl-BE' does not accept nl; no langs fails a feed that requires them", () => {
    const m = matcher(
      defs(
        `id: nl\nname: NL\ninclude:\n  authors: [${ALICE}]\nrequire:\n  langs: [nl]`,
        `id: be\nname: BE\ninclude:\n  authors: [${ALICE}]\nrequire:\n  langs: [nl-BE]`,
        `id: any\nname: Any\ninclude:\n  authors: [${ALICE}]`,
      ),
    )
    const feeds = (langs: string[]) => m.match(post({ author: ALICE, text: 'hallo', langs })).map((x) => x.feed)
    expect(feeds(['nl-BE'])).toEqual(['nl', 'be', 'any'])
    expect(feeds(['nl'])).toEqual(['nl', 'any'])
    expect(feeds(['en'])).toEqual(['any'])
    expect(feeds([])).toEqual(['any'])
  })

  test('exclude.keywords vetoes a post that otherwise matches', () => {
    const m = matcher(defs(`id: f\nname: F\ninclude:\n  keywords: [Utrecht]\n  authors: [${ALICE}]\nexclude:\n  keywords: [casino, gratis geld]`))
    expect(m.match(post({ text: 'Nieuw CASINO in Utrecht' }))).toEqual([])
    expect(m.match(post({ author: ALICE, text: 'Gratis  geld!' }))).toEqual([])
    // whole words only for exclusions too
    expect(m.match(post({ text: 'Casinoplein Utrecht' }))).toEqual([{ feed: 'f', reason: 'keyword' }])
    expect(m.match(post({ author: ALICE, text: 'gewoon een post' }))).toEqual([{ feed: 'f', reason: 'author' }])
  })

  test('exclude.keywords works for a feed without include keywords', () => {
    const m = matcher(defs(`id: f\nname: F\ninclude:\n  authors: [${ALICE}]\nexclude:\n  keywords: [casino]`))
    expect(m.match(post({ author: ALICE, text: 'casino' }))).toEqual([])
    expect(m.match(post({ author: ALICE, text: 'koffie' }))).toEqual([{ feed: 'f', reason: 'author' }])
  })

  test('replies: false drops replies; the default keeps them', () => {
    const m = matcher(
      defs(`id: noreply\nname: A\ninclude:\n  authors: [${ALICE}]\nreplies: false`, `id: replies\nname: B\ninclude:\n  authors: [${ALICE}]`),
    )
    expect(m.match(post({ author: ALICE, text: 'x', isReply: true })).map((x) => x.feed)).toEqual(['replies'])
    expect(m.match(post({ author: ALICE, text: 'x', isReply: false })).map((x) => x.feed)).toEqual(['noreply', 'replies'])
  })

  test('a post can match several feeds, each with its own reason', () => {
    const membership = new FakeMembership().add(LIST, ALICE)
    const m = matcher(
      defs(
        `id: bylist\nname: L\ninclude:\n  lists: [${LIST}]`,
        `id: byauthor\nname: A\ninclude:\n  authors: [${ALICE}]\n  keywords: [Utrecht]`,
        `id: bytag\nname: T\ninclude:\n  hashtags: [fiets]`,
        `id: bykw\nname: K\ninclude:\n  keywords: [Utrecht]`,
        `id: none\nname: N\ninclude:\n  keywords: [Amsterdam]`,
      ),
      membership,
    )
    expect(m.match(post({ author: ALICE, text: 'Met de #fiets door Utrecht' }))).toEqual([
      { feed: 'bylist', reason: 'list' },
      { feed: 'byauthor', reason: 'author' },
      { feed: 'bytag', reason: 'hashtag' },
      { feed: 'bykw', reason: 'keyword' },
    ])
    expect(m.match(post({ author: BOB, text: 'Met de #fiets door Utrecht' }))).toEqual([
      { feed: 'byauthor', reason: 'keyword' },
      { feed: 'bytag', reason: 'hashtag' },
      { feed: 'bykw', reason: 'keyword' },
    ])
  })

  test('the contract example feed', () => {
    const file = parseFeedsFile(`publisher: did:plc:abc123
feeds:
  - id: utrecht-lokaal
    name: Utrecht Lokaal
    include:
      lists: [at://did:plc:abc123/app.bsky.graph.list/3kxyz]
      authors: [did:plc:def456]
      hashtags: [utrecht]
      keywords: [Utrecht, Domstad]
    require:
      langs: [nl]
    exclude:
      keywords: [casino]
    replies: false
`)
    const membership = new FakeMembership().add('at://did:plc:abc123/app.bsky.graph.list/3kxyz', ALICE)
    const m = matcher(file.feeds, membership)
    expect(m.match(post({ author: ALICE, text: 'hoi', langs: ['nl-NL'] }))).toEqual([{ feed: 'utrecht-lokaal', reason: 'list' }])
    expect(m.match(post({ author: 'did:plc:def456', text: 'hoi' }))).toEqual([{ feed: 'utrecht-lokaal', reason: 'author' }])
    expect(m.match(post({ text: 'De Domstad bij nacht' }))).toEqual([{ feed: 'utrecht-lokaal', reason: 'keyword' }])
    expect(m.match(post({ text: 'De Domstad bij nacht', langs: ['en'] }))).toEqual([])
    expect(m.match(post({ text: 'De Domstad bij nacht', isReply: true }))).toEqual([])
    expect(m.match(post({ text: 'Casino in de Domstad' }))).toEqual([])
  })
})

describe('FeedMatcher.matchRepost', () => {
  test('only feeds with reposts: true, and only for included authors', () => {
    const membership = new FakeMembership().add(LIST, BOB)
    const m = matcher(
      defs(
        `id: withreposts\nname: R\ninclude:\n  authors: [${ALICE}]\n  lists: [${LIST}]\n  keywords: [Utrecht]\nreposts: true`,
        `id: noreposts\nname: N\ninclude:\n  authors: [${ALICE}]\n  lists: [${LIST}]`,
        `id: tagsonly\nname: T\ninclude:\n  hashtags: [utrecht]\nreposts: true`,
      ),
      membership,
    )
    expect(m.matchRepost(ALICE)).toEqual([{ feed: 'withreposts', reason: 'author' }])
    expect(m.matchRepost(BOB)).toEqual([{ feed: 'withreposts', reason: 'list' }])
    expect(m.matchRepost(CAROL)).toEqual([])
  })
})
