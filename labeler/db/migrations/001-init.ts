import type { Kysely } from 'kysely'
import { columnTypes, isPostgres } from '../../../shared/db/index.ts'

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db)
  await db.schema
    .createTable('label')
    .addColumn('src', t.text, (c) => c.notNull())
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('cid', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('cts', t.text, (c) => c.notNull())
    .addColumn('exp', t.text)
    .addColumn('exp_at', 'bigint')
    .addColumn('sig', t.blob, (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_pk', ['src', 'uri', 'cid', 'val'])
    .execute()
  // queryLabels: uri ranges (exact and prefix), pages in seq order
  await db.schema.createIndex('label_uri_idx').on('label').columns(['uri', 'seq']).execute()
  await db.schema.createIndex('label_seq_idx').on('label').column('seq').unique().execute()

  // @NOTE AUTOINCREMENT: SQLite then never reuses a seq, also after the newest rows were deleted. On
  // PostgreSQL the label store hands out seqs itself, under a lock (see LabelStore), so none is skipped.
  await db.schema
    .createTable('label_event')
    .addColumn('seq', t.id64, (c) => (isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('src', t.text, (c) => c.notNull())
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('cid', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('cts', t.text, (c) => c.notNull())
    .addColumn('exp', t.text)
    .addColumn('sig', t.blob, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('label_reason')
    .addColumn('src', t.text, (c) => c.notNull())
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('cid', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('reasons', t.text, (c) => c.notNull())
    .addColumn('rules_version', t.text)
    .addColumn('automatic', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_reason_pk', ['src', 'uri', 'cid', 'val'])
    .execute()

  await db.schema
    .createTable('cursor')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['cursor', 'label_reason', 'label_event', 'label']) {
    await db.schema.dropTable(t).execute()
  }
}
