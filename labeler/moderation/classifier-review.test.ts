import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { CommitEvent, RepoOp } from '../../shared/firehose/events.ts'
import { subsystemLogger } from '../../shared/logger.ts'
import { Classifier } from '../classify/index.ts'
import { LabelModel } from '../classify/model.ts'
import { selfHarmModel } from '../classify/test-models.fixture.ts'
import { AutoLabeler } from '../labels/auto-labeler.ts'
import { LabelStore } from '../labels/store.ts'
import { CLASSIFIER_REASON_TYPE, CLASSIFIER_TOOL, fileReviewSuggestions, Moderation, reviewReason } from './index.ts'

// The learned layer's review suggestions land in the human review queue as reports by the labeler
// itself, with their reasons; they are not labels.

const SRC = 'did:plc:plein-labeler'
const DID = 'did:plc:author'
const CID1 = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
const CID2 = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const uri = (rkey: string) => `at://${DID}/app.bsky.feed.post/${rkey}`

let classifier: Classifier
let keypair: Secp256k1Keypair
/** a post the shipped classifier does not label but suggests for review (found in the fixtures) */
let reviewText: { text: string; langs: string[] }
const stores: LabelStore[] = []

beforeAll(async () => {
  classifier = Classifier.load()
  keypair = await Secp256k1Keypair.create()
  const rows: { text: string; langs: string[] }[] = []
  for (const f of ['model-train.jsonl', 'paraphrases.jsonl', 'generalise.jsonl']) {
    for (const line of readFileSync(resolve(import.meta.dirname, '../classify/fixtures', f), 'utf8').split('\n')) {
      if (line.trim()) rows.push(JSON.parse(line) as { text: string; langs: string[] })
    }
  }
  const found = rows.find((r) => {
    const c = classifier.classify({ text: r.text, langs: r.langs })
    return c.labels.length === 0 && (c.review?.length ?? 0) > 0
  })
  if (found === undefined) throw new Error('no fixture post gets a review suggestion from the shipped classifier')
  reviewText = found
})
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
})

async function open(): Promise<{ store: LabelStore; moderation: Moderation; auto: AutoLabeler }> {
  const store = await LabelStore.open({ file: ':memory:', src: SRC, keypair })
  stores.push(store)
  return { store, moderation: new Moderation(store), auto: new AutoLabeler({ store, classifier, langs: [], logger: subsystemLogger('test') }) }
}

let seq = 0
const commit = (...ops: RepoOp[]): CommitEvent => ({ type: 'commit', seq: ++seq, did: DID, rev: `rev${seq}`, time: new Date().toISOString(), ops })
const post = (rkey: string, cid: string, text: string, langs: string[], action: 'create' | 'update' = 'create'): RepoOp => ({
  action,
  collection: 'app.bsky.feed.post',
  rkey,
  uri: uri(rkey),
  cid,
  record: { $type: 'app.bsky.feed.post', text, langs, createdAt: new Date().toISOString() },
})

