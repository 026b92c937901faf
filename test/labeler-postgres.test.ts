// The label store on PostgreSQL (postgres project only): what SQLite gets from its single writer has to
// hold here too. Seqs are gap-free and strictly increasing, a reader never sees seq N+1 before N commits
// (also with two writers on one database, as two labeler processes started by mistake would be), a
// rolled-back write leaves no gap, the latest seq survives deleted events, and text with NUL characters
// is stored without them (PostgreSQL text cannot hold NUL).
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { DatabaseConfig } from '../shared/db/index.ts'
import { LabelStore, type LabelEvent } from '../labeler/labels/store.ts'
import { pgServerUrl, testDatabase, withPgClient } from './helpers/database.ts'
import { createTestDatabase } from './helpers/postgres.ts'

const SRC = 'did:plc:plein-labeler'
const post = (rkey: string) => `at://did:plc:author/app.bsky.feed.post/${rkey}`

describe.runIf(testDatabase === 'postgres')('label store on PostgreSQL', () => {
  let keypair: Secp256k1Keypair
  const stores: LabelStore[] = []

  beforeAll(async () => {
    keypair = await Secp256k1Keypair.create()
  })
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
  })
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close()
  })

  async function database(): Promise<DatabaseConfig> {
    return { kind: 'postgres', url: await createTestDatabase(pgServerUrl(), 'labels'), poolSize: 4, schema: 'labeler' }
  }

  async function open(db: DatabaseConfig): Promise<LabelStore> {
    const store = await LabelStore.open({ database: db, src: SRC, keypair })
    stores.push(store)
    return store
  }

  test('two writers on one database: seqs are gap-free, and a reader only ever sees a gap-free prefix', async () => {
    const db = await database()
    const [a, b] = [await open(db), await open(db)]
    const reader = await open(db)
    let writing = true
    const snapshots: number[][] = []
    const read = (async () => {
      while (writing) {
        snapshots.push((await reader.listLabelEvents(0, 10_000)).map((e) => e.seq))
        await new Promise((r) => setTimeout(r, 2))
      }
    })()
    const write = async (store: LabelStore, name: string) => {
      const out: LabelEvent[] = []
      for (let i = 0; i < 25; i++) out.push(...(await store.apply([{ uri: post(`${name}${i}`), val: 'diet-culture' }, { uri: post(`${name}${i}x`), val: 'pro-ed' }])))
      return out
    }
    const [fromA, fromB] = await Promise.all([write(a, 'a'), write(b, 'b')])
    writing = false
    await read
    const all = [...fromA, ...fromB].map((e) => e.seq).sort((x, y) => x - y)
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    // every transaction's seqs are consecutive: the lock is held from the first to the commit
    for (const evts of [fromA, fromB]) {
      for (let i = 0; i < evts.length; i += 2) expect(evts[i + 1]!.seq).toBe(evts[i]!.seq + 1)
    }
    expect(snapshots.length).toBeGreaterThan(0)
    for (const seqs of snapshots) expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    expect((await reader.listLabelEvents(0, 10_000)).map((e) => e.seq)).toEqual(all)
    expect(await reader.getLatestSeq()).toBe(100)
  })

  test('a write that rolls back leaves no gap; the latest seq survives deleted events', async () => {
    const db = await database()
    const store = await open(db)
    await store.apply([{ uri: post('a'), val: 'diet-culture' }])
    await expect(
      store.apply([{ uri: post('b'), val: 'diet-culture' }], {
        within: async () => {
          throw new Error('the audit entry could not be written')
        },
      }),
    ).rejects.toThrow('audit entry')
    expect((await store.apply([{ uri: post('c'), val: 'diet-culture' }]))[0]?.seq).toBe(2)
    await store.close()
    stores.splice(stores.indexOf(store), 1)

    if (db.kind !== 'postgres') throw new Error('unreachable')
    await withPgClient(db.url, 'labeler', (c) => c.query('delete from label_event'))
    const reopened = await open(db)
    expect(await reopened.getLatestSeq()).toBe(2)
    expect(await reopened.getEarliestSeq()).toBe(0)
    expect((await reopened.apply([{ uri: post('d'), val: 'diet-culture' }]))[0]?.seq).toBe(3)
  })

  test('text with NUL characters is stored without them; JSON keeps them escaped', async () => {
    const store = await open(await database())
    await store.apply([{ uri: post('nul'), val: 'diet-culture', reasons: ['rule\u0000:x'] }])
    expect((await store.currentLabels(post('nul')))[0]?.reasons).toEqual(['rule\u0000:x'])
    const row = await store.write(async (trx) =>
      trx
        .insertInto('audit_log')
        .values({ created_at: new Date().toISOString(), moderator: 'mod\u0000-a', action: 'label', subject: post('nul'), cid: '', val: 'diet-culture', report_id: null, reason: 'a\u0000b', detail: '{}' })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    expect([row.moderator, row.reason]).toEqual(['mod-a', 'ab'])
  })
})
