import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Secp256k1Keypair, type Keypair } from '@atproto/crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { InvalidCursorError } from '../../shared/db/index.ts'
import { InvalidLabelError, verifyLabelSignature } from '../../shared/labels/signing.ts'
import { LabelStore, successor, type LabelEvent, type LabelInput } from './store.ts'

const SRC = 'did:plc:plein-labeler'
const OTHER_SRC = 'did:plc:other-labeler'
const T0 = Date.parse('2025-03-01T12:00:00.000Z')
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
const CID2 = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const post = (rkey: string, did = 'did:plc:author') => `at://${did}/app.bsky.feed.post/${rkey}`

let keypair: Secp256k1Keypair
let dir: string
let clock: number
const now = () => clock
const stores: LabelStore[] = []

beforeAll(async () => {
  keypair = await Secp256k1Keypair.create()
  dir = mkdtempSync(path.join(tmpdir(), 'plein-labels-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(() => {
  clock = T0
})
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

let fileNo = 0
function newFile(): string {
  return path.join(dir, `labels-${++fileNo}.sqlite`)
}

async function open(opts: { file?: string; src?: string; retainEvents?: number; keypair?: Keypair } = {}): Promise<LabelStore> {
  const store = await LabelStore.open({ file: opts.file ?? ':memory:', src: opts.src ?? SRC, keypair: opts.keypair ?? keypair, now, retainEvents: opts.retainEvents })
  stores.push(store)
  return store
}

async function closeStore(store: LabelStore): Promise<void> {
  stores.splice(stores.indexOf(store), 1)
  await store.close()
}

async function allEvents(store: LabelStore): Promise<LabelEvent[]> {
  return await store.listLabelEvents(0, 10_000)
}

describe('apply', () => {
  test('a new label is one signed event and the current state', async () => {
    const store = await open()
    const events = await store.apply([{ uri: post('a'), cid: CID, val: 'comparison', reasons: ['rule:x'] }], { automatic: true })
    expect(events).toHaveLength(1)
    const [evt] = events
    expect(evt?.seq).toBe(1)
    expect(evt?.label).toMatchObject({ ver: 1, src: SRC, uri: post('a'), cid: CID, val: 'comparison', cts: new Date(T0).toISOString() })
    expect('neg' in (evt?.label ?? {})).toBe(false)
    expect(await verifyLabelSignature(evt!.label, keypair.did())).toBe(true)
    const current = await store.currentLabels(post('a'))
    expect(current).toEqual([{ ...evt!.label, reasons: ['rule:x'], automatic: true }])
    expect(await store.getLatestSeq()).toBe(1)
  })

  test('the same label twice is one event', async () => {
    const store = await open()
    const input: LabelInput = { uri: post('a'), val: 'comparison' }
    expect(await store.apply([input])).toHaveLength(1)
    clock += 1000
    expect(await store.apply([input])).toEqual([])
    expect(await store.apply([input, input])).toEqual([])
    expect(await allEvents(store)).toHaveLength(1)
  })

  test('the same label twice in one batch is one event', async () => {
    const store = await open()
    const events = await store.apply([
      { uri: post('a'), val: 'comparison' },
      { uri: post('a'), val: 'comparison' },
    ])
    expect(events).toHaveLength(1)
  })

  test('labels differ by cid, val and uri', async () => {
    const store = await open()
    const events = await store.apply([
      { uri: post('a'), val: 'comparison' },
      { uri: post('a'), cid: CID, val: 'comparison' },
      { uri: post('a'), cid: CID2, val: 'comparison' },
      { uri: post('a'), val: 'harassment' },
      { uri: post('b'), val: 'comparison' },
    ])
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(await store.currentLabels(post('a'))).toHaveLength(4)
  })

  test('a negation replaces the label', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), cid: CID, val: 'comparison' }])
    clock += 1000
    const [neg, ...rest] = await store.apply([{ uri: post('a'), cid: CID, val: 'comparison', neg: true, reasons: ['moderator: fine'] }])
    expect(rest).toEqual([])
    expect(neg?.seq).toBe(2)
    expect(neg?.label).toMatchObject({ uri: post('a'), cid: CID, val: 'comparison', neg: true, cts: new Date(clock).toISOString() })
    expect(await verifyLabelSignature(neg!.label, keypair.did())).toBe(true)
    expect(await store.currentLabels(post('a'))).toEqual([])
    expect((await store.queryLabels({ uriPatterns: [post('a')], limit: 10 })).labels).toEqual([])
    expect((await allEvents(store)).map((e) => e.label.neg)).toEqual([undefined, true])
  })

  test('negating an absent or negated label is a no-op', async () => {
    const store = await open()
    expect(await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])).toEqual([])
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    expect(await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])).toHaveLength(1)
    expect(await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])).toEqual([])
    // another cid is another label
    expect(await store.apply([{ uri: post('a'), cid: CID, val: 'comparison', neg: true }])).toEqual([])
    expect(await store.getLatestSeq()).toBe(2)
  })

  test('applying again after a negation is a new positive event', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])
    const events = await store.apply([{ uri: post('a'), val: 'comparison' }])
    expect(events).toHaveLength(1)
    expect(events[0]?.seq).toBe(3)
    expect('neg' in events[0]!.label).toBe(false)
    expect((await store.currentLabels(post('a'))).map((l) => l.val)).toEqual(['comparison'])
  })

  test('cts grows per label even when the clock does not move or steps back', async () => {
    const store = await open()
    const a = await store.apply([{ uri: post('a'), val: 'comparison' }])
    const b = await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])
    clock -= 60_000
    const c = await store.apply([{ uri: post('a'), val: 'comparison' }])
    const cts = [a, b, c].map((e) => Date.parse(e[0]!.label.cts))
    expect(cts).toEqual([T0, T0 + 1, T0 + 2])
  })

  test('reasons and who decided are kept per label', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), val: 'comparison', reasons: ['rule:a', 'rule:b'] }], { automatic: true, rulesVersion: 'nl-3' })
    await store.apply([{ uri: post('a'), val: 'harassment' }])
    const current = await store.currentLabels(post('a'))
    expect(current.map((l) => [l.val, l.reasons, l.automatic])).toEqual([
      ['comparison', ['rule:a', 'rule:b'], true],
      ['harassment', [], false],
    ])
  })

  test('a no-op does not overwrite the reasons or who decided', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), val: 'comparison', reasons: ['moderator'] }], { automatic: false })
    await store.apply([{ uri: post('a'), val: 'comparison', reasons: ['rule:a'] }], { automatic: true })
    expect((await store.currentLabels(post('a')))[0]).toMatchObject({ reasons: ['moderator'], automatic: false })
  })

  test('account labels (a DID as uri) are allowed', async () => {
    const store = await open()
    expect(await store.apply([{ uri: 'did:plc:author', val: '!hide' }])).toHaveLength(1)
  })

  test.each<[string, LabelInput]>([
    ['a val with capitals', { uri: post('a'), val: 'Comparison' }],
    ['a val with a digit', { uri: post('a'), val: 'level2' }],
    ['an empty val', { uri: post('a'), val: '' }],
    ['a val of 129 bytes', { uri: post('a'), val: 'a'.repeat(129) }],
    ['a val with "!" inside', { uri: post('a'), val: 'a!b' }],
    ['a uri that is neither at:// nor a DID', { uri: 'https://example.com/x', val: 'comparison' }],
    ['an empty uri', { uri: '', val: 'comparison' }],
    ['a cid that is not a CID', { uri: post('a'), cid: 'not-a-cid', val: 'comparison' }],
    ['an exp without timezone', { uri: post('a'), val: 'comparison', exp: '2030-01-01T00:00:00' }],
    ['an exp that is not a date', { uri: post('a'), val: 'comparison', exp: 'soon' }],
    ['reasons that are not strings', { uri: post('a'), val: 'comparison', reasons: [1] as unknown as string[] }],
  ])('refuses %s', async (_name, input) => {
    const store = await open()
    await expect(store.apply([input])).rejects.toThrow(InvalidLabelError)
  })

  test('a val of exactly 128 bytes is fine', async () => {
    const store = await open()
    expect(await store.apply([{ uri: post('a'), val: 'a'.repeat(128) }])).toHaveLength(1)
  })
})

