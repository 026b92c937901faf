import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { CommitEvent, RepoOp } from '../../shared/firehose/events.ts'
import { subsystemLogger } from '../../shared/logger.ts'
import { Classifier, type ClassifyInput } from '../classify/index.ts'
import { AutoLabeler } from './auto-labeler.ts'
import { ClassifyPool, ClassifyWorkerError, defaultClassifyWorkers, InThreadClassifier } from './classify-pool.ts'
import { LabelStore } from './store.ts'

// The classifier's worker threads give the same verdicts as the classifier in this thread, in the
// batch's order; a worker that dies is replaced and its posts are classified again; a worker that dies
// twice on the same posts fails the batch, and the auto-labeller then writes nothing (not even the cursor).

const logger = subsystemLogger('test')
const CRASH_WORKER = new URL('./classify-worker-crash.fixture.ts', import.meta.url)
let posts: ClassifyInput[]
let classifier: Classifier
let tmp: string

beforeAll(async () => {
  classifier = Classifier.load()
  tmp = await mkdtemp(path.join(os.tmpdir(), 'plein-classify-pool-'))
  const lines = (await readFile(new URL('../classify/fixtures/paraphrases.jsonl', import.meta.url), 'utf8')).split('\n').filter((l) => l.trim() !== '')
  posts = lines.map((l) => JSON.parse(l) as { text: string; langs?: string[]; alt?: string[] }).map((p) => ({ text: p.text, langs: p.langs, alt: p.alt }))
  // and plain posts in between, so labelled and unlabelled verdicts interleave
  posts = posts.flatMap((p, i) => [p, { text: `gewoon een zonnige dag in Utrecht, post ${i}`, langs: ['nl'] }])
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

test('defaults: one worker on one or two cores, one per core but one otherwise, at most four', () => {
  expect([1, 2, 3, 4, 8, 64].map((n) => defaultClassifyWorkers(n))).toEqual([1, 1, 2, 3, 4, 4])
})

test('two workers give the in-thread verdicts, in order, for a batch and for batches in flight together', async () => {
  const expected = await new InThreadClassifier(classifier).classifyBatch(posts)
  expect(expected.filter((v) => v !== null).length).toBeGreaterThan(50)
  const pool = new ClassifyPool({ workers: 2, logger })
  try {
    expect(await pool.ready()).toBe(classifier.rulesVersion)
    expect(await pool.classifyBatch(posts)).toEqual(expected)
    const chunks = [posts.slice(0, 7), posts.slice(7, 8), [], posts.slice(8)]
    const results = await Promise.all(chunks.map((c) => pool.classifyBatch(c)))
    expect(results.flat()).toEqual(expected)
    expect(pool.restarts).toBe(0)
  } finally {
    await pool.close()
  }
})

test('langs: a post in another language gets no verdict, as in this thread', async () => {
  const expected = await new InThreadClassifier(classifier, ['en']).classifyBatch(posts)
  const pool = new ClassifyPool({ workers: 1, langs: ['en'], logger })
  try {
    expect(await pool.classifyBatch(posts)).toEqual(expected)
    expect(expected.filter((v) => v !== null).length).toBeLessThan((await new InThreadClassifier(classifier).classifyBatch(posts)).filter((v) => v !== null).length)
  } finally {
    await pool.close()
  }
})

test('a worker that dies while classifying is replaced and the posts are classified again', async () => {
  const batch = [...posts.slice(0, 20), { text: 'CRASH' }, ...posts.slice(20, 40)]
  const expected = await new InThreadClassifier(classifier).classifyBatch(batch)
  const pool = new ClassifyPool({ workers: 1, logger, workerUrl: CRASH_WORKER, workerData: { crashOnce: path.join(tmp, 'crashed-once') } })
  try {
    await pool.ready()
    expect(await pool.classifyBatch(batch)).toEqual(expected)
    expect(pool.restarts).toBe(1)
    expect(await pool.classifyBatch(posts.slice(0, 5))).toEqual(expected.slice(0, 5))
  } finally {
    await pool.close()
  }
})

test('a worker that dies twice on the same posts fails the batch; the auto-labeller writes nothing; the pool goes on', async () => {
  const pool = new ClassifyPool({ workers: 1, logger, workerUrl: CRASH_WORKER })
  const store = await LabelStore.open({ file: ':memory:', src: 'did:plc:plein-labeler', keypair: await Secp256k1Keypair.create() })
  try {
    await expect(pool.classifyBatch([posts[0] as ClassifyInput, { text: 'CRASH' }])).rejects.toThrow(ClassifyWorkerError)
    expect(pool.restarts).toBe(2)

    const auto = new AutoLabeler({ store, classifier: pool, langs: [], logger })
    const op = (rkey: string, text: string): RepoOp => ({
      action: 'create',
      collection: 'app.bsky.feed.post',
      rkey,
      uri: `at://did:plc:author/app.bsky.feed.post/${rkey}`,
      cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
      record: { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() },
    })
    const commit = (seq: number, ...ops: RepoOp[]): CommitEvent => ({ type: 'commit', seq, did: 'did:plc:author', rev: `rev${seq}`, time: new Date().toISOString(), ops })
    const labelled = posts[0]?.text as string
    await expect(auto.handleBatch([commit(1, op('a', labelled)), commit(2, op('b', 'CRASH'))], 2)).rejects.toThrow(ClassifyWorkerError)
    expect(await store.getCursor('firehose')).toBeUndefined()
    expect(await store.currentLabels('at://did:plc:author/app.bsky.feed.post/a')).toEqual([])
    // the replacement worker classifies the next batch (the consumer retries from the saved cursor)
    await auto.handleBatch([commit(1, op('a', labelled))], 1)
    expect(await store.getCursor('firehose')).toBe(1)
    expect((await store.currentLabels('at://did:plc:author/app.bsky.feed.post/a')).map((l) => l.val)).toEqual(['pro-ed'])
  } finally {
    await pool.close()
    await store.close()
  }
})

test('a worker that cannot load the classifier (out of memory) fails ready() instead of starting', async () => {
  const pool = new ClassifyPool({ workers: 1, logger, resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 } })
  try {
    await expect(pool.ready()).rejects.toThrow(ClassifyWorkerError)
  } finally {
    await pool.close()
  }
})
