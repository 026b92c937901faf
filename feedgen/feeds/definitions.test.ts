import { describe, expect, test } from 'vitest'
import { FeedsFileError, parseFeedsFile } from './definitions.ts'

const EXAMPLE = `
publisher: did:plc:abc123
feeds:
  - id: utrecht-lokaal
    name: Utrecht Lokaal
    description: Berichten uit Utrecht, op volgorde van tijd.
    include:
      lists: [at://did:plc:abc123/app.bsky.graph.list/3kxyz]
      authors: [did:plc:def456]
      hashtags: [utrecht, 030]
      keywords: [Utrecht, Domstad]
    require:
      langs: [nl]
    exclude:
      keywords: [casino]
      labels:
        - labeler: did:plc:labeler1
          values: [pro-ed, body-comparison]
    replies: false
    reposts: false
    wellbeing:
      timezone: Europe/Amsterdam
      window: 48h
      maxItems: 100
      quietHours: { from: "23:00", to: "07:00" }
      releases: ["08:00", "12:30", "18:00"]
      perAuthor: 3
      pinned: at://did:plc:abc123/app.bsky.feed.post/3kpin
`

/** A minimal valid file whose first feed gets `feedYaml` (indented under "- "), for error cases. */
function withFeed(feedYaml: string, publisher = 'did:plc:abc123'): string {
  const body = feedYaml
    .trim()
    .split('\n')
    .map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`))
    .join('\n')
  return `publisher: ${publisher}\nfeeds:\n${body}\n`
}

const BASE = `id: f1\nname: Feed\ninclude:\n  hashtags: [utrecht]`

function parseError(yaml: string): FeedsFileError {
  try {
    parseFeedsFile(yaml, 'mine.yml')
  } catch (err) {
    expect(err).toBeInstanceOf(FeedsFileError)
    return err as FeedsFileError
  }
  throw new Error('expected parseFeedsFile to throw')
}

describe('parseFeedsFile: the contract example', () => {
  test('parses every field', () => {
    const file = parseFeedsFile(EXAMPLE, 'feeds.yaml')
    expect(file.publisher).toBe('did:plc:abc123')
    expect(file.feeds).toHaveLength(1)
    const f = file.feeds[0]!
    expect(f.id).toBe('utrecht-lokaal')
    expect(f.uri).toBe('at://did:plc:abc123/app.bsky.feed.generator/utrecht-lokaal')
    expect(f.name).toBe('Utrecht Lokaal')
    expect(f.description).toBe('Berichten uit Utrecht, op volgorde van tijd.')
    expect(f.include.lists).toEqual(['at://did:plc:abc123/app.bsky.graph.list/3kxyz'])
    expect(f.include.authors).toEqual(['did:plc:def456'])
    expect(f.include.hashtags[0]).toBe('utrecht')
    expect(f.include.hashtags).toHaveLength(2)
    expect(f.include.keywords).toEqual(['Utrecht', 'Domstad'])
    expect(f.require.langs).toEqual(['nl'])
    expect(f.exclude.keywords).toEqual(['casino'])
    expect(f.exclude.labels).toEqual([{ labeler: 'did:plc:labeler1', values: ['pro-ed', 'body-comparison'] }])
    expect(f.replies).toBe(false)
    expect(f.reposts).toBe(false)
    expect(f.wellbeing).toEqual({
      timezone: 'Europe/Amsterdam',
      windowMs: 172_800_000,
      maxItems: 100,
      quietHours: { from: '23:00', to: '07:00' },
      releases: ['08:00', '12:30', '18:00'],
      perAuthor: 3,
      pinned: 'at://did:plc:abc123/app.bsky.feed.post/3kpin',
    })
  })

  // YAML 1.2 would read the unquoted `030` as the number 30; the feeds file is read with the failsafe
  // schema so the contract's example feed listens to #030, not #30.
  test('the unquoted hashtag 030 from the contract example stays "030"', () => {
    const f = parseFeedsFile(EXAMPLE).feeds[0]!
    expect(f.include.hashtags).toEqual(['utrecht', '030'])
  })

  test('a quoted "030" hashtag is kept as written', () => {
    const f = parseFeedsFile(withFeed(`id: f1\nname: F\ninclude:\n  hashtags: ["030", "#Utrecht", "ÉÉN"]`)).feeds[0]!
    expect(f.include.hashtags).toEqual(['030', 'utrecht', 'één'])
  })
})

describe('parseFeedsFile: defaults and normalisation', () => {
  test('defaults: replies true, reposts false, Europe/Amsterdam, no wellbeing limits, empty lists', () => {
    const f = parseFeedsFile(withFeed(BASE)).feeds[0]!
    expect(f.replies).toBe(true)
    expect(f.reposts).toBe(false)
    expect(f.description).toBe('')
    expect(f.wellbeing.timezone).toBe('Europe/Amsterdam')
    expect(f.wellbeing.windowMs).toBeUndefined()
    expect(f.wellbeing.maxItems).toBeUndefined()
    expect(f.wellbeing.quietHours).toBeUndefined()
    expect(f.wellbeing.releases).toBeUndefined()
    expect(f.wellbeing.perAuthor).toBeUndefined()
    expect(f.wellbeing.pinned).toBeUndefined()
    expect(f.include).toEqual({ lists: [], authors: [], hashtags: ['utrecht'], keywords: [] })
    expect(f.require.langs).toEqual([])
    expect(f.exclude).toEqual({ keywords: [], labels: [] })
  })

  test('hashtags are lowercased and lose their "#"', () => {
    const f = parseFeedsFile(withFeed(`id: f1\nname: F\ninclude:\n  hashtags: ["#Utrecht", DOMSTAD, Ede_Wageningen]`)).feeds[0]!
    expect(f.include.hashtags).toEqual(['utrecht', 'domstad', 'ede_wageningen'])
  })

  test('quiet hours and releases are normalised to HH:MM; releases are sorted and deduplicated', () => {
    const f = parseFeedsFile(
      withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "7:00", to: "9:30" }\n  releases: ["18:00", "8:00", "12:30", "08:00"]`),
    ).feeds[0]!
    expect(f.wellbeing.quietHours).toEqual({ from: '07:00', to: '09:30' })
    expect(f.wellbeing.releases).toEqual(['08:00', '12:30', '18:00'])
  })

  test('window durations', () => {
    const windowOf = (w: string) => parseFeedsFile(withFeed(`${BASE}\nwellbeing:\n  window: ${w}`)).feeds[0]!.wellbeing.windowMs
    expect(windowOf('48h')).toBe(172_800_000)
    expect(windowOf('90m')).toBe(5_400_000)
    expect(windowOf('7d')).toBe(604_800_000)
  })

  test('a name of 24 emoji is 24 graphemes and allowed', () => {
    const name = '👩‍👩‍👧‍👦'.repeat(12) + '🇳🇱'.repeat(12)
    expect(name.length).toBeGreaterThan(24)
    const f = parseFeedsFile(withFeed(`id: f1\nname: "${name}"\ninclude:\n  hashtags: [a]`)).feeds[0]!
    expect(f.name).toBe(name)
  })

  test('several feeds, each with its own uri', () => {
    const yaml = `publisher: did:web:plein.example\nfeeds:\n  - id: a\n    name: A\n    include: { hashtags: [a] }\n  - id: b\n    name: B\n    include: { authors: [did:plc:x] }\n    reposts: true\n`
    const file = parseFeedsFile(yaml)
    expect(file.feeds.map((f) => f.uri)).toEqual([
      'at://did:web:plein.example/app.bsky.feed.generator/a',
      'at://did:web:plein.example/app.bsky.feed.generator/b',
    ])
    expect(file.feeds[1]?.reposts).toBe(true)
  })

  test('require.langs accepts region subtags', () => {
    const f = parseFeedsFile(withFeed(`${BASE}\nrequire:\n  langs: [nl, nl-BE, en]`)).feeds[0]!
    expect(f.require.langs).toEqual(['nl', 'nl-be', 'en'])
  })
})