describe('atomicity', () => {
  test('an invalid input anywhere in the batch writes nothing, not even the cursor', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), val: 'comparison' }], { cursor: { id: 'firehose', seq: 10 } })
    const seen: LabelEvent[][] = []
    store.onEvents((e) => seen.push(e))
    await expect(
      store.apply(
        [
          { uri: post('b'), val: 'comparison' },
          { uri: post('c'), val: 'x'.repeat(129) },
        ],
        { cursor: { id: 'firehose', seq: 20 } },
      ),
    ).rejects.toThrow(InvalidLabelError)
    await expect(store.apply([{ uri: post('b'), val: 'comparison' }, { uri: post('c'), val: 'Not Valid' }], { cursor: { id: 'firehose', seq: 20 } })).rejects.toThrow(
      InvalidLabelError,
    )
    expect(await store.getCursor('firehose')).toBe(10)
    expect(await store.getLatestSeq()).toBe(1)
    expect(await store.currentLabels(post('b'))).toEqual([])
    expect(seen).toEqual([])
  })

  test('a failure in the middle of the transaction rolls back labels, events, seq and cursor', async () => {
    let signs = 0
    let failAt = Infinity
    const flaky: Keypair = {
      jwtAlg: keypair.jwtAlg,
      did: () => keypair.did(),
      sign: async (msg) => {
        if (++signs === failAt) throw new Error('signer unavailable')
        return await keypair.sign(msg)
      },
    }
    const store = await open({ keypair: flaky })
    await store.apply([{ uri: post('a'), val: 'comparison' }], { cursor: { id: 'firehose', seq: 10 } })
    const seen: LabelEvent[][] = []
    store.onEvents((e) => seen.push(e))
    failAt = signs + 3
    const batch: LabelInput[] = [
      { uri: post('a'), val: 'comparison', neg: true },
      { uri: post('b'), val: 'comparison' },
      { uri: post('c'), val: 'comparison' },
    ]
    await expect(store.apply(batch, { cursor: { id: 'firehose', seq: 20 } })).rejects.toThrow('signer unavailable')
    expect(await store.getCursor('firehose')).toBe(10)
    expect(await store.getLatestSeq()).toBe(1)
    expect((await allEvents(store)).map((e) => e.seq)).toEqual([1])
    expect((await store.currentLabels(post('a'))).map((l) => l.val)).toEqual(['comparison'])
    expect(await store.currentLabels(post('b'))).toEqual([])
    expect(seen).toEqual([])
    // the numbers of the rolled-back events are handed out again: nobody saw them
    const retry = await store.apply(batch, { cursor: { id: 'firehose', seq: 20 } })
    expect(retry.map((e) => e.seq)).toEqual([2, 3, 4])
    expect(await store.getCursor('firehose')).toBe(20)
  })
})

