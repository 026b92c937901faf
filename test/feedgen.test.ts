// Feed generator against a real PDS (with an in-memory PLC) on loopback: real accounts, real posts,
// a real firehose, real list records and real service-auth JWTs.
import { Secp256k1Keypair } from '@atproto/crypto'
import { createServiceJwt } from '@atproto/xrpc-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { caughtUp, getSkeleton, startFeedgen, waitFor, walkFeed, type StartedFeedgen } from './helpers/feedgen.ts'
import { TestNetwork, type TestAccount } from './helpers/network.ts'
import { addToList, createList, deleteRecord, post, repost } from './helpers/records.ts'

let net: TestNetwork
let fg: StartedFeedgen
let org: TestAccount
let member: TestAccount
let newcomer: TestAccount
let outsider: TestAccount
let reposter: TestAccount
let list: string
const feedUri = (id: string) => `at://${org.did}/app.bsky.feed.generator/${id}`
const stored = async () => new Set((await fg.service.db.selectFrom('post').select('uri').execute()).map((r) => r.uri))

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('bibliotheek')
  member = await net.createAccount('anna')
  newcomer = await net.createAccount('bram')
  outsider = await net.createAccount('chris')
  reposter = await net.createAccount('dewi')
  list = await createList(org, 'Buurtbewoners')
  await addToList(org, list, member.did)
  // the newcomer posted before joining: these come in through the backfill when they join
  await post(newcomer, 'Oude post van Bram, van gisteren', { langs: ['nl'], createdAt: new Date(Date.now() - 20 * 3_600_000).toISOString() })
  await post(newcomer, 'Heel oude post, buiten het venster', { langs: ['nl'], createdAt: new Date(Date.now() - 80 * 3_600_000).toISOString() })
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: buurt-nl
    name: Buurt (NL)
    include: { lists: [${list}] }
    require: { langs: [nl] }
    replies: false
  - id: buurt-en
    name: Buurt (EN)
    include: { lists: [${list}] }
    require: { langs: [en] }
  - id: utrecht
    name: Utrecht
    include: { hashtags: [utrecht], keywords: [Domstad, "Den Haag"] }
    exclude: { keywords: [casino] }
  - id: paging
    name: Paging
    include: { hashtags: [pagingtest] }
  - id: gedeeld
    name: Gedeeld
    include: { authors: [${reposter.did}] }
    reposts: true