const longName = 'x'.repeat(25)
const emoji25 = '🌷'.repeat(25)

describe('parseFeedsFile: every error names the field', () => {
  test.each<[string, string, string]>([
    ['not YAML', 'publisher: [did:plc:abc\nfeeds: {', 'not valid YAML'],
    ['duplicate YAML keys', 'publisher: did:plc:a\npublisher: did:plc:b\nfeeds: []', 'not valid YAML'],
    ['an empty file', '', '(top level)'],
    ['a list at the top', '- a\n- b', '(top level)'],
    ['missing publisher', 'feeds:\n  - id: a\n    name: A\n    include: { hashtags: [a] }', 'publisher'],
    ['publisher not a DID', withFeed(BASE, 'alice.bsky.social'), 'publisher'],
    ['feeds missing', 'publisher: did:plc:abc123', 'feeds'],
    ['feeds empty', 'publisher: did:plc:abc123\nfeeds: []', 'feeds'],
    ['feeds not a list', 'publisher: did:plc:abc123\nfeeds: { id: a }', 'feeds'],
    ['unknown top-level key', `${withFeed(BASE)}colour: blue\n`, 'colour'],
    ['unknown key inside a feed', withFeed(`id: f1\nname: F\ninclde:\n  hashtags: [a]`), 'feeds[0].inclde'],
    ['unknown key inside include', withFeed(`${BASE}\n  tags: [a]`), 'feeds[0].include.tags'],
    ['unknown key inside wellbeing', withFeed(`${BASE}\nwellbeing:\n  quiet: true`), 'feeds[0].wellbeing.quiet'],
    [
      'duplicate ids',
      'publisher: did:plc:abc123\nfeeds:\n  - id: same\n    name: A\n    include: { hashtags: [a] }\n  - id: same\n    name: B\n    include: { hashtags: [b] }',
      'feeds[1].id',
    ],
    ['missing id', withFeed(`name: F\ninclude:\n  hashtags: [a]`), 'feeds[0].id'],
    ['id with a space', withFeed(`id: utrecht lokaal\nname: F\ninclude:\n  hashtags: [a]`), 'feeds[0].id'],
    ['id longer than 15 characters', withFeed(`id: abcdefghijklmnop\nname: F\ninclude:\n  hashtags: [a]`), 'feeds[0].id'],
    ['missing name', withFeed(`id: f1\ninclude:\n  hashtags: [a]`), 'feeds[0].name'],
    ['name longer than 24 characters', withFeed(`id: f1\nname: ${longName}\ninclude:\n  hashtags: [a]`), 'feeds[0].name'],
    ['name of 25 emoji', withFeed(`id: f1\nname: "${emoji25}"\ninclude:\n  hashtags: [a]`), 'feeds[0].name'],
    ['description longer than 300', withFeed(`${BASE}\ndescription: ${'d'.repeat(301)}`), 'feeds[0].description'],
    ['include missing', withFeed(`id: f1\nname: F`), 'feeds[0].include'],
    ['include empty', withFeed(`id: f1\nname: F\ninclude: {}`), 'feeds[0].include'],
    ['include with only empty lists', withFeed(`id: f1\nname: F\ninclude:\n  hashtags: []\n  authors: []`), 'feeds[0].include'],
    [
      'list URI that is not a list',
      withFeed(`id: f1\nname: F\ninclude:\n  lists: [at://did:plc:abc123/app.bsky.feed.post/3kxyz]`),
      'feeds[0].include.lists[0]',
    ],
    ['list URI without rkey', withFeed(`id: f1\nname: F\ninclude:\n  lists: [at://did:plc:abc123/app.bsky.graph.list]`), 'feeds[0].include.lists[0]'],
    [
      'list URI with a handle',
      withFeed(`id: f1\nname: F\ninclude:\n  lists: [at://did:plc:abc123/app.bsky.graph.list/3ka, at://alice.bsky.social/app.bsky.graph.list/3kxyz]`),
      'feeds[0].include.lists[1]',
    ],
    ['list that is not a URI', withFeed(`id: f1\nname: F\ninclude:\n  lists: ["https://bsky.app/profile/x/lists/3k"]`), 'feeds[0].include.lists[0]'],
    ['author not a DID', withFeed(`id: f1\nname: F\ninclude:\n  authors: [did:plc:ok, alice.bsky.social]`), 'feeds[0].include.authors[1]'],
    ['hashtag with a space', withFeed(`id: f1\nname: F\ninclude:\n  hashtags: [utrecht, "den haag"]`), 'feeds[0].include.hashtags[1]'],
    ['empty hashtag', withFeed(`id: f1\nname: F\ninclude:\n  hashtags: [utrecht, ""]`), 'feeds[0].include.hashtags[1]'],
    ['hashtags not a list', withFeed(`id: f1\nname: F\ninclude:\n  hashtags: utrecht`), 'feeds[0].include.hashtags'],
    ['exclude.labels entry without values', withFeed(`${BASE}\nexclude:\n  labels:\n    - labeler: did:plc:lab`), 'feeds[0].exclude.labels[0].values'],
    ['exclude.labels entry with empty values', withFeed(`${BASE}\nexclude:\n  labels:\n    - labeler: did:plc:lab\n      values: []`), 'feeds[0].exclude.labels[0].values'],
    [
      'label value with uppercase',
      withFeed(`${BASE}\nexclude:\n  labels:\n    - labeler: did:plc:lab\n      values: [porn, Gore]`),
      'feeds[0].exclude.labels[0].values[1]',
    ],
    ['labeler not a DID', withFeed(`${BASE}\nexclude:\n  labels:\n    - labeler: mod.bsky.app\n      values: [porn]`), 'feeds[0].exclude.labels[0].labeler'],
    ['replies not a boolean', withFeed(`${BASE}\nreplies: nee`), 'feeds[0].replies'],
    ['bad timezone', withFeed(`${BASE}\nwellbeing:\n  timezone: Europe/Utrecht`), 'feeds[0].wellbeing.timezone'],
    ['window soon', withFeed(`${BASE}\nwellbeing:\n  window: soon`), 'feeds[0].wellbeing.window'],
    ['window shorter than a minute', withFeed(`${BASE}\nwellbeing:\n  window: 30s`), 'feeds[0].wellbeing.window'],
    ['quietHours from == to', withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "23:00", to: "23:00" }`), 'feeds[0].wellbeing.quietHours'],
    ['quietHours from == to after normalising', withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "7:00", to: "07:00" }`), 'feeds[0].wellbeing.quietHours'],
    ['quietHours 25:00', withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "25:00", to: "07:00" }`), 'feeds[0].wellbeing.quietHours.from'],
    ['quietHours 07:60', withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "23:00", to: "07:60" }`), 'feeds[0].wellbeing.quietHours.to'],
    ['quietHours without to', withFeed(`${BASE}\nwellbeing:\n  quietHours: { from: "23:00" }`), 'feeds[0].wellbeing.quietHours.to'],
    ['releases empty list', withFeed(`${BASE}\nwellbeing:\n  releases: []`), 'feeds[0].wellbeing.releases'],
    ['releases with a bad time', withFeed(`${BASE}\nwellbeing:\n  releases: ["08:00", "noon"]`), 'feeds[0].wellbeing.releases[1]'],
    ['perAuthor 0', withFeed(`${BASE}\nwellbeing:\n  perAuthor: 0`), 'feeds[0].wellbeing.perAuthor'],
    ['perAuthor 1.5', withFeed(`${BASE}\nwellbeing:\n  perAuthor: 1.5`), 'feeds[0].wellbeing.perAuthor'],
    ['maxItems ten', withFeed(`${BASE}\nwellbeing:\n  maxItems: ten`), 'feeds[0].wellbeing.maxItems'],
    ['pinned not a post URI', withFeed(`${BASE}\nwellbeing:\n  pinned: at://did:plc:abc123/app.bsky.feed.like/3kpin`), 'feeds[0].wellbeing.pinned'],
    ['pinned by handle', withFeed(`${BASE}\nwellbeing:\n  pinned: at://plein.example/app.bsky.feed.post/3kpin`), 'feeds[0].wellbeing.pinned'],
  ])('%s', (_name, yaml, field) => {
    const err = parseError(yaml)
    expect(err.message).toMatch(/^mine\.yml: /)
    expect(err.message).toContain(`${field}: `)
  })

  test('errors in the second feed name feeds[1]', () => {
    const yaml = `publisher: did:plc:abc123\nfeeds:\n  - id: a\n    name: A\n    include: { hashtags: [a] }\n  - id: b\n    name: B\n    include: { hashtags: [ok, "not ok"] }\n`
    expect(parseError(yaml).message).toContain('feeds[1].include.hashtags[1]')
  })

  // @atproto/syntax isValidLanguage accepts any 5–8 letter primary subtag (BCP 47 grammar); posts are
  // tagged with ISO 639 codes, so a feed requiring 'dutch' would silently match nothing.
  test('require.langs with "dutch" is rejected', () => {
    const err = parseError(withFeed(`${BASE}\nrequire:\n  langs: [nl, dutch]`))
    expect(err.message).toContain('feeds[0].require.langs[1]')
  })

  test('require.langs with something that is not a language tag at all is rejected', () => {
    const err = parseError(withFeed(`${BASE}\nrequire:\n  langs: ["n l"]`))
    expect(err.message).toContain('feeds[0].require.langs[0]')
  })
})