describe('cursor', () => {
  test('unknown id is undefined; saved with apply, also when nothing changed', async () => {
    const store = await open()
    expect(await store.getCursor('firehose')).toBeUndefined()
    await store.apply([], { cursor: { id: 'firehose', seq: 5 } })
    expect(await store.getCursor('firehose')).toBe(5)
    await store.apply([{ uri: post('a'), val: 'comparison' }], { cursor: { id: 'firehose', seq: 9 } })
    await store.apply([{ uri: post('a'), val: 'comparison' }], { cursor: { id: 'firehose', seq: 12 } })
    expect(await store.getCursor('firehose')).toBe(12)
    expect(await store.getCursor('other')).toBeUndefined()
  })

  test('refuses a malformed cursor', async () => {
    const store = await open()
    await expect(store.apply([], { cursor: { id: 'firehose', seq: -1 } })).rejects.toThrow(InvalidLabelError)
    await expect(store.apply([], { cursor: { id: '', seq: 1 } })).rejects.toThrow(InvalidLabelError)
    await expect(store.apply([], { cursor: { id: 'firehose', seq: 1.5 } })).rejects.toThrow(InvalidLabelError)
  })
})

describe('seq', () => {
  test('keeps growing across close and reopen', async () => {
    const file = newFile()
    let store = await open({ file })
    expect(await store.getLatestSeq()).toBe(0)
    expect(await store.getEarliestSeq()).toBe(0)
    await store.apply([{ uri: post('a'), val: 'comparison' }, { uri: post('b'), val: 'comparison' }], { cursor: { id: 'firehose', seq: 3 } })
    await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])
    await closeStore(store)
    store = await open({ file })
    expect(await store.getLatestSeq()).toBe(3)
    expect(await store.getCursor('firehose')).toBe(3)
    const [evt] = await store.apply([{ uri: post('a'), val: 'comparison' }])
    expect(evt?.seq).toBe(4)
    expect((await allEvents(store)).map((e) => e.seq)).toEqual([1, 2, 3, 4])
  })

  test('is never reused after old events are deleted, also across reopen', async () => {
    const file = newFile()
    let store = await open({ file, retainEvents: 1 })
    for (const r of ['a', 'b', 'c']) await store.apply([{ uri: post(r), val: 'comparison' }])
    expect(await store.getEarliestSeq()).toBe(3)
    expect(await store.getLatestSeq()).toBe(3)
    await closeStore(store)
    store = await open({ file, retainEvents: 1 })
    expect((await store.apply([{ uri: post('d'), val: 'comparison' }]))[0]?.seq).toBe(4)
  })

  test('the latest seq survives even if every event row is gone', async () => {
    const file = newFile()
    let store = await open({ file })
    await store.apply([{ uri: post('a'), val: 'comparison' }, { uri: post('b'), val: 'comparison' }])
    await closeStore(store)
    const raw = new SqliteDatabase(file)
    raw.prepare('delete from label_event').run()
    raw.close()
    store = await open({ file })
    expect(await store.getLatestSeq()).toBe(2)
    expect(await store.getEarliestSeq()).toBe(0)
    expect((await store.apply([{ uri: post('c'), val: 'comparison' }]))[0]?.seq).toBe(3)
  })
})

