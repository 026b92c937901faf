// Wellbeing policies against a real PDS, with a controllable clock: the feed generator's clock is the
// real time plus an offset the tests move (posts get createdAt values relative to that clock).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { instantOf } from '../feedgen/feeds/clock.ts'
import { caughtUp, getSkeleton, startFeedgen, walkFeed, type StartedFeedgen } from './helpers/feedgen.ts'
import { TestNetwork, type TestAccount } from './helpers/network.ts'
import { createList, post } from './helpers/records.ts'

let net: TestNetwork
let fg: StartedFeedgen
let org: TestAccount
let anna: TestAccount
let bram: TestAccount
let flooder: TestAccount
let pin: { uri: string; cid: string }
const clock = { offset: 0 }
const now = () => Date.now() + clock.offset
/** moves the clock so that the feed's local time (Europe/Amsterdam) is the given wall time */
const setLocal = (y: number, mo: number, d: number, h: number, mi: number) => {
  clock.offset = instantOf(y, mo, d, h, mi, 'Europe/Amsterdam') - Date.now()
}
const ago = (ms: number) => new Date(now() - ms).toISOString()
const H = 3_600_000
const feedUri = (id: string) => `at://${org.did}/app.bsky.feed.generator/${id}`
const postsOf = async (id: string, reader?: Record<string, string>) => (await getSkeleton(fg.url, { feed: feedUri(id), limit: 100 }, reader)).body

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('bieb')
  anna = await net.createAccount('anna')
  bram = await net.createAccount('bram')
  flooder = await net.createAccount('luid')
  await createList(org, 'leden')
  pin = await post(org, 'De feed rust. Slaap lekker, tot morgen!', { langs: ['nl'] })
  setLocal(2026, 11, 20, 12, 0)
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: venster
    name: Venster
    include: { hashtags: [venster] }
    wellbeing: { window: 48h }
  - id: sessie
    name: Sessie
    include: { hashtags: [sessie] }
    wellbeing: { maxItems: 3 }
  - id: rust
    name: Rust
    include: { hashtags: [rust] }
    wellbeing:
      quietHours: { from: "23:00", to: "07:00" }
      pinned: ${pin.uri}
  - id: momenten
    name: Momenten
    include: { hashtags: [momenten] }
    wellbeing: { releases: ["08:00", "12:30", "18:00"] }
  - id: eerlijk
    name: Eerlijk
    include: { hashtags: [eerlijk] }
    wellbeing: { perAuthor: 2 }
  - id: minder
    name: Minder
    include: { hashtags: [minder] }
  - id: samen
    name: Samen
    include: { hashtags: [samen] }
    wellbeing:
      window: 24h
      perAuthor: 1
      releases: ["08:00", "18:00"]
      quietHours: { from: "22:00", to: "06:00" }
      pinned: ${pin.uri}
      maxItems: 2
`,
    { now },
  )
})

afterAll(async () => {
  await fg?.close()
  await net?.close()
})

describe('window', () => {
  test('posts older than the window are never served, and the end of the feed has no cursor', async () => {
    setLocal(2026, 11, 20, 12, 0)
    const old = await post(anna, 'Oud nieuws #venster', { createdAt: ago(50 * H) })
    const recent = await post(anna, 'Van gisteren #venster', { createdAt: ago(20 * H) })
    await caughtUp(net, fg)
    const page = await postsOf('venster')
    expect(page.feed?.map((i) => i.post)).toEqual([recent.uri])
    expect(page.cursor).toBeUndefined()
    expect(old.uri).not.toBe(recent.uri)
    // 29 hours later the recent post (then 49 hours old) has left the window too
    setLocal(2026, 11, 21, 17, 0)
    expect((await postsOf('venster')).feed).toEqual([])
  })
})

describe('maxItems', () => {
  test('a reading session ends after maxItems posts, across pages', async () => {
    setLocal(2026, 11, 20, 12, 0)
    for (let i = 0; i < 5; i++) await post(anna, `Bericht ${i} #sessie`, { createdAt: ago((10 - i) * 60_000) })
    await caughtUp(net, fg)
    const walked = await walkFeed(fg.url, feedUri('sessie'), 2)
    expect(walked).toHaveLength(3)
    const first = await getSkeleton(fg.url, { feed: feedUri('sessie'), limit: 100 })
    expect(first.body.feed).toHaveLength(3)
    expect(first.body.cursor).toBeUndefined()
  })
})

