import { sql, type Kysely } from 'kysely'
import { columnTypes } from '../../../shared/db/index.ts'

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .createTable('post')
    .addColumn('uri', t.text, (c) => c.primaryKey())
    .addColumn('cid', t.text, (c) => c.notNull())
    .addColumn('author', t.text, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('indexed_at', 'bigint', (c) => c.notNull())
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addColumn('text', t.text, (c) => c.notNull())
    .addColumn('langs', t.text, (c) => c.notNull())
    .addColumn('tags', t.text, (c) => c.notNull())
    .addColumn('is_reply', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('post_author_idx').on('post').columns(['author', 'sort_at']).execute()

  await db.schema
    .createTable('feed_item')
    .addColumn('feed', t.text, (c) => c.notNull())
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('post_uri', t.text, (c) => c.notNull())
    .addColumn('author', t.text, (c) => c.notNull())
    .addColumn('reposter', t.text)
    .addColumn('sort_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_item_pk', ['feed', 'uri'])
    .execute()
  await db.schema.createIndex('feed_item_order_idx').on('feed_item').columns(['feed', 'sort_at desc', 'uri desc']).execute()
  await db.schema.createIndex('feed_item_post_idx').on('feed_item').column('post_uri').execute()
  await db.schema.createIndex('feed_item_author_idx').on('feed_item').column('author').execute()
  await db.schema.createIndex('feed_item_uri_idx').on('feed_item').column('uri').execute()
  await db.schema.createIndex('feed_item_reposter_idx').on('feed_item').column('reposter').where(sql.ref('reposter'), 'is not', null).execute()

  await db.schema
    .createTable('list_member')
    .addColumn('item_uri', t.text, (c) => c.primaryKey())
    .addColumn('list_uri', t.text, (c) => c.notNull())
    .addColumn('subject', t.text, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('list_member_list_idx').on('list_member').columns(['list_uri', 'subject']).execute()

  await db.schema
    .createTable('account_status')
    .addColumn('did', t.text, (c) => c.primaryKey())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('backfill')
    .addColumn('did', t.text, (c) => c.primaryKey())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('cursor')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['cursor', 'backfill', 'account_status', 'list_member', 'feed_item', 'post']) {
    await db.schema.dropTable(t).execute()
  }
}
