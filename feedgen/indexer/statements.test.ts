import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { migrateToLatestOrThrow, openSqlite, type SqliteHandle } from '../../shared/db/index.ts'
import { migrations } from '../db/migrations/index.ts'
import type { FeedgenSchema } from '../db/schema.ts'
import { statement } from './statements.ts'

let dir: string
let h: SqliteHandle<FeedgenSchema>
let other: SqliteHandle<FeedgenSchema>
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-statements-'))
  h = openSqlite<FeedgenSchema>(path.join(dir, 'a.sqlite'))
  other = openSqlite<FeedgenSchema>(path.join(dir, 'b.sqlite'))
  await migrateToLatestOrThrow(h.db, migrations)
  await migrateToLatestOrThrow(other.db, migrations)
})
afterAll(async () => {
  await h.db.destroy()
  await other.db.destroy()
  await rm(dir, { recursive: true, force: true })
})

const upsert = statement<[did: string, status: string, now: number, status2: string, now2: number], unknown>((trx, arg) =>
  trx
    .insertInto('account_status')
    .values({ did: arg(0), status: arg(1), updated_at: arg(2) })
    .onConflict((oc) => oc.column('did').doUpdateSet({ status: arg(3), updated_at: arg(4) })),
)
const statusOf = statement<[did: string], { status: string; updated_at: number }>((trx, arg) =>
  trx.selectFrom('account_status').select(['status', 'updated_at']).where('did', '=', arg(0)).where('status', '!=', 'ignored'),
)

test('a statement built once runs with each call\'s arguments (constants kept), in each database', async () => {
  await h.db.transaction().execute(async (trx) => {
    await upsert(trx, 'did:plc:a', 'deactivated', 1, 'deactivated', 1)
    await upsert(trx, 'did:plc:b', 'takendown', 2, 'takendown', 2)
    await upsert(trx, 'did:plc:a', 'x', 9, 'suspended', 3)
    await upsert(trx, 'did:plc:c', 'ignored', 4, 'ignored', 4)
  })
  await other.db.transaction().execute(async (trx) => upsert(trx, 'did:plc:a', 'deleted', 5, 'deleted', 5))
  const read = (db: SqliteHandle<FeedgenSchema>, did: string) => db.db.transaction().execute((trx) => statusOf(trx, did))
  expect(await read(h, 'did:plc:a')).toEqual([{ status: 'suspended', updated_at: 3 }])
  expect(await read(h, 'did:plc:b')).toEqual([{ status: 'takendown', updated_at: 2 }])
  expect(await read(h, 'did:plc:c')).toEqual([])
  expect(await read(h, 'did:plc:none')).toEqual([])
  expect(await read(other, 'did:plc:a')).toEqual([{ status: 'deleted', updated_at: 5 }])
  expect(await read(other, 'did:plc:b')).toEqual([])
})

test('an argument used twice or a wrong argument count is refused when the statement is first built', async () => {
  const twice = statement<[did: string], unknown>((trx, arg) => trx.selectFrom('account_status').select('status').where('did', '=', arg(0)).where('status', '=', arg(0)))
  const count = statement<[a: string, b: string], unknown>((trx, arg) => trx.selectFrom('account_status').select('status').where('did', '=', arg(0)))
  await h.db.transaction().execute(async (trx) => {
    await expect(twice(trx, 'did:plc:a')).rejects.toThrow(/used twice/)
    await expect(count(trx, 'did:plc:a', 'x')).rejects.toThrow(/takes 1 arguments, called with 2/)
  })
})