describe('quiet hours and the pinned post', () => {
  test('outside quiet hours the pin comes first (once), then the posts', async () => {
    setLocal(2026, 11, 20, 12, 0)
    const p = await post(bram, 'Middagwandeling #rust', { createdAt: ago(60_000) })
    await caughtUp(net, fg)
    const page = await postsOf('rust')
    expect(page.feed).toEqual([
      { post: pin.uri, reason: { $type: 'app.bsky.feed.defs#skeletonReasonPin' }, feedContext: 'rust|pin' },
      { post: p.uri, feedContext: 'rust|hashtag' },
    ])
    // limit=1: the pin alone, then the posts; the pin is not repeated
    expect(await walkFeed(fg.url, feedUri('rust'), 1)).toEqual([pin.uri, p.uri])
  })

  test.each([
    ['23:30 (after from)', [2026, 11, 20, 23, 30], true],
    ['00:15 (after midnight)', [2026, 11, 21, 0, 15], true],
    ['06:59 (just before to)', [2026, 11, 21, 6, 59], true],
    ['07:00 (to)', [2026, 11, 21, 7, 0], false],
    ['22:59', [2026, 11, 20, 22, 59], false],
    ['06:30 on the spring-forward morning (CEST)', [2026, 3, 29, 6, 30], true],
    ['07:30 on the spring-forward morning (CEST)', [2026, 3, 29, 7, 30], false],
    ['06:30 on the autumn-back morning (CET)', [2026, 10, 25, 6, 30], true],
  ])('at %s local time the feed rests: %s', async (_name, t, quiet) => {
    const [y, mo, d, h, mi] = t as [number, number, number, number, number]
    setLocal(y, mo, d, h, mi)
    const p = await post(bram, `Nachtbericht ${h}:${mi} #rust`, { createdAt: ago(60_000) })
    await caughtUp(net, fg)
    const page = await postsOf('rust')
    if (quiet) {
      expect(page.feed).toEqual([{ post: pin.uri, reason: { $type: 'app.bsky.feed.defs#skeletonReasonPin' }, feedContext: 'rust|pin' }])
      expect(page.cursor).toBeUndefined()
    } else {
      expect(page.feed?.[0]?.post).toBe(pin.uri)
      expect(page.feed?.map((i) => i.post)).toContain(p.uri)
    }
  })
})

describe('release moments', () => {
  test('posts appear at the first release after they were indexed, in whole batches', async () => {
    setLocal(2026, 11, 20, 7, 0)
    const early = await post(anna, 'Vroeg op #momenten', { createdAt: ago(60_000) })
    await caughtUp(net, fg)
    expect((await postsOf('momenten')).feed).toEqual([]) // not released before 08:00
    setLocal(2026, 11, 20, 8, 0)
    expect((await postsOf('momenten')).feed?.map((i) => i.post)).toEqual([early.uri])
    setLocal(2026, 11, 20, 10, 0)
    const a = await post(anna, 'Koffie #momenten', { createdAt: ago(60_000) })
    setLocal(2026, 11, 20, 11, 45)
    const b = await post(bram, 'Lunch? #momenten', { createdAt: ago(60_000) })
    await caughtUp(net, fg)
    setLocal(2026, 11, 20, 12, 29)
    expect((await postsOf('momenten')).feed?.map((i) => i.post)).toEqual([early.uri])
    setLocal(2026, 11, 20, 12, 30)
    expect((await postsOf('momenten')).feed?.map((i) => i.post)).toEqual([b.uri, a.uri, early.uri])
  })
})

