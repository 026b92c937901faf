import { sql, type Kysely } from 'kysely'
import { columnTypes, isPostgres } from '../../../shared/db/index.ts'

export async function up(db: Kysely<unknown>): Promise<void> {
  const pgsql = isPostgres(db)
  const t = columnTypes(db)
  await db.schema
    .createTable('report')
    .addColumn('id', t.id64, (c) => (pgsql ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('reason_type', t.text, (c) => c.notNull())
    .addColumn('reason', t.text)
    .addColumn('subject_type', t.text, (c) => c.notNull())
    .addColumn('subject_did', t.text, (c) => c.notNull())
    .addColumn('subject_uri', t.text)
    .addColumn('subject_cid', t.text)
    .addColumn('subject_key', t.text, (c) => c.notNull())
    .addColumn('appeal', 'integer', (c) => c.notNull())
    .addColumn('reported_by', t.text, (c) => c.notNull())
    .addColumn('mod_tool', t.text)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('resolution', t.text)
    .addColumn('resolution_comment', t.text)
    .addColumn('resolved_by', t.text)
    .addColumn('resolved_at', t.text)
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
    .addColumn('id', t.id64, (c) => (pgsql ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('moderator', t.text, (c) => c.notNull())
    .addColumn('action', t.text, (c) => c.notNull())
    .addColumn('subject', t.text, (c) => c.notNull())
    .addColumn('cid', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('report_id', t.id64)
    .addColumn('reason', t.text, (c) => c.notNull())
    .addColumn('detail', t.text, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject', 'id']).execute()
  await db.schema.createIndex('audit_log_report_idx').on('audit_log').columns(['report_id', 'id']).execute()
  // append-only: entries are never changed or removed, not even by this service
  if (pgsql) {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' then raise exception 'audit_log is append-only: entries cannot be updated';
        elsif tg_op = 'TRUNCATE' then raise exception 'audit_log is append-only: it cannot be truncated';
        end if;
        raise exception 'audit_log is append-only: entries cannot be deleted';
      end $$`.execute(db)
    await sql`create trigger audit_log_no_update before update on audit_log for each row execute function audit_log_append_only()`.execute(db)
    await sql`create trigger audit_log_no_delete before delete on audit_log for each row execute function audit_log_append_only()`.execute(db)
    await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db)
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only: entries cannot be updated'); end`.execute(db)
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only: entries cannot be deleted'); end`.execute(db)
  }

  await db.schema
    .createTable('manual_decision')
    .addColumn('uri', t.text, (c) => c.notNull())
    .addColumn('val', t.text, (c) => c.notNull())
    .addColumn('neg', 'integer', (c) => c.notNull())
    .addColumn('moderator', t.text, (c) => c.notNull())
    .addColumn('decided_at', t.text, (c) => c.notNull())
    .addColumn('audit_id', t.id64, (c) => c.notNull())
    .addPrimaryKeyConstraint('manual_decision_pk', ['uri', 'val'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    // dropping the table drops its triggers
    for (const t of ['manual_decision', 'audit_log', 'report']) await db.schema.dropTable(t).execute()
    await sql`drop function if exists audit_log_append_only()`.execute(db)
    return
  }
  await sql`drop trigger if exists audit_log_no_update`.execute(db)
  await sql`drop trigger if exists audit_log_no_delete`.execute(db)
  for (const t of ['manual_decision', 'audit_log', 'report']) await db.schema.dropTable(t).execute()
}
