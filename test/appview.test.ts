// The real client path: the Bluesky reference network from @atproto/dev-env (PLC, PDS, the bsky
// AppView on PostgreSQL, bsync and ozone) with a running Plein feed generator. The reader's app asks
// its PDS for `app.bsky.feed.getFeed` with `atproto-proxy: <appview>#bsky_appview`; the PDS mints a
// service-auth JWT for the feed generator (aud = Plein's did:web, lxm = getFeedSkeleton) and passes
// the call to the AppView; the AppView reads the feed record (published with `publish-feeds`),
// resolves the did:web to its `#bsky_fg` endpoint, calls Plein's getFeedSkeleton with that JWT, and
// hydrates the posts. Nothing in the path is mocked.
//
// @NOTE the one difference from production: the AppView reaches Plein over plain http on localhost.
// @atproto/identity resolves `did:web:localhost%3A<port>` over http, and Plein serves that document
// itself; only the `#bsky_fg` endpoint in it is set to http:// here (Plein's config always says
// https://<hostname>, and there is no TLS on loopback).
import { runScript, type ScriptRun } from './helpers/children.ts'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AtpAgent } from '@atproto/api'
import { TestNetwork } from '@atproto/dev-env'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { envToCfg } from '../feedgen/config.ts'
import { localTime } from '../feedgen/feeds/clock.ts'
import { parseFeedsFile } from '../feedgen/feeds/definitions.ts'
import { FeedgenService } from '../feedgen/index.ts'
import { getSkeleton, waitFor } from './helpers/feedgen.ts'
import { freePort } from './helpers/network.ts'
import { createTestDatabase, startPostgres, type PostgresServer } from './helpers/postgres.ts'

const TZ = 'Europe/Amsterdam'
const MAX_ITEMS = 5

interface Account {
  did: string
  handle: string
  password: string
  agent: AtpAgent
}

let pg: PostgresServer | undefined
let network: TestNetwork | undefined
let plein: FeedgenService | undefined
let dir: string | undefined
const tmpdirBefore = process.env.TMPDIR
let org: Account
let reader: Account
let appviewDid: string
let serviceDid: string
let pin: string
/** the matching posts, newest createdAt first */
let matching: string[]
let bobPosts: string[]
let unrelated: string

const feedUri = (id: string) => `at://${org.did}/app.bsky.feed.generator/${id}`
const hhmm = (ms: number) => {
  const t = localTime(ms, TZ)
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`
}

async function createAccount(name: string): Promise<Account> {
  const pdsUrl = network!.pds.url
  const agent = new AtpAgent({ service: pdsUrl })
  const handle = `${name}.test`
  const password = `pw-${name}-${Math.random().toString(36).slice(2)}`
  const res = await agent.createAccount({ handle, email: `${name}@example.com`, password })
  return { did: res.data.did, handle, password, agent }
}

/** `node scripts/publish-feeds.ts` as the operator runs it, with only these settings. */
const publishFeeds = (env: Record<string, string>): Promise<ScriptRun> => runScript('scripts/publish-feeds.ts', [], env)

/** The reader's app: getFeed through the reader's PDS, proxied to the AppView. */
function app() {
  return reader.agent.withProxy('bsky_appview', appviewDid)
}

interface Page {
  posts: string[]
  reasons: (string | undefined)[]
  contexts: (string | undefined)[]
  cursor?: string
}

/** Every page of a feed through the AppView, until a page without a cursor. */
async function walkGetFeed(feed: string, limit: number): Promise<Page[]> {
  const pages: Page[] = []
  let cursor: string | undefined
  for (let i = 0; i < 50; i++) {
    const res = await app().app.bsky.feed.getFeed({ feed, limit, ...(cursor ? { cursor } : {}) })
    pages.push({
      posts: res.data.feed.map((item) => item.post.uri),
      reasons: res.data.feed.map((item) => (item.reason as { $type?: string } | undefined)?.$type),
      contexts: res.data.feed.map((item) => item.feedContext),
      cursor: res.data.cursor,
    })
    cursor = res.data.cursor
    if (!cursor) return pages
  }
  throw new Error('getFeed did not end')
}

/** The same walk straight at Plein (anonymous), for comparison. */
async function walkSkeleton(feed: string, limit: number): Promise<Page[]> {
  const pages: Page[] = []
  let cursor: string | undefined
  for (let i = 0; i < 50; i++) {
    const res = await getSkeleton(`http://localhost:${plein!.port}`, cursor ? { feed, limit, cursor } : { feed, limit })
    expect(res.status).toBe(200)
    const items = (res.body.feed ?? []) as { post: string; reason?: { $type?: string }; feedContext?: string }[]
    pages.push({ posts: items.map((i) => i.post), reasons: items.map((i) => i.reason?.$type), contexts: items.map((i) => i.feedContext), cursor: res.body.cursor })
    cursor = res.body.cursor
    if (!cursor) return pages
  }
  throw new Error('getFeedSkeleton did not end')
}