`,
  )
  await waitFor(() => fg.service.listSync.synced.has(list), 'the list to be read from the PDS')
})

afterAll(async () => {
  await fg?.close()
  await net?.close()
})

describe('matching', () => {
  test('Dutch and English posts from list members, hashtags and keywords land in the right feeds, newest first', async () => {
    const t = Date.now()
    const at = (s: number) => new Date(t - 60_000 + s * 1000).toISOString()
    const nl = await post(member, 'Goedemorgen buurt! De bieb is vandaag open tot 17:00.', { langs: ['nl'], createdAt: at(1) })
    const en = await post(member, 'Good morning neighbours, the library is open until 5pm.', { langs: ['en'], createdAt: at(2) })
    const nlReply = await post(member, 'Klopt, tot straks!', { langs: ['nl'], createdAt: at(3), reply: { root: nl, parent: nl } })
    const nl2 = await post(member, 'Wie komt er vanavond naar de buurtvergadering?', { langs: ['nl-NL'], createdAt: at(4) })
    const kw = await post(outsider, 'Wat een mooie dag in de DOMSTAD vandaag', { langs: ['nl'], createdAt: at(5) })
    const tagFacet = await post(outsider, 'Zonsondergang boven de Dom #Utrecht', { tags: ['Utrecht'], createdAt: at(6) })
    const tagInline = await post(outsider, 'Sunset over the canals #utrecht', { langs: ['en'], createdAt: at(7) })
    const phrase = await post(outsider, 'Volgende week naar den   haag voor het museum', { createdAt: at(8) })
    const excluded = await post(outsider, 'Nieuw casino geopend in de Domstad #utrecht', { createdAt: at(9) })
    const partialWord = await post(outsider, 'Ik woon in Domstadje en Denhaag is geen woord', { createdAt: at(10) })
    const unrelated = await post(outsider, 'Mijn kat slaapt de hele dag', { langs: ['nl'], createdAt: at(11) })
    await caughtUp(net, fg)

    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).toEqual([nl2.uri, nl.uri])
    expect(await walkFeed(fg.url, feedUri('buurt-en'))).toEqual([en.uri])
    expect(await walkFeed(fg.url, feedUri('utrecht'))).toEqual([phrase.uri, tagInline.uri, tagFacet.uri, kw.uri])
    const db = await stored()
    for (const p of [excluded, partialWord, unrelated, nlReply]) expect(db.has(p.uri)).toBe(false)
    for (const p of [nl, en, nl2, kw, tagFacet, tagInline, phrase]) expect(db.has(p.uri)).toBe(true)
  })

  test('reposts by an included author show the reposted post with a repost reason', async () => {
    const original = await post(outsider, 'Iets om te delen', { langs: ['nl'] })
    const own = await post(reposter, 'Eigen bericht van Dewi')
    const rp = await repost(reposter, original)
    await caughtUp(net, fg)
    const res = await getSkeleton(fg.url, { feed: feedUri('gedeeld') })
    expect(res.body.feed).toEqual([
      { post: original.uri, reason: { $type: 'app.bsky.feed.defs#skeletonReasonRepost', repost: rp }, feedContext: 'gedeeld|repost' },
      { post: own.uri, feedContext: 'gedeeld|author' },
    ])
    await deleteRecord(reposter, rp)
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('gedeeld'))).toEqual([own.uri])
  })
})

describe('paging', () => {
  test('limit=1 walks posts that share one createdAt without gaps or repeats', async () => {
    const createdAt = new Date(Date.now() - 5 * 60_000).toISOString()
    const posts = []
    for (let i = 0; i < 7; i++) posts.push(await post(outsider, `Zelfde tijd ${i} #pagingtest`, { createdAt }))
    const later = await post(outsider, 'Later #pagingtest')
    await caughtUp(net, fg)
    const walked = await walkFeed(fg.url, feedUri('paging'), 1)
    expect(walked).toHaveLength(8)
    expect(new Set(walked).size).toBe(8)
    expect(walked[0]).toBe(later.uri)
    expect(new Set(walked)).toEqual(new Set([...posts.map((p) => p.uri), later.uri]))
    // pages of 3 give the same order
    expect(await walkFeed(fg.url, feedUri('paging'), 3)).toEqual(walked)
    // the last page has no cursor: the feed ends
    const last = await getSkeleton(fg.url, { feed: feedUri('paging'), limit: 8 })
    expect(last.body.feed).toHaveLength(8)
    expect(last.body.cursor).toBeUndefined()
    const notLast = await getSkeleton(fg.url, { feed: feedUri('paging'), limit: 7 })
    expect(typeof notLast.body.cursor).toBe('string')
  })
})

describe('deletes and account status', () => {
  test('deleting a post removes it', async () => {
    const p = await post(outsider, 'Even iets over #utrecht dat ik weer weghaal')
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('utrecht'))).toContain(p.uri)
    await deleteRecord(outsider, p.uri)
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('utrecht'))).not.toContain(p.uri)
    expect((await stored()).has(p.uri)).toBe(false)
  })

  test('deactivating an account hides its posts; reactivating shows them again', async () => {
    const p = await post(member, 'Hallo allemaal, ik ben er even niet', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).toContain(p.uri)
    await member.agent.com.atproto.server.deactivateAccount({})
    await caughtUp(net, fg)
    const hidden = await walkFeed(fg.url, feedUri('buurt-nl'))
    expect(hidden).not.toContain(p.uri)
    expect(hidden.every((uri) => !uri.includes(member.did))).toBe(true)
    await member.agent.com.atproto.server.activateAccount()
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).toContain(p.uri)
  })
})

