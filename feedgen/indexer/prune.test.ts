import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { migrateToLatestOrThrow, openSqlite, type SqliteHandle } from '../../shared/db/index.ts'
import { migrations } from '../db/migrations/index.ts'
import type { FeedgenSchema } from '../db/schema.ts'
import { parseFeedsFile } from '../feeds/definitions.ts'
import { pruneExpired } from './prune.ts'

let dir: string
let h: SqliteHandle<FeedgenSchema>
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'plein-prune-'))
  h = openSqlite<FeedgenSchema>(path.join(dir, 'x.sqlite'))
  await migrateToLatestOrThrow(h.db, migrations)
})
afterAll(async () => {
  await h.db.destroy()
  await rm(dir, { recursive: true, force: true })
})

test('items older than their feed window are removed, and posts no feed holds any more with them', async () => {
  const { feeds } = parseFeedsFile(`
publisher: did:plc:pub
feeds:
  - { id: kort, name: Kort, include: { hashtags: [a] }, wellbeing: { window: 1h } }
  - { id: altijd, name: Altijd, include: { hashtags: [b] } }
`)
  const now = 10 * 3_600_000
  const post = (uri: string, sortAt: number) => ({ uri, cid: 'c', author: 'did:plc:x', created_at: sortAt, indexed_at: sortAt, sort_at: sortAt, text: '', langs: '[]', tags: '[]', is_reply: 0 })
  const item = (feed: string, uri: string, sortAt: number) => ({ feed, uri, post_uri: uri, author: 'did:plc:x', reposter: null, sort_at: sortAt, indexed_at: sortAt, reason: 'hashtag' })
  const old = now - 2 * 3_600_000
  const fresh = now - 60_000
  await h.db.insertInto('post').values([post('at://old-only-kort', old), post('at://old-both', old), post('at://fresh', fresh)]).execute()
  await h.db
    .insertInto('feed_item')
    .values([item('kort', 'at://old-only-kort', old), item('kort', 'at://old-both', old), item('altijd', 'at://old-both', old), item('kort', 'at://fresh', fresh)])
    .execute()
  expect(await pruneExpired(h.db, feeds, now)).toEqual({ items: 2, posts: 1 })
  const items = await h.db.selectFrom('feed_item').select(['feed', 'uri']).orderBy('uri').orderBy('feed').execute()
  expect(items).toEqual([
    { feed: 'kort', uri: 'at://fresh' },
    { feed: 'altijd', uri: 'at://old-both' },
  ])
  const posts = (await h.db.selectFrom('post').select('uri').orderBy('uri').execute()).map((p) => p.uri)
  expect(posts).toEqual(['at://fresh', 'at://old-both'])
})