beforeAll(async () => {
  const started = Date.now()
  pg = await startPostgres()
  const dbPostgresUrl = await createTestDatabase(pg.url, 'appview')
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-appview-'))
  // @NOTE dev-env's PDSes put their data and blobs in os.tmpdir() and never remove them: keep them in
  // this test's directory (its port-lock directory was fixed at import, so it stays shared)
  await mkdir(path.join(dir, 'tmp'))
  process.env.TMPDIR = path.join(dir, 'tmp')
  // @NOTE dev-env asserts REDIS_HOST is set but passes it only into the AppView's config, which does not
  // read it in @atproto/bsky 0.0.280 (no Redis client is created); nothing listens there
  process.env.REDIS_HOST ??= '127.0.0.1:1'
  network = await TestNetwork.create({ dbPostgresUrl, dbPostgresSchema: 'plein' })
  appviewDid = network.bsky.ctx.cfg.serverDid
  const netReady = Date.now()

  org = await createAccount('bibliotheek')
  const alice = await createAccount('alice')
  const bob = await createAccount('bob')
  reader = await createAccount('lezer')
  pin = (await org.agent.post({ text: 'De feed rust. Slaap lekker, tot morgen!', langs: ['nl'], createdAt: new Date().toISOString() })).uri

  // Plein: did:web of its own host:port, firehose = the dev-env PDS, PLC = the dev-env PLC
  const port = await freePort()
  const now = Date.now()
  const feedsFile = path.join(dir, 'feeds.yaml')
  const feedsYaml = `publisher: ${org.did}
feeds:
  - id: buurt
    name: De Buurt
    description: Berichten met #plein, op volgorde van tijd; een leessessie van ${MAX_ITEMS} berichten.
    include: { hashtags: [plein] }
    wellbeing:
      window: 48h
      maxItems: ${MAX_ITEMS}
      pinned: ${pin}
  - id: rust
    name: De Buurt rust
    include: { hashtags: [plein] }
    wellbeing:
      timezone: ${TZ}
      quietHours: { from: "${hhmm(now - 2 * 3_600_000)}", to: "${hhmm(now + 2 * 3_600_000)}" }
      pinned: ${pin}
  - id: alles
    name: Alles
    include: { hashtags: [plein] }
    wellbeing: { window: 48h }
`
  await writeFile(feedsFile, feedsYaml)
  const cfg = envToCfg(
    {
      dataDir: dir,
      firehoseUrl: network.pds.url.replace(/^http/, 'ws'),
      plcUrl: network.plc.url,
      port,
      hostname: `localhost:${port}`,
      allowPrivateNetwork: true,
    },
    { feeds: parseFeedsFile(feedsYaml, feedsFile) },
  )
  serviceDid = cfg.service.did
  expect(serviceDid).toBe(`did:web:localhost%3A${port}`)
  cfg.service.publicUrl = `http://localhost:${port}`
  plein = await FeedgenService.create(cfg, { firehose: { minBackoffMs: 50, maxBackoffMs: 500 } })
  await plein.start()
  await waitFor(() => plein!.ctx.firehose.metrics.connected, 'Plein connected to the PDS firehose')

  // the operator publishes the feed records
  const orgAppPassword = (await org.agent.com.atproto.server.createAppPassword({ name: 'publish-feeds' })).data.password
  const published = await publishFeeds({
    FEEDS_FILE: feedsFile,
    PLC_URL: network.plc.url,
    FEEDGEN_HOSTNAME: `localhost:${port}`,
    PUBLISH_IDENTIFIER: org.handle,
    PUBLISH_APP_PASSWORD: orgAppPassword,
  })
  expect(published.stderr).toBe('')
  expect(published.code).toBe(0)
  expect(published.stdout.trim().split('\n')).toEqual(['buurt', 'rust', 'alles'].map((id) => `created    ${feedUri(id)}`))

  // neighbours post; createdAt is not the posting order (Plein orders by min(createdAt, indexedAt))
  const minutesAgo = [7, 3, 9, 1, 5, 8, 2, 6]
  const made: { uri: string; at: number; author: string }[] = []
  for (const [i, m] of minutesAgo.entries()) {
    const author = i % 2 === 0 ? alice : bob
    const at = Date.now() - m * 60_000
    const res = await author.agent.post({ text: `Bericht ${i + 1} uit de buurt #plein`, langs: ['nl'], createdAt: new Date(at).toISOString() })
    made.push({ uri: res.uri, at, author: author.did })
  }
  made.sort((a, b) => b.at - a.at)
  matching = made.map((p) => p.uri)
  bobPosts = made.filter((p) => p.author === bob.did).map((p) => p.uri)
  unrelated = (await alice.agent.post({ text: 'Iets heel anders', langs: ['nl'], createdAt: new Date().toISOString() })).uri

  // both the AppView and Plein have indexed everything the PDS has emitted
  await network.processAll()
  const seq = (await network.pds.ctx.sequencer.curr()) ?? 0
  await waitFor(async () => ((await plein!.indexer.getCursor()) ?? 0) >= seq, `Plein to reach seq ${seq}`, 15_000)
  console.info(`appview test: network ${((netReady - started) / 1000).toFixed(1)} s, setup ${((Date.now() - started) / 1000).toFixed(1)} s`)
}, 120_000)

