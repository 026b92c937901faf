// Label exclusion end to end: the project's own labeler (real service, real DID document on the local
// PLC) labels posts from the real firehose; the feed generator subscribes to it like any client and
// leaves labelled posts out of a feed that excludes those labels.
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { caughtUp, startFeedgen, waitFor, walkFeed, type StartedFeedgen } from './helpers/feedgen.ts'
import { labelerCaughtUp, setupLabelerIdentity, startLabeler, type StartedLabeler } from './helpers/labeler.ts'
import { freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { post } from './helpers/records.ts'

let net: TestNetwork
let fg: StartedFeedgen
let ours: StartedLabeler
let other: StartedLabeler
let forger: StartedLabeler
let org: TestAccount
let author: TestAccount
let second: TestAccount
const feed = () => `at://${org.did}/app.bsky.feed.generator/veilig`

async function labelersCaughtUp(): Promise<void> {
  for (const lab of [ours, other, forger]) {
    const latest = await lab.service.store.getLatestSeq()
    const sub = fg.service.labelers.find((l) => l.did === lab.service.cfg.did)
    if (!sub) continue
    await waitFor(async () => {
      const row = await fg.service.db.selectFrom('cursor').select('seq').where('id', '=', sub.cursorId).executeTakeFirst()
      return Number(row?.seq ?? 0) >= latest
    }, `feed generator to read labels of ${lab.service.cfg.did} up to ${latest}`)
  }
}

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('omroep')
  author = await net.createAccount('schrijver')
  second = await net.createAccount('tweede')
  const start = async (name: string, signWithOtherKey = false) => {
    const account = await net.createAccount(name)
    const port = await freePort()
    const id = await setupLabelerIdentity(net, account, `http://127.0.0.1:${port}`)
    if (signWithOtherKey) {
      // a labeler that signs with a key its DID document does not publish: forged labels
      const wrong = await Secp256k1Keypair.create({ exportable: true })
      id.keyHex = Buffer.from(await wrong.export()).toString('hex')
    }
    return { id, lab: await startLabeler(net, id, { port }) }
  }
  const a = await start('eigenlabels')
  ours = a.lab
  other = (await start('anderlabels')).lab
  forger = (await start('vervalser', true)).lab
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: veilig
    name: Veilig
    include: { hashtags: [buurt] }
    exclude:
      labels:
        - labeler: ${ours.service.cfg.did}
          values: [pro-ed, self-harm]
        - labeler: ${forger.service.cfg.did}
          values: [pro-ed]
`,
  )
  await waitFor(() => fg.service.labelers.every((l) => l.metrics.connected), 'the feed generator to subscribe to both trusted labelers')
})

afterAll(async () => {
  await fg?.close()
  for (const l of [ours, other, forger]) await l?.close()
  await net?.close()
})

describe('exclude.labels', () => {
  test('a post labelled pro-ed by our labeler leaves the feed, and comes back when the label is negated', async () => {
    const ok = await post(author, 'Buurtbarbecue zaterdag in het park! #buurt', { langs: ['nl'] })
    const bad = await post(author, 'nog 3 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo #buurt', { langs: ['nl'] })
    await caughtUp(net, fg)
    await labelerCaughtUp(net, ours)
    const labels = await ours.service.store.currentLabels(bad.uri)
    expect(labels.map((l) => l.val)).toContain('pro-ed')
    await labelersCaughtUp()
    expect(await walkFeed(fg.url, feed())).toEqual([ok.uri])

    // a moderator negates it (directly through the store; test/moderation.test.ts goes through the admin API)
    await ours.service.store.apply(labels.map((l) => ({ uri: l.uri, cid: l.cid, val: l.val, neg: true })))
    await labelersCaughtUp()
    expect(await walkFeed(fg.url, feed())).toEqual([bad.uri, ok.uri])
  })

  test('a label from a labeler the feed does not trust changes nothing', async () => {
    const p = await post(second, 'Wie heeft mijn fiets gezien? #buurt', { langs: ['nl'] })
    await caughtUp(net, fg)
    await other.service.store.apply([{ uri: p.uri, val: 'pro-ed' }])
    await labelersCaughtUp()
    expect(await walkFeed(fg.url, feed())).toContain(p.uri)
  })

  test('a forged label (signed with a key the DID document does not list) changes nothing', async () => {
    const p = await post(second, 'Rommelmarkt op zondag #buurt', { langs: ['nl'] })
    await caughtUp(net, fg)
    const sub = fg.service.labelers.find((l) => l.did === forger.service.cfg.did)!
    const rejectedBefore = sub.metrics.rejected
    await forger.service.store.apply([{ uri: p.uri, val: 'pro-ed' }])
    await waitFor(() => sub.metrics.rejected > rejectedBefore, 'the forged label to be rejected')
    expect(await walkFeed(fg.url, feed())).toContain(p.uri)
  })

  test("a label on the author's account excludes all their posts", async () => {
    const p1 = await post(second, 'Eerste #buurt', { langs: ['nl'] })
    const p2 = await post(second, 'Tweede #buurt', { langs: ['nl'] })
    await caughtUp(net, fg)
    expect(await walkFeed(fg.url, feed())).toEqual(expect.arrayContaining([p1.uri, p2.uri]))
    await ours.service.store.apply([{ uri: second.did, val: 'self-harm' }])
    await labelersCaughtUp()
    const after = await walkFeed(fg.url, feed())
    expect(after.some((u) => u.includes(second.did))).toBe(false)
    await ours.service.store.apply([{ uri: second.did, val: 'self-harm', neg: true }])
    await labelersCaughtUp()
    expect(await walkFeed(fg.url, feed())).toEqual(expect.arrayContaining([p1.uri, p2.uri]))
  })
})