describe('review suggestions → review queue', () => {
  test('a post the model flags with medium confidence becomes an open report with its reasons, and no label', async () => {
    const { store, moderation, auto } = await open()
    const expected = classifier.classify(reviewText).review ?? []
    await auto.handleBatch([commit(post('r1', CID1, reviewText.text, reviewText.langs))], seq)
    expect(await store.currentLabels(uri('r1'))).toEqual([])
    const { reports } = await moderation.reports.list({ status: 'open', limit: 10 })
    expect(reports).toHaveLength(1)
    const r = reports[0]
    expect(r?.subject).toEqual({ $type: 'com.atproto.repo.strongRef', uri: uri('r1'), cid: CID1 })
    expect(r?.reportedBy).toBe(SRC)
    expect(r?.modTool).toBe(CLASSIFIER_TOOL)
    expect(r?.reasonType).toBe(CLASSIFIER_REASON_TYPE)
    expect(r?.appeal).toBe(false)
    for (const d of expected) {
      expect(r?.reason).toContain(`${d.val} ${d.score.toFixed(2)}`)
      for (const reason of d.reasons) expect(r?.reason).toContain(reason)
    }
    // the cursor was written in the same transaction
    expect(await auto.getCursor()).toBe(seq)
  })

  test('a label the learned layer gives on its own is given, and filed for a moderator to confirm', async () => {
    // a synthetic model that gives self-harm on its own from one word (no rule or cue has it)
    const lone = selfHarmModel({ 'w:straks': 1 }, { alone: 0.9 })
    const { store, moderation } = await open()
    const auto = new AutoLabeler({ store, classifier: Classifier.load(undefined, { model: new LabelModel(lone) }), langs: [], logger: subsystemLogger('test') })
    await auto.handleBatch([commit(post('a1', CID1, 'straks boodschappen doen en dan koken', ['nl']))], seq)
    const labels = await store.currentLabels(uri('a1'))
    expect(labels.map((l) => l.val)).toEqual(['self-harm'])
    const { reports } = await moderation.reports.list({ status: 'open', limit: 10 })
    expect(reports).toHaveLength(1)
    expect(reports[0]?.subject).toEqual({ $type: 'com.atproto.repo.strongRef', uri: uri('a1'), cid: CID1 })
    expect(reports[0]?.modTool).toBe(CLASSIFIER_TOOL)
    expect(reports[0]?.reason).toBe('classifier labelled on its learned layer alone, please confirm: self-harm 1.00 (model-alone:self-harm, model-words:straks)')
  })

  test('one open classifier report per post: an edit or a replay does not file a second one', async () => {
    const { moderation, auto } = await open()
    await auto.handleBatch([commit(post('r2', CID1, reviewText.text, reviewText.langs))], seq)
    await auto.handleBatch([commit(post('r2', CID2, `${reviewText.text} !`, reviewText.langs, 'update'))], seq)
    await auto.handleBatch([commit(post('r2', CID1, reviewText.text, reviewText.langs))], seq)
    expect((await moderation.reports.list({ status: 'all', limit: 10 })).reports).toHaveLength(1)
  })

  test('labelled and plain posts file no report', async () => {
    const { moderation, auto } = await open()
    await auto.handleBatch(
      [commit(post('l1', CID1, 'nog 2 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo', ['nl'])), commit(post('p1', CID1, 'lekker gefietst vandaag, koffie op het terras', ['nl']))],
      seq,
    )
    expect((await moderation.reports.list({ status: 'all', limit: 10 })).reports).toEqual([])
  })

  test('a resolved classifier report does not stop a new one; a moderator resolves it like any report', async () => {
    const { store, moderation } = await open()
    const suggestion = { uri: uri('r3'), cid: CID1, labels: [{ val: 'self-harm', score: 0.81, reasons: ['model:self-harm', 'model-words:moe|stoppen'] }] }
    expect(await store.write(async (trx) => await fileReviewSuggestions(trx, SRC, [suggestion, suggestion], 1_000))).toBe(1)
    const [first] = (await moderation.reports.list({ status: 'open', limit: 10 })).reports
    expect(first?.reason).toBe('classifier suggests review (not labelled): self-harm 0.81 (model:self-harm, model-words:moe|stoppen)')
    await moderation.reports.resolve(first?.id as number, { resolution: 'dismissed', comment: 'not about self-harm', moderator: 'mod1' })
    expect(await store.write(async (trx) => await fileReviewSuggestions(trx, SRC, [suggestion], 2_000))).toBe(1)
    expect((await moderation.reports.list({ status: 'open', limit: 10 })).reports).toHaveLength(1)
  })

  test('a label the learned layer gave on its own asks a person to confirm it', () => {
    expect(reviewReason([{ val: 'self-harm', score: 0.97, reasons: ['model-alone:self-harm', 'model-words:brug|morgen'] }])).toBe(
      'classifier labelled on its learned layer alone, please confirm: self-harm 0.97 (model-alone:self-harm, model-words:brug|morgen)',
    )
    expect(
      reviewReason([
        { val: 'pro-ed', score: 0.8, reasons: ['model:pro-ed', 'model-words:honger'] },
        { val: 'self-harm', score: 0.97, reasons: ['model-alone:self-harm', 'model-words:brug'] },
      ]),
    ).toBe('classifier labelled on its learned layer alone, please confirm: self-harm 0.97 (model-alone:self-harm, model-words:brug); not labelled: pro-ed 0.80 (model:pro-ed, model-words:honger)')
  })

  test('a long reason is cut to fit the report', () => {
    const labels = [{ val: 'pro-ed', score: 0.9, reasons: Array.from({ length: 400 }, (_, i) => `rule.${i}`) }]
    const text = reviewReason(labels)
    expect(text.length).toBeLessThanOrEqual(1_900)
    expect(text.endsWith('…')).toBe(true)
  })
})