describe('retention', () => {
  test('keeps the newest N events; the current state is untouched', async () => {
    const store = await open({ retainEvents: 2 })
    for (const r of ['a', 'b', 'c', 'd', 'e']) await store.apply([{ uri: post(r), val: 'comparison' }])
    expect(await store.getEarliestSeq()).toBe(4)
    expect(await store.getLatestSeq()).toBe(5)
    expect((await allEvents(store)).map((e) => e.seq)).toEqual([4, 5])
    expect((await store.queryLabels({ uriPatterns: ['*'], limit: 100 })).labels).toHaveLength(5)
  })

  test('a big batch keeps only the newest N of it', async () => {
    const store = await open({ retainEvents: 3 })
    await store.apply(['a', 'b', 'c', 'd', 'e'].map((r) => ({ uri: post(r), val: 'comparison' })))
    expect((await allEvents(store)).map((e) => e.seq)).toEqual([3, 4, 5])
  })

  test('applies when a store is reopened with a smaller window', async () => {
    const file = newFile()
    let store = await open({ file })
    for (const r of ['a', 'b', 'c', 'd']) await store.apply([{ uri: post(r), val: 'comparison' }])
    await closeStore(store)
    store = await open({ file, retainEvents: 2 })
    expect(await store.getEarliestSeq()).toBe(3)
  })

  test('refuses a window below 1', async () => {
    await expect(LabelStore.open({ file: ':memory:', src: SRC, keypair, retainEvents: 0 })).rejects.toThrow(/retainEvents/)
  })
})

