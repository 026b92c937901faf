import { Secp256k1Keypair } from '@atproto/crypto'
import { afterEach, beforeAll, expect, test } from 'vitest'
import type { CommitEvent, RepoOp } from '../../shared/firehose/events.ts'
import { subsystemLogger } from '../../shared/logger.ts'
import { Classifier } from '../classify/index.ts'
import { AutoLabeler } from './auto-labeler.ts'
import { LabelStore, type LabelEvent } from './store.ts'

// The auto-labeller writes a whole firehose batch in one transaction. A post and its delete (or its
// edit) in the same batch, as a restart's catch-up delivers them, must end as if they came one by one.

const SRC = 'did:plc:plein-labeler'
const DID = 'did:plc:author'
const CID1 = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
const CID2 = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const PRO_ED = 'nog 2 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo'
const FLEX = "Made €10k this month from my phone while you were sleeping. DM me 'FREEDOM' and I'll show you how"
const uri = (rkey: string) => `at://${DID}/app.bsky.feed.post/${rkey}`

let classifier: Classifier
let keypair: Secp256k1Keypair
const stores: LabelStore[] = []

beforeAll(async () => {
  classifier = Classifier.load()
  keypair = await Secp256k1Keypair.create()
})
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

async function setup(): Promise<{ store: LabelStore; auto: AutoLabeler; events: LabelEvent[] }> {
  const store = await LabelStore.open({ file: ':memory:', src: SRC, keypair })
  stores.push(store)
  const events: LabelEvent[] = []
  store.onEvents((e) => events.push(...e))
  return { store, auto: new AutoLabeler({ store, classifier, langs: [], logger: subsystemLogger('test') }), events }
}

let seq = 0
function commit(...ops: RepoOp[]): CommitEvent {
  return { type: 'commit', seq: ++seq, did: DID, rev: `rev${seq}`, time: new Date().toISOString(), ops }
}
const create = (rkey: string, cid: string, text: string, action: 'create' | 'update' = 'create'): RepoOp => ({
  action,
  collection: 'app.bsky.feed.post',
  rkey,
  uri: uri(rkey),
  cid,
  record: { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() },
})
const del = (rkey: string): RepoOp => ({ action: 'delete', collection: 'app.bsky.feed.post', rkey, uri: uri(rkey), cid: null })
const history = (events: LabelEvent[]) => events.map((e) => `${e.label.neg ? '-' : '+'}${e.label.val}@${e.label.cid === CID1 ? 1 : 2}`)

test('the fixture texts are labelled', () => {
  expect(classifier.classify({ text: PRO_ED }).labels.map((l) => l.val)).toEqual(['pro-ed'])
  expect(classifier.classify({ text: FLEX }).labels.map((l) => l.val)).toEqual(['lifestyle-flex'])
})

test('a post and its delete in one batch: the label is applied and negated, none is left', async () => {
  const { store, auto, events } = await setup()
  const batch = [commit(create('a', CID1, PRO_ED)), commit(del('a'))]
  await auto.handleBatch(batch, batch.at(-1)!.seq)
  expect(await store.currentLabels(uri('a'))).toEqual([])
  expect(history(events)).toEqual(['+pro-ed@1', '-pro-ed@1'])
  expect(await store.getCursor('firehose')).toBe(batch.at(-1)!.seq)
})

test('a post and its edit in one batch: the old version’s label is negated, the new one’s applied', async () => {
  const { store, auto, events } = await setup()
  const batch = [commit(create('b', CID1, PRO_ED)), commit(create('b', CID2, FLEX, 'update'))]
  await auto.handleBatch(batch, batch.at(-1)!.seq)
  expect((await store.currentLabels(uri('b'))).map((l) => `${l.val}@${l.cid === CID1 ? 1 : 2}`)).toEqual(['lifestyle-flex@2'])
  expect(history(events)).toEqual(['+pro-ed@1', '+lifestyle-flex@2', '-pro-ed@1'])
})

test('a post, an edit to plain text and a delete in one batch, and a labelled post in an earlier batch deleted in this one', async () => {
  const { store, auto } = await setup()
  const first = [commit(create('c', CID1, FLEX))]
  await auto.handleBatch(first, first[0]!.seq)
  const batch = [commit(create('d', CID1, PRO_ED)), commit(create('d', CID2, 'Recept voor linzensoep', 'update')), commit(del('c')), commit(del('d'))]
  await auto.handleBatch(batch, batch.at(-1)!.seq)
  expect(await store.currentLabels(uri('c'))).toEqual([])
  expect(await store.currentLabels(uri('d'))).toEqual([])
})

test('the same post created again after its delete in one batch keeps the new labels', async () => {
  const { store, auto } = await setup()
  const batch = [commit(create('e', CID1, PRO_ED)), commit(del('e')), commit(create('e', CID2, PRO_ED))]
  await auto.handleBatch(batch, batch.at(-1)!.seq)
  expect((await store.currentLabels(uri('e'))).map((l) => `${l.val}@${l.cid === CID1 ? 1 : 2}`)).toEqual(['pro-ed@2'])
})
