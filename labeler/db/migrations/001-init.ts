import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('label')
    .addColumn('src', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('cts', 'text', (c) => c.notNull())
    .addColumn('exp', 'text')
    .addColumn('exp_at', 'bigint')
    .addColumn('sig', 'blob', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_pk', ['src', 'uri', 'cid', 'val'])
    .execute()
  // queryLabels: uri ranges (exact and prefix), pages in seq order
  await db.schema.createIndex('label_uri_idx').on('label').columns(['uri', 'seq']).execute()
  await db.schema.createIndex('label_seq_idx').on('label').column('seq').unique().execute()

  // @NOTE AUTOINCREMENT: SQLite then never reuses a seq, also after the newest rows were deleted
  await db.schema
    .createTable('label_event')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('src', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('cts', 'text', (c) => c.notNull())
    .addColumn('exp', 'text')
    .addColumn('sig', 'blob', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('label_reason')
    .addColumn('src', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('rules_version', 'text')
    .addColumn('automatic', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_reason_pk', ['src', 'uri', 'cid', 'val'])
    .execute()

  await db.schema
    .createTable('cursor')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['cursor', 'label_reason', 'label_event', 'label']) {
    await db.schema.dropTable(t).execute()
  }
}