describe('perAuthor', () => {
  test('a flood from one account shows only its newest N posts; paging never exceeds the cap', async () => {
    setLocal(2026, 11, 20, 12, 0)
    const flood = []
    for (let i = 0; i < 10; i++) flood.push(await post(flooder, `Koop nu ${i} #eerlijk`, { createdAt: ago((30 - i) * 60_000) }))
    const calm = [await post(anna, 'Rustig bericht #eerlijk', { createdAt: ago(40 * 60_000) }), await post(bram, 'Nog een #eerlijk', { createdAt: ago(5 * 60_000) })]
    await caughtUp(net, fg)
    const expected = [calm[1]!.uri, flood[9]!.uri, flood[8]!.uri, calm[0]!.uri]
    expect((await postsOf('eerlijk')).feed?.map((i) => i.post)).toEqual(expected)
    expect(await walkFeed(fg.url, feedUri('eerlijk'), 1)).toEqual(expected)
  })
})

describe('show less (sendInteractions)', () => {
  const send = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${fg.url}/xrpc/app.bsky.feed.sendInteractions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as { error?: string } }
  }
  const authFor = async (reader: TestAccount, lxm: string) => ({
    authorization: `Bearer ${(await reader.agent.com.atproto.server.getServiceAuth({ aud: 'did:web:feeds.test', lxm })).data.token}`,
  })

  test('requestLess hides the author for that reader in that feed; requestMore undoes it', async () => {
    setLocal(2026, 11, 20, 12, 0)
    const a = await post(anna, 'Van Anna #minder', { createdAt: ago(60_000) })
    const b = await post(bram, 'Van Bram #minder', { createdAt: ago(30_000) })
    await caughtUp(net, fg)
    const readAs = await authFor(org, 'app.bsky.feed.getFeedSkeleton')
    expect((await postsOf('minder', readAs)).feed?.map((i) => i.post)).toEqual([b.uri, a.uri])

    const less = await send({ feed: feedUri('minder'), interactions: [{ item: a.uri, event: 'app.bsky.feed.defs#requestLess' }] }, await authFor(org, 'app.bsky.feed.sendInteractions'))
    expect(less.status).toBe(200)
    expect((await postsOf('minder', readAs)).feed?.map((i) => i.post)).toEqual([b.uri])
    // other readers and anonymous readers still see Anna
    expect((await postsOf('minder')).feed?.map((i) => i.post)).toEqual([b.uri, a.uri])
    expect((await postsOf('minder', await authFor(bram, 'app.bsky.feed.getFeedSkeleton'))).feed?.map((i) => i.post)).toEqual([b.uri, a.uri])

    // the feedContext this service sent identifies the feed too
    const more = await send({ interactions: [{ item: a.uri, event: 'app.bsky.feed.defs#requestMore', feedContext: 'minder|hashtag' }] }, await authFor(org, 'app.bsky.feed.sendInteractions'))
    expect(more.status).toBe(200)
    expect((await postsOf('minder', readAs)).feed?.map((i) => i.post)).toEqual([b.uri, a.uri])
  })

  test('engagement interactions are accepted and not stored', async () => {
    const a = `at://${anna.did}/app.bsky.feed.post/3kxyz`
    const res = await send({ feed: feedUri('minder'), interactions: [{ item: a, event: 'app.bsky.feed.defs#interactionLike' }, { item: a, event: 'app.bsky.feed.defs#interactionSeen' }] }, await authFor(org, 'app.bsky.feed.sendInteractions'))
    expect(res.status).toBe(200)
    const rows = await fg.service.db.selectFrom('reader_mute').selectAll().execute()
    expect(rows).toEqual([])
  })

  test.each([
    ['no token', async () => ({}), { interactions: [] }, 401, 'AuthMissing'],
    ['a token for another method', async () => authFor(org, 'app.bsky.feed.getFeedSkeleton'), { interactions: [] }, 401, 'BadJwtLexiconMethod'],
    ['interactions missing', async () => authFor(org, 'app.bsky.feed.sendInteractions'), {}, 400, 'InvalidRequest'],
    ['unknown feed', async () => authFor(org, 'app.bsky.feed.sendInteractions'), { feed: 'at://did:plc:x/app.bsky.feed.generator/nee', interactions: [] }, 400, 'UnknownFeed'],
    ['item not a post URI', async () => authFor(org, 'app.bsky.feed.sendInteractions'), { feed: 'FEED', interactions: [{ item: 'https://x', event: 'app.bsky.feed.defs#requestLess' }] }, 400, 'InvalidRequest'],
    ['no way to tell the feed', async () => authFor(org, 'app.bsky.feed.sendInteractions'), { interactions: [{ item: 'at://did:plc:x/app.bsky.feed.post/y', event: 'app.bsky.feed.defs#requestLess' }] }, 400, 'UnknownFeed'],
  ])('%s → %d %s', async (_name, headers, body, status, error) => {
    const b = JSON.parse(JSON.stringify(body).replace('"FEED"', JSON.stringify(feedUri('minder'))))
    const res = await send(b, await headers())
    expect(res.status).toBe(status)
    expect(res.body.error).toBe(error)
  })
})