describe('listLabelEvents', () => {
  test('pages in seq order without gaps or repeats', async () => {
    const store = await open()
    for (let i = 0; i < 7; i++) await store.apply([{ uri: post(`p${i}`), val: 'comparison' }])
    await store.apply([{ uri: post('p0'), val: 'comparison', neg: true }])
    const pages: number[][] = []
    let after = 0
    for (;;) {
      const page = await store.listLabelEvents(after, 3)
      if (page.length === 0) break
      pages.push(page.map((e) => e.seq))
      after = page.at(-1)!.seq
    }
    expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]])
    const last = await store.listLabelEvents(7, 10)
    expect(last[0]?.label).toMatchObject({ uri: post('p0'), neg: true })
    expect(await verifyLabelSignature(last[0]!.label, keypair.did())).toBe(true)
  })

  test('events are the exact signed labels apply returned', async () => {
    const store = await open()
    const applied = await store.apply([{ uri: post('a'), cid: CID, val: 'comparison', exp: '2030-01-01T00:00:00Z' }])
    expect(await allEvents(store)).toEqual(applied)
  })
})

describe('expiry', () => {
  test('an expired label is not served, but its event stays in the stream', async () => {
    const store = await open()
    const exp = new Date(T0 + 60_000).toISOString()
    await store.apply([{ uri: post('a'), val: 'comparison', exp }, { uri: post('a'), val: 'harassment' }])
    expect((await store.currentLabels(post('a'))).map((l) => l.val)).toEqual(['comparison', 'harassment'])
    expect((await store.queryLabels({ uriPatterns: [post('a')], limit: 10 })).labels.map((l) => l.exp)).toEqual([exp, undefined])
    clock = T0 + 60_000
    expect((await store.currentLabels(post('a'))).map((l) => l.val)).toEqual(['harassment'])
    expect((await store.queryLabels({ uriPatterns: [post('a')], limit: 10 })).labels.map((l) => l.val)).toEqual(['harassment'])
    expect((await allEvents(store)).map((e) => e.label.val)).toEqual(['comparison', 'harassment'])
  })

  test('exp is normalized to UTC and signed that way', async () => {
    const store = await open()
    const [evt] = await store.apply([{ uri: post('a'), val: 'comparison', exp: '2030-01-01T00:00:00+02:00' }])
    expect(evt?.label.exp).toBe('2029-12-31T22:00:00.000Z')
    expect(await verifyLabelSignature(evt!.label, keypair.did())).toBe(true)
  })

  test('a different exp is a change; the same exp is not', async () => {
    const store = await open()
    await store.apply([{ uri: post('a'), val: 'comparison', exp: '2030-01-01T00:00:00.000Z' }])
    expect(await store.apply([{ uri: post('a'), val: 'comparison', exp: '2030-01-01T00:00:00Z' }])).toEqual([])
    expect(await store.apply([{ uri: post('a'), val: 'comparison', exp: '2031-01-01T00:00:00Z' }])).toHaveLength(1)
    const [noExp] = await store.apply([{ uri: post('a'), val: 'comparison' }])
    expect(noExp?.label.exp).toBeUndefined()
    clock = Date.parse('2032-01-01T00:00:00Z')
    expect((await store.currentLabels(post('a'))).map((l) => l.val)).toEqual(['comparison'])
  })
})

