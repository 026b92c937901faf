import { sql, type Kysely } from 'kysely'
import { columnTypes } from '../../../shared/db/index.ts'

// Wellbeing policies: release moments need to know when an item was indexed; readers' "show less"
// choices; labels from the labelers that feeds trust.
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema.alterTable('feed_item').addColumn('indexed_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute()
  await sql`update feed_item set indexed_at = sort_at`.execute(db)

  await db.schema
    .createTable('reader_mute')
    .addColumn('feed', t.text, (c) => c.notNull())
    .addColumn('reader', t.text, (c) => c.notNull())
    .addColumn('author', t.text, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reader_mute_pk', ['feed', 'reader', 'author'])
    .execute()

  await db.schema
    .createTable('feed_label')
    .addColumn('src', t.text, (c) => c.notNull())
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('exp_at', 'bigint')
    .addColumn('cts', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_label_pk', ['src', 'uri', 'val'])
    .execute()
  await db.schema.createIndex('feed_label_uri_idx').on('feed_label').columns(['uri', 'src', 'val']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feed_label').execute()
  await db.schema.dropTable('reader_mute').execute()
  await db.schema.alterTable('feed_item').dropColumn('indexed_at').execute()
}