describe('list membership', () => {
  test('joining the list brings in new and recent posts; leaving takes them out', async () => {
    const item = await addToList(org, list, newcomer.did)
    const recent = await waitFor(async () => {
      const uris = await walkFeed(fg.url, feedUri('buurt-nl'))
      return uris.filter((u) => u.includes(newcomer.did)).length > 0 ? uris : undefined
    }, "the newcomer's recent posts")
    const mine = recent.filter((u) => u.includes(newcomer.did))
    expect(mine).toHaveLength(1) // the 80-hour-old post is outside the 48 h window
    const fresh = await post(newcomer, 'Nieuw in de buurt, hallo!', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).toContain(fresh.uri)

    await deleteRecord(org, item)
    await caughtUp(net, fg)
    const after = await walkFeed(fg.url, feedUri('buurt-nl'))
    expect(after.filter((u) => u.includes(newcomer.did))).toEqual([])
    expect(after.some((u) => u.includes(member.did))).toBe(true)
    const afterLeaving = await post(newcomer, 'Dit hoort niet meer in de feed', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).not.toContain(afterLeaving.uri)
  })

  test('a list item written by someone other than the list owner does not add members', async () => {
    await addToList(outsider, list, outsider.did)
    const p = await post(outsider, 'Ik zet mezelf op jullie lijst', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feedUri('buurt-nl'))).not.toContain(p.uri)
    expect(fg.service.membership.isMember(list, outsider.did)).toBe(false)
  })
})