describe('queryLabels', () => {
  const ODD = 'at://did:plc:author/app.bsky.feed.post/a_b%c'
  const LIKE_TWIN = 'at://did:plc:author/app.bsky.feed.post/aXbYc'
  const ODD_PREFIXED = 'at://did:plc:author/app.bsky.feed.post/a_bZZ'

  async function seeded(): Promise<LabelStore> {
    const store = await open()
    await store.apply([
      { uri: post('one'), val: 'comparison' },
      { uri: post('one'), cid: CID, val: 'harassment' },
      { uri: post('two'), val: 'comparison' },
      { uri: post('x', 'did:plc:other'), val: 'comparison' },
      { uri: 'did:plc:author', val: '!warn' },
      { uri: ODD, val: 'comparison' },
      { uri: LIKE_TWIN, val: 'comparison' },
      { uri: ODD_PREFIXED, val: 'comparison' },
    ])
    return store
  }
  const uris = async (store: LabelStore, uriPatterns: string[], sources?: string[]) =>
    (await store.queryLabels({ uriPatterns, sources, limit: 100 })).labels.map((l) => l.uri)

  test('exact URIs', async () => {
    const store = await seeded()
    expect(await uris(store, [post('one')])).toEqual([post('one'), post('one')])
    expect(await uris(store, [post('two'), 'did:plc:author'])).toEqual([post('two'), 'did:plc:author'])
    expect(await uris(store, [post('on')])).toEqual([])
    expect(await uris(store, ['at://did:plc:nobody/app.bsky.feed.post/one'])).toEqual([])
  })

  test('prefixes ending in *', async () => {
    const store = await seeded()
    expect(await uris(store, ['at://did:plc:author/*'])).toEqual([post('one'), post('one'), post('two'), ODD, LIKE_TWIN, ODD_PREFIXED])
    expect(await uris(store, [`${post('on')}*`])).toEqual([post('one'), post('one')])
    expect(await uris(store, [`${post('one')}*`])).toEqual([post('one'), post('one')])
    expect(await uris(store, ['did:plc:author*'])).toEqual(['did:plc:author'])
    expect(await uris(store, ['at://did:plc:oth*'])).toEqual([post('x', 'did:plc:other')])
  })

  test('* alone matches everything', async () => {
    const store = await seeded()
    expect(await uris(store, ['*'])).toHaveLength(8)
  })

  test('_ and % are literal characters, never wildcards', async () => {
    const store = await seeded()
    // as LIKE patterns these would match aXbYc (and with %, everything after "a")
    expect(await uris(store, [ODD])).toEqual([ODD])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/a_b*'])).toEqual([ODD, ODD_PREFIXED])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/a_b%*'])).toEqual([ODD])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/a%*'])).toEqual([])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/a_*'])).toEqual([ODD, ODD_PREFIXED])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/%'])).toEqual([])
    expect(await uris(store, ['at://did:plc:author/app.bsky.feed.post/a_b_c'])).toEqual([])
  })

  test('several patterns are OR-ed, each label once', async () => {
    const store = await seeded()
    expect(await uris(store, [post('one'), `${post('o')}*`, post('two')])).toEqual([post('one'), post('one'), post('two')])
  })

  test('sources', async () => {
    const file = newFile()
    const mine = await open({ file })
    await mine.apply([{ uri: post('one'), val: 'comparison' }])
    await closeStore(mine)
    const other = await open({ file, src: OTHER_SRC })
    await other.apply([{ uri: post('one'), val: 'comparison' }])
    const srcs = async (sources?: string[]) => (await other.queryLabels({ uriPatterns: [post('one')], sources, limit: 10 })).labels.map((l) => l.src)
    expect(await srcs()).toEqual([SRC, OTHER_SRC])
    expect(await srcs([])).toEqual([SRC, OTHER_SRC])
    expect(await srcs([SRC])).toEqual([SRC])
    expect(await srcs([OTHER_SRC, 'did:plc:nobody'])).toEqual([OTHER_SRC])
    expect(await srcs(['did:plc:nobody'])).toEqual([])
    // currentLabels is this labeler's own view
    expect((await other.currentLabels(post('one'))).map((l) => l.src)).toEqual([OTHER_SRC])
  })

  test('served labels carry valid signatures', async () => {
    const store = await seeded()
    for (const l of (await store.queryLabels({ uriPatterns: ['*'], limit: 100 })).labels) {
      expect(await verifyLabelSignature(l, keypair.did())).toBe(true)
    }
  })

  test('limit and cursor walk every label once; an exhausted query has no cursor', async () => {
    const store = await open()
    for (let i = 0; i < 21; i++) await store.apply([{ uri: post(`p${String(i).padStart(2, '0')}`), val: i % 2 ? 'comparison' : 'harassment' }])
    // churn that must not show: a negated label, and an expired one
    await store.apply([{ uri: post('p03'), val: 'comparison', neg: true }, { uri: post('zz'), val: 'comparison', exp: new Date(T0 - 1).toISOString() }])
    for (const limit of [1, 4, 5, 7, 20, 100]) {
      const seen: string[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const res = await store.queryLabels({ uriPatterns: ['at://did:plc:author/*'], limit, cursor })
        expect(res.labels.length).toBeLessThanOrEqual(limit)
        if (res.cursor !== undefined) expect(res.labels).toHaveLength(limit)
        seen.push(...res.labels.map((l) => `${l.uri} ${l.val}`))
        cursor = res.cursor
        pages++
      } while (cursor !== undefined && pages < 100)
      expect(seen).toHaveLength(20)
      expect(new Set(seen).size).toBe(20)
      expect(pages).toBe(Math.ceil(20 / limit))
    }
  })

  test('a label changed during a walk moves to the end, never lost', async () => {
    const store = await open()
    for (const r of ['a', 'b', 'c', 'd']) await store.apply([{ uri: post(r), val: 'comparison' }])
    const first = await store.queryLabels({ uriPatterns: ['*'], limit: 2 })
    expect(first.labels.map((l) => l.uri)).toEqual([post('a'), post('b')])
    await store.apply([{ uri: post('a'), val: 'comparison', neg: true }])
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    const rest = await store.queryLabels({ uriPatterns: ['*'], limit: 10, cursor: first.cursor })
    expect(rest.labels.map((l) => l.uri)).toEqual([post('c'), post('d'), post('a')])
    expect(rest.cursor).toBeUndefined()
  })

  test('an empty result has no cursor', async () => {
    const store = await open()
    expect(await store.queryLabels({ uriPatterns: ['*'], limit: 10 })).toEqual({ labels: [] })
  })

  test.each(['abc', '-1', '1.5', '', ' 1', '1e3', '99999999999999999', '9007199254740993'])('malformed cursor %j → InvalidCursorError', async (cursor) => {
    const store = await seeded()
    await expect(store.queryLabels({ uriPatterns: ['*'], limit: 10, cursor })).rejects.toThrow(InvalidCursorError)
  })

  test('limit is clamped defensively', async () => {
    const store = await seeded()
    expect((await store.queryLabels({ uriPatterns: ['*'], limit: 0 })).labels).toHaveLength(1)
    expect((await store.queryLabels({ uriPatterns: ['*'], limit: Number.NaN })).labels).toHaveLength(1)
    expect((await store.queryLabels({ uriPatterns: ['*'], limit: 1e9 })).labels).toHaveLength(8)
  })
})

