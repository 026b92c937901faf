import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('reason_type', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_did', 'text', (c) => c.notNull())
    .addColumn('subject_uri', 'text')
    .addColumn('subject_cid', 'text')
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('appeal', 'integer', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('mod_tool', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolution_comment', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .execute()
  // the review queue (status, oldest first) and the per-reporter rate limit
  await db.schema.createIndex('report_status_idx').on('report').columns(['status', 'id']).execute()
  await db.schema.createIndex('report_reporter_idx').on('report').columns(['reported_by', 'created_ms']).execute()
  await db.schema.createIndex('report_subject_idx').on('report').columns(['subject_key', 'id']).execute()
  // @NOTE the intake checks these first and answers clearly; the indexes make the rules hold regardless
  await sql`create unique index report_open_duplicate_idx on report (reported_by, subject_key, reason_type) where status = 'open'`.execute(db)
  await sql`create unique index report_open_appeal_idx on report (subject_key) where appeal = 1 and status = 'open'`.execute(db)

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('moderator', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('report_id', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject', 'id']).execute()
  await db.schema.createIndex('audit_log_report_idx').on('audit_log').columns(['report_id', 'id']).execute()
  // append-only: entries are never changed or removed, not even by this service
  await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only: entries cannot be updated'); end`.execute(db)
  await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only: entries cannot be deleted'); end`.execute(db)

  await db.schema
    .createTable('manual_decision')
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('moderator', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .addColumn('audit_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('manual_decision_pk', ['uri', 'val'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists audit_log_no_update`.execute(db)
  await sql`drop trigger if exists audit_log_no_delete`.execute(db)
  for (const t of ['manual_decision', 'audit_log', 'report']) await db.schema.dropTable(t).execute()
}