describe('service auth', () => {
  const lxm = 'app.bsky.feed.getFeedSkeleton'
  const serviceDid = 'did:web:feeds.test'
  const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` })
  const token = async (params: { aud?: string; lxm?: string; exp?: number }) =>
    (await outsider.agent.com.atproto.server.getServiceAuth({ aud: params.aud ?? serviceDid, lxm: params.lxm ?? lxm, exp: params.exp })).data.token

  test('a JWT from com.atproto.server.getServiceAuth is accepted; anonymous requests are served', async () => {
    const ok = await getSkeleton(fg.url, { feed: feedUri('utrecht') }, bearer(await token({})))
    expect(ok.status).toBe(200)
    expect(Array.isArray(ok.body.feed)).toBe(true)
    expect((await getSkeleton(fg.url, { feed: feedUri('utrecht') })).status).toBe(200)
  })

  test.each([
    ['wrong audience', async () => bearer(await token({ aud: 'did:web:other.test' })), 'BadJwtAudience'],
    ['wrong lxm', async () => bearer(await token({ lxm: 'app.bsky.feed.getTimeline' })), 'BadJwtLexiconMethod'],
    [
      'tampered payload',
      async () => {
        const [h, p, s] = (await token({})).split('.')
        const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString())
        payload.iss = member.did
        return bearer([h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.'))
      },
      'BadJwtSignature',
    ],
    [
      'signed by another key',
      async () => {
        const keypair = await Secp256k1Keypair.create()
        return bearer(await createServiceJwt({ iss: outsider.did, aud: serviceDid, lxm, keypair }))
      },
      'BadJwtSignature',
    ],
    ['garbage token', async () => bearer('not-a-jwt'), 'BadJwt'],
    ['not a bearer token', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'BadJwt'],
    [
      'alg none',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
        const exp = Math.floor(Date.now() / 1000) + 60
        return bearer(`${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: outsider.did, aud: serviceDid, lxm, exp })}.`)
      },
      'BadJwtSignature',
    ],
  ])('%s is rejected with an XRPC auth error', async (_name, headers, error) => {
    const res = await getSkeleton(fg.url, { feed: feedUri('utrecht') }, await headers())
    expect(res.status).toBe(401)
    expect(res.body.error).toBe(error)
  })

  test('an expired token is rejected', async () => {
    // a few seconds of life: under load the PDS refuses to mint a token that expires within a second
    const exp = Math.floor(Date.now() / 1000) + 4
    const jwt = await token({ exp })
    await new Promise((r) => setTimeout(r, Math.max(0, (exp + 1) * 1000 - Date.now())))
    const res = await getSkeleton(fg.url, { feed: feedUri('utrecht') }, bearer(jwt))
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('JwtExpired')
  })
})

describe('bad input', () => {
  test.each([
    [{ limit: 0 }, 'InvalidRequest'],
    [{ limit: 101 }, 'InvalidRequest'],
    [{ limit: 'abc' }, 'InvalidRequest'],
    [{ limit: -1 }, 'InvalidRequest'],
    [{ limit: 1.5 }, 'InvalidRequest'],
    [{ cursor: 'garbage' }, 'InvalidRequest'],
    [{ cursor: '::' }, 'InvalidRequest'],
    [{ cursor: '123::' }, 'InvalidRequest'],
    [{ cursor: "1' OR 1=1 --::at://x" }, 'InvalidRequest'],
    [{ cursor: '99999999999999999999::at://did:plc:x/app.bsky.feed.post/y' }, 'InvalidRequest'],
    [{ cursor: 'x'.repeat(5000) }, 'InvalidRequest'],
  ])('getFeedSkeleton %j → 400 %s', async (params, error) => {
    const res = await getSkeleton(fg.url, { feed: feedUri('utrecht'), ...params } as Record<string, string>)
    expect(res.status).toBe(400)
    expect(res.body.error).toBe(error)
  })

  test.each([
    ['another record key', () => feedUri('bestaat-niet'), 'UnknownFeed'],
    ['another publisher', () => `at://${outsider.did}/app.bsky.feed.generator/utrecht`, 'UnknownFeed'],
    ['not a feed generator record', () => `at://${org.did}/app.bsky.feed.post/utrecht`, 'UnknownFeed'],
    ['not an at:// URI', () => 'https://example.com/feed', 'InvalidRequest'],
    ['empty', () => '', 'InvalidRequest'],
  ])('unknown feed (%s) → 400 %s', async (_name, feed, error) => {
    const res = await getSkeleton(fg.url, { feed: feed() })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe(error)
  })

  test('a missing feed parameter, a POST to a query and an unknown method are XRPC errors; the service stays up', async () => {
    const missing = await fetch(`${fg.url}/xrpc/app.bsky.feed.getFeedSkeleton`)
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { error: string }).error).toBe('InvalidRequest')
    const wrongMethod = await fetch(`${fg.url}/xrpc/app.bsky.feed.getFeedSkeleton?feed=${feedUri('utrecht')}`, { method: 'POST' })
    expect(wrongMethod.status).toBe(405)
    const unknown = await fetch(`${fg.url}/xrpc/app.bsky.feed.getTimeline`)
    expect(unknown.status).toBe(501)
    expect(((await unknown.json()) as { error: string }).error).toBe('MethodNotImplemented')
    const health = await fetch(`${fg.url}/xrpc/_health`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { firehose: { connected: boolean } }).firehose.connected).toBe(true)
  })
})

describe('service documents', () => {
  test('describeFeedGenerator lists every feed; did.json names the #bsky_fg service', async () => {
    const desc = (await (await fetch(`${fg.url}/xrpc/app.bsky.feed.describeFeedGenerator`)).json()) as { did: string; feeds: { uri: string }[] }
    expect(desc.did).toBe('did:web:feeds.test')
    expect(desc.feeds.map((f) => f.uri)).toEqual(['buurt-nl', 'buurt-en', 'utrecht', 'paging', 'gedeeld'].map(feedUri))
    const doc = (await (await fetch(`${fg.url}/.well-known/did.json`)).json()) as { id: string; service: { id: string; type: string; serviceEndpoint: string }[] }
    expect(doc.id).toBe('did:web:feeds.test')
    expect(doc.service).toEqual([{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: 'https://feeds.test' }])
  })
})