afterAll(async () => {
  await plein?.destroy()
  await network?.close()
  await pg?.stop()
  if (tmpdirBefore === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = tmpdirBefore
  if (dir) await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('the Bluesky app through its PDS and the AppView', () => {
  test('the AppView finds the published feed and resolves the did:web to Plein', async () => {
    const res = await app().app.bsky.feed.getFeedGenerator({ feed: feedUri('buurt') })
    expect(res.data.view).toMatchObject({ uri: feedUri('buurt'), did: serviceDid, displayName: 'De Buurt', creator: { did: org.did } })
    // the did:web document the AppView resolved is Plein's own
    const doc = (await (await fetch(`http://localhost:${plein!.port}/.well-known/did.json`)).json()) as { id: string; service: { id: string; serviceEndpoint: string }[] }
    expect(doc.id).toBe(serviceDid)
    expect(doc.service).toEqual([{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: `http://localhost:${plein!.port}` }])
  })

  test('hydrated posts come back in Plein\'s order, the pin first with its reason, and the reading session ends pagination', async () => {
    const limit = 2
    const viaApp = await walkGetFeed(feedUri('buurt'), limit)
    const direct = await walkSkeleton(feedUri('buurt'), limit)
    // page by page the same posts, in the same order
    expect(viaApp.map((p) => p.posts)).toEqual(direct.map((p) => p.posts))
    const posts = viaApp.flatMap((p) => p.posts)
    expect(posts).toEqual([pin, ...matching.slice(0, MAX_ITEMS)])
    expect(posts).not.toContain(unrelated)
    // pin: skeletonReasonPin from Plein → reasonPin on the hydrated item; the others carry no reason
    expect(direct[0]?.reasons[0]).toBe('app.bsky.feed.defs#skeletonReasonPin')
    expect(viaApp.flatMap((p) => p.reasons)).toEqual(['app.bsky.feed.defs#reasonPin', ...Array<undefined>(MAX_ITEMS).fill(undefined)])
    // Plein's feedContext reaches the app (it is sent back with interactions)
    expect(viaApp.flatMap((p) => p.contexts)).toEqual(['buurt|pin', ...Array<string>(MAX_ITEMS).fill('buurt|hashtag')])
    // maxItems: the session ends after MAX_ITEMS posts although more match; the last page has no cursor
    expect(matching.length).toBeGreaterThan(MAX_ITEMS)
    expect(viaApp.map((p) => p.posts.length)).toEqual([2, 2, 2])
    expect(viaApp.slice(0, -1).every((p) => typeof p.cursor === 'string')).toBe(true)
    expect(viaApp.at(-1)?.cursor).toBeUndefined()
  })

  test('a feed in its quiet hours shows only the pinned post, and ends', async () => {
    const page = await app().app.bsky.feed.getFeed({ feed: feedUri('rust'), limit: 30 })
    expect(page.data.feed.map((i) => i.post.uri)).toEqual([pin])
    expect(page.data.feed[0]?.reason).toMatchObject({ $type: 'app.bsky.feed.defs#reasonPin' })
    expect(page.data.feed[0]?.post.author.did).toBe(org.did)
    expect(page.data.cursor).toBeUndefined()
    // ...although Plein holds every matching post for that feed
    const held = await plein!.db.selectFrom('feed_item').select('post_uri').where('feed', '=', 'rust').execute()
    expect(held.map((r) => r.post_uri).sort()).toEqual([...matching].sort())
  })

  test('the end of the data ends pagination: every matching post once, newest first, no cursor on the last page', async () => {
    const viaApp = await walkGetFeed(feedUri('alles'), 3)
    expect(viaApp.map((p) => p.posts)).toEqual((await walkSkeleton(feedUri('alles'), 3)).map((p) => p.posts))
    expect(viaApp.flatMap((p) => p.posts)).toEqual(matching)
    expect(viaApp.map((p) => p.posts.length)).toEqual([3, 3, 2])
    expect(viaApp.at(-1)?.cursor).toBeUndefined()
    // hydrated: the text the authors wrote
    const first = await app().app.bsky.feed.getFeed({ feed: feedUri('alles'), limit: 1 })
    expect((first.data.feed[0]?.post.record as { text?: string }).text).toMatch(/^Bericht \d uit de buurt #plein$/)
  })
})

describe('the reader\'s own control through the app', () => {
  test('"show less" sent through the PDS reaches Plein, and the reader\'s getFeed through the AppView leaves that author out', async () => {
    // the app sends interactions to the feed generator through the reader's PDS (atproto-proxy: <did:web>#bsky_fg)
    const toPlein = reader.agent.withProxy('bsky_fg', serviceDid as `did:${string}:${string}`)
    const send = (event: string) =>
      toPlein.app.bsky.feed.sendInteractions({ feed: feedUri('alles'), interactions: [{ item: bobPosts[0], event, feedContext: 'alles|hashtag' }] })
    await send('app.bsky.feed.defs#requestLess')
    try {
      const viaApp = (await walkGetFeed(feedUri('alles'), 100)).flatMap((p) => p.posts)
      expect(viaApp).toEqual(matching.filter((uri) => !bobPosts.includes(uri)))
      // the choice is this reader's: anonymous readers still see everything
      expect((await walkSkeleton(feedUri('alles'), 100)).flatMap((p) => p.posts)).toEqual(matching)
    } finally {
      await send('app.bsky.feed.defs#requestMore')
    }
    expect((await walkGetFeed(feedUri('alles'), 100)).flatMap((p) => p.posts)).toEqual(matching)
  })
})

describe('straight at the AppView', () => {
  test('anonymous, as a logged-out client reads the public AppView: the same feed', async () => {
    const res = await fetch(`${network!.bsky.url}/xrpc/app.bsky.feed.getFeed?feed=${encodeURIComponent(feedUri('alles'))}&limit=100`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { feed: { post: { uri: string } }[]; cursor?: string }
    expect(body.feed.map((i) => i.post.uri)).toEqual(matching)
    expect(body.cursor).toBeUndefined()
  })

  test('a token that is not for Plein is refused by Plein, and the AppView passes the XRPC error on', async () => {
    // aud = the AppView, lxm = getFeed: the AppView accepts it, forwards it, and Plein checks aud
    const headers = await network!.serviceHeaders(reader.did as `did:${string}:${string}`, 'app.bsky.feed.getFeed')
    const res = await fetch(`${network!.bsky.url}/xrpc/app.bsky.feed.getFeed?feed=${encodeURIComponent(feedUri('alles'))}`, { headers })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'BadJwtAudience' })
  })
})
