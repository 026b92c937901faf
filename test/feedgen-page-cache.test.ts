// The page cache (feedgen/feeds/page-cache.ts) keeps a feed's pages in memory until the feed can
// change. Every change must show on the very next request after it is written: a new post, a deleted
// one, a taken-down account, a new or negated label, an author over the per-author cap. Each test
// reads the feed first (so its page is in memory), makes the change on the real PDS or labeler, waits
// until the feed generator has committed it, and then asks exactly once.
import { AtpAgent } from '@atproto/api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { caughtUp, getSkeleton, startFeedgen, waitFor, type StartedFeedgen } from './helpers/feedgen.ts'
import { labelerCaughtUp, setupLabelerIdentity, startLabeler, type StartedLabeler } from './helpers/labeler.ts'
import { ADMIN_PASSWORD, freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { deleteRecord, post } from './helpers/records.ts'

let net: TestNetwork
let fg: StartedFeedgen
let lab: StartedLabeler
let org: TestAccount
let alice: TestAccount
let bob: TestAccount
const feed = () => `at://${org.did}/app.bsky.feed.generator/plein`

/** One request: the posts of the first page. */
async function firstPage(): Promise<string[]> {
  const res = await getSkeleton(fg.url, { feed: feed(), limit: 100 })
  expect(res.status).toBe(200)
  return (res.body.feed ?? []).map((i) => i.post)
}

/** The page is in memory: the same answer twice, and nothing written since. */
async function warm(): Promise<string[]> {
  const a = await firstPage()
  expect(await firstPage()).toEqual(a)
  return a
}

async function labelsCommitted(): Promise<void> {
  await labelerCaughtUp(net, lab)
  const latest = await lab.service.store.getLatestSeq()
  const sub = fg.service.labelers[0]!
  await waitFor(async () => {
    const row = await fg.service.db.selectFrom('cursor').select('seq').where('id', '=', sub.cursorId).executeTakeFirst()
    return Number(row?.seq ?? 0) >= latest
  }, `the feed generator to store labels up to ${latest}`)
}

async function takedown(did: string, applied: boolean): Promise<void> {
  const admin = new AtpAgent({ service: net.pdsUrl })
  await admin.com.atproto.admin.updateSubjectStatus(
    { subject: { $type: 'com.atproto.admin.defs#repoRef', did }, takedown: { applied, ref: applied ? 'test' : undefined } },
    { encoding: 'application/json', headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` } },
  )
}

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('pleinorg')
  alice = await net.createAccount('alice')
  bob = await net.createAccount('bob')
  const account = await net.createAccount('pleinlabels')
  const port = await freePort()
  const id = await setupLabelerIdentity(net, account, `http://127.0.0.1:${port}`)
  lab = await startLabeler(net, id, { port })
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: plein
    name: Plein
    include: { hashtags: [plein] }
    exclude:
      labels:
        - labeler: ${lab.service.cfg.did}
          values: [pro-ed]
    wellbeing:
      window: 48h
      perAuthor: 2
`,
  )
  await waitFor(() => fg.service.labelers.every((l) => l.metrics.connected), 'the feed generator to subscribe to the labeler')
})

afterAll(async () => {
  await fg?.close()
  await lab?.close()
  await net?.close()
})

describe('the page cache', () => {
  test('is on in a process that ingests', () => {
    expect(fg.service.ctx.pageCache).toBeDefined()
  })

  test('a new post is on the very next page; a deleted one is gone from it', async () => {
    const first = await post(alice, 'Markt op het plein #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await warm()).toEqual([first.uri])

    const second = await post(bob, 'Koffie op het plein #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await firstPage()).toEqual([second.uri, first.uri])

    await warm()
    await deleteRecord(bob, second.uri)
    await caughtUp(net, fg)
    expect(await firstPage()).toEqual([first.uri])
  })

  test('a third post of an author pushes their oldest out (perAuthor 2) on the very next page', async () => {
    const a2 = await post(alice, 'Nog een #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    const before = await warm()
    expect(before[0]).toBe(a2.uri)
    const oldest = before.filter((u) => u.includes(alice.did)).at(-1)!
    expect(before.filter((u) => u.includes(alice.did))).toHaveLength(2)
    const a3 = await post(alice, 'En nog een #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    const after = await firstPage()
    expect(after[0]).toBe(a3.uri)
    expect(after).not.toContain(oldest)
    expect(after.filter((u) => u.includes(alice.did))).toHaveLength(2)
  })

  test("a taken-down account's posts leave the very next page and come back when the takedown is lifted", async () => {
    const b = await post(bob, 'Bankjes op het plein #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await warm()).toContain(b.uri)
    await takedown(bob.did, true)
    await caughtUp(net, fg)
    expect((await firstPage()).some((u) => u.includes(bob.did))).toBe(false)
    await warm()
    await takedown(bob.did, false)
    await caughtUp(net, fg)
    expect(await firstPage()).toContain(b.uri)
  })

  test('a new label takes a post off the very next page; negating it brings it back', async () => {
    const p = await post(alice, 'Zonnig op het plein vandaag #plein', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await warm()).toContain(p.uri)
    await lab.service.store.apply([{ uri: p.uri, val: 'pro-ed' }])
    await labelsCommitted()
    expect(await firstPage()).not.toContain(p.uri)
    await warm()
    await lab.service.store.apply([{ uri: p.uri, val: 'pro-ed', neg: true }])
    await labelsCommitted()
    expect(await firstPage()).toContain(p.uri)
  })
})