describe('successor', () => {
  test.each<[string, string | undefined]>([
    ['abc', 'abd'],
    ['a_', 'a`'],
    ['a%', 'a&'],
    ['', undefined],
    ['a\u{10FFFF}', 'b'],
    ['\u{10FFFF}', undefined],
    ['a\uD7FF', 'a\uE000'],
    ['a\uFFFF', 'a\u{10000}'],
  ])('%j → %j', (prefix, next) => {
    expect(successor(prefix)).toBe(next)
  })

  test('a prefix ending in U+10FFFF matches only what starts with it', async () => {
    const store = await open()
    await store.apply([{ uri: 'did:web:example.com', val: 'comparison' }])
    expect((await store.queryLabels({ uriPatterns: ['did:web:example.com*'], limit: 10 })).labels).toHaveLength(1)
    expect((await store.queryLabels({ uriPatterns: ['did:web:example.co\u{10FFFF}*'], limit: 10 })).labels).toHaveLength(0)
  })
})

describe('onEvents', () => {
  test('fires after the commit with exactly the events that changed state', async () => {
    const file = newFile()
    const store = await open({ file })
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    const reader = new SqliteDatabase(file, { readonly: true })
    const calls: { events: LabelEvent[]; committed: number; cursor: unknown }[] = []
    store.onEvents((events) => {
      const committed = (reader.prepare('select count(*) as n from label_event').get() as { n: number }).n
      const cursor = (reader.prepare("select seq from cursor where id = 'firehose'").get() as { seq: number } | undefined)?.seq
      calls.push({ events, committed, cursor })
    })
    const returned = await store.apply(
      [
        { uri: post('a'), val: 'comparison' }, // no-op
        { uri: post('b'), val: 'comparison', neg: true }, // no-op
        { uri: post('b'), val: 'comparison' },
        { uri: post('a'), val: 'comparison', neg: true },
      ],
      { cursor: { id: 'firehose', seq: 42 } },
    )
    reader.close()
    expect(returned.map((e) => e.seq)).toEqual([2, 3])
    expect(calls).toHaveLength(1)
    expect(calls[0]?.events).toEqual(returned)
    expect(calls[0]?.committed).toBe(3)
    expect(calls[0]?.cursor).toBe(42)
  })

  test('not called for a batch that changes nothing; unsubscribe stops it', async () => {
    const store = await open()
    const calls: number[][] = []
    const off = store.onEvents((events) => calls.push(events.map((e) => e.seq)))
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    await store.apply([{ uri: post('a'), val: 'comparison' }])
    await store.apply([], { cursor: { id: 'firehose', seq: 1 } })
    off()
    await store.apply([{ uri: post('b'), val: 'comparison' }])
    expect(calls).toEqual([[1]])
  })

  test('concurrent applies are committed and announced in seq order', async () => {
    const store = await open()
    const seqs: number[] = []
    store.onEvents((events) => seqs.push(...events.map((e) => e.seq)))
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.apply([{ uri: post(`c${i}`), val: 'comparison' }, { uri: post(`c${i}`), val: 'harassment' }])),
    )
    expect(seqs).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    expect(results.flat().map((e) => e.seq)).toEqual(seqs)
  })

  test('a listener that throws does not fail apply or starve the others', async () => {
    const store = await open()
    const got: number[] = []
    store.onEvents(() => {
      throw new Error('boom')
    })
    store.onEvents((events) => got.push(...events.map((e) => e.seq)))
    expect(await store.apply([{ uri: post('a'), val: 'comparison' }])).toHaveLength(1)
    expect(got).toEqual([1])
  })

  test('a failed apply does not block the next one', async () => {
    const store = await open()
    await expect(store.apply([{ uri: post('a'), val: 'BAD' }])).rejects.toThrow(InvalidLabelError)
    expect(await store.apply([{ uri: post('a'), val: 'comparison' }])).toHaveLength(1)
  })
})

describe('open and close', () => {
  test('refuses a src that is not a DID', async () => {
    await expect(LabelStore.open({ file: ':memory:', src: 'labeler.example', keypair })).rejects.toThrow(/DID/)
  })

  test('apply after close is refused', async () => {
    const store = await LabelStore.open({ file: ':memory:', src: SRC, keypair })
    await store.close()
    await expect(store.apply([{ uri: post('a'), val: 'comparison' }])).rejects.toThrow(/closed/)
    await store.close()
  })

  test('close waits for a running apply', async () => {
    const store = await LabelStore.open({ file: newFile(), src: SRC, keypair })
    const pending = store.apply([{ uri: post('a'), val: 'comparison' }])
    await store.close()
    expect(await pending).toHaveLength(1)
  })
})
