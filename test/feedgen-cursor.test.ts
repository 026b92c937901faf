// The firehose consumer hands the feed generator only commits with an op it wants (posts, reposts,
// list items) and #account events; likes and the rest are skipped unread. The saved cursor must still
// move past them, so a restart does not replay them (a real PDS, the whole service).
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { caughtUp, startFeedgen, waitFor } from './helpers/feedgen.ts'
import { pdsSeq, TestNetwork, type TestAccount } from './helpers/network.ts'
import { post } from './helpers/records.ts'

let net: TestNetwork
let org: TestAccount
let fan: TestAccount
const tmpDirs: string[] = []

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('cursorpub')
  fan = await net.createAccount('cursorfan')
})

afterAll(async () => {
  await net?.close()
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true })
})

test('likes after the last post: the saved cursor moves past them', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-cursor-'))
  tmpDirs.push(dataDir)
  const feeds = `
publisher: ${org.did}
feeds:
  - id: cursor
    name: Cursor
    include: { hashtags: [cursortest] }
`
  const fg = await startFeedgen(net, feeds, { dataDir })
  const p = await post(org, 'Hallo #cursortest')
  await caughtUp(net, fg)
  const afterPost = (await fg.service.indexer.getCursor()) ?? 0
  for (let i = 0; i < 5; i++) {
    await fan.agent.com.atproto.repo.createRecord({
      repo: fan.did,
      collection: 'app.bsky.feed.like',
      record: { $type: 'app.bsky.feed.like', subject: { uri: p.uri, cid: p.cid }, createdAt: new Date().toISOString() },
    })
  }
  const last = await pdsSeq(net)
  expect(last).toBeGreaterThan(afterPost)
  await waitFor(async () => ((await fg.service.indexer.getCursor()) ?? 0) >= last, 'the saved cursor past the likes')
  expect(await fg.service.indexer.getCursor()).toBe(last)
  expect(fg.service.ctx.firehose.metrics.events).toBeGreaterThanOrEqual(6)
  await fg.close()
})