describe('policies combined, and the explanation of each post', () => {
  const explain = async (uri: string) => {
    const res = await fetch(`${fg.url}/feeds/samen/explain?uri=${encodeURIComponent(uri)}`)
    return { status: res.status, body: (await res.json()) as { inFeed: boolean; include: { rule: string; detail?: string; nl: string; en: string } | null; policies: { policy: string; blocks: boolean; nl: string; en: string }[]; summary: { nl: string; en: string } } }
  }

  test('window, releases, per-author cap, maxItems, pin and quiet hours together; explain says why', async () => {
    setLocal(2026, 11, 22, 9, 0)
    const a1 = await post(anna, 'Eerste van Anna #samen', { createdAt: ago(60 * 60_000) })
    const a2 = await post(anna, 'Tweede van Anna #samen', { createdAt: ago(30 * 60_000) })
    const oldB = await post(bram, 'Van eergisteren #samen', { createdAt: ago(26 * H) })
    const f1 = await post(flooder, 'Luid bericht #samen', { createdAt: ago(10 * 60_000) })
    const f2 = await post(flooder, 'Nog een luid bericht #samen', { createdAt: ago(45 * 60_000) })
    await caughtUp(net, fg)

    // 09:00: indexed after the 08:00 release, so only the pin until 18:00
    expect((await postsOf('samen')).feed?.map((i) => i.post)).toEqual([pin.uri])
    const waiting = await explain(a2.uri)
    expect(waiting.body.inFeed).toBe(false)
    expect(waiting.body.policies.find((p) => p.policy === 'releases')).toMatchObject({ blocks: true })
    expect(waiting.body.policies.find((p) => p.policy === 'releases')?.nl).toContain('18:00')

    // 18:00: released; Bram's post is outside the 24 h window; one post per author; the session ends after 2
    setLocal(2026, 11, 22, 18, 0)
    const page = await postsOf('samen')
    expect(page.feed?.map((i) => i.post)).toEqual([pin.uri, f1.uri, a2.uri])
    expect(page.cursor).toBeUndefined()
    expect(await walkFeed(fg.url, feedUri('samen'), 1)).toEqual([pin.uri, f1.uri, a2.uri])

    const inFeed = await explain(a2.uri)
    expect(inFeed.body.inFeed).toBe(true)
    expect(inFeed.body.include).toMatchObject({ rule: 'hashtag', detail: '#samen' })
    expect(inFeed.body.summary.nl).toContain('#samen')
    expect(inFeed.body.summary.en).toContain('#samen')
    const capped = await explain(a1.uri)
    expect(capped.body.inFeed).toBe(false)
    expect(capped.body.policies.find((p) => p.policy === 'perAuthor')).toMatchObject({ blocks: true })
    const outside = await explain(oldB.uri)
    expect(outside.body.inFeed).toBe(false)
    expect(outside.body.policies.find((p) => p.policy === 'window')).toMatchObject({ blocks: true })
    expect((await explain(f2.uri)).body.inFeed).toBe(false)
    const pinned = await explain(pin.uri)
    expect(pinned.body.inFeed).toBe(true)
    expect(pinned.body.include?.rule).toBe('pin')

    // 22:30: the feed rests; only the pin
    setLocal(2026, 11, 22, 22, 30)
    expect((await postsOf('samen')).feed?.map((i) => i.post)).toEqual([pin.uri])
    const resting = await explain(a2.uri)
    expect(resting.body.inFeed).toBe(false)
    expect(resting.body.policies.find((p) => p.policy === 'quietHours')?.nl).toContain('06:00')
  })

  test('explain: a post the feed does not hold, a bad uri and an unknown feed', async () => {
    const other = await post(anna, 'Niets met deze feed te maken')
    await caughtUp(net, fg)
    const res = await explain(other.uri)
    expect(res.status).toBe(200)
    expect(res.body.inFeed).toBe(false)
    expect(res.body.include).toBeNull()
    expect((await fetch(`${fg.url}/feeds/samen/explain?uri=nonsense`)).status).toBe(400)
    expect((await fetch(`${fg.url}/feeds/samen/explain`)).status).toBe(400)
    expect((await fetch(`${fg.url}/feeds/bestaat-niet/explain?uri=${encodeURIComponent(other.uri)}`)).status).toBe(404)
    expect((await fetch(`${fg.url}/feeds/../../etc/passwd`)).status).toBe(404)
  })
})

describe('public pages', () => {
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${fg.url}${path}`, { headers })
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
  }

  test('/ lists the feeds with their rules in plain Dutch, or English when asked', async () => {
    const nl = await get('/')
    expect(nl.status).toBe(200)
    expect(nl.type).toContain('text/html')
    expect(nl.text).toContain('<html lang="nl">')
    expect(nl.text).toContain('Samen')
    expect(nl.text).toContain('Hoogstens 1 berichten per persoon')
    expect(nl.text).toContain('De feed rust van 22:00 tot 06:00')
    expect(nl.text).not.toMatch(/<script/i)
    const en = await get('/', { 'accept-language': 'en-GB,en;q=0.9' })
    expect(en.text).toContain('<html lang="en">')
    expect(en.text).toContain('The feed rests from 22:00 to 06:00')
    expect((await get('/?lang=en')).text).toContain('<html lang="en">')
    expect((await get('/?lang=nl', { 'accept-language': 'en' })).text).toContain('<html lang="nl">')
  })

  test('/feeds/<id> shows the posts in order with why they are there, escapes their text, and ends', async () => {
    setLocal(2026, 11, 23, 12, 0)
    const p1 = await post(anna, 'Eerst <script>alert(1)</script> #minder', { createdAt: ago(20 * 60_000) })
    const p2 = await post(bram, 'Daarna & later #minder', { createdAt: ago(10 * 60_000) })
    await caughtUp(net, fg)
    const res = await get('/feeds/minder?lang=nl')
    expect(res.status).toBe(200)
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(res.text).not.toContain('<script>')
    expect(res.text.indexOf('Daarna &amp; later')).toBeLessThan(res.text.indexOf('Eerst &lt;script&gt;'))
    expect(res.text).toContain('het bericht heeft een hashtag van de feed')
    expect(res.text).toContain('Je bent bij.')
    expect(res.text).toContain(encodeURIComponent(p1.uri))
    expect(res.text).toContain(encodeURIComponent(p2.uri))
  })

  test('during quiet hours the feed page shows the resting message and the pinned post', async () => {
    setLocal(2026, 11, 23, 23, 30)
    const res = await get('/feeds/rust?lang=en')
    expect(res.text).toContain('The feed is resting until 07:00. Sleep well.')
    expect(res.text).toContain('De feed rust. Slaap lekker, tot morgen!')
    expect(res.text).toContain('pinned by the organisation')
    expect((await get('/feeds/bestaat-niet')).status).toBe(404)
    expect((await get('/feeds/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404)
  })
})
