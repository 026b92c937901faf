import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely'
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'
import { ConfigError } from '../config/index.ts'

export interface SqliteHandle<DB> {
  db: Kysely<DB>
  /** the raw connection, for hot paths that use prepared statements directly */
  raw: SqliteDatabase.Database
}

/**
 * Opens a SQLite database with the settings every Plein store uses: WAL (readers never block the
 * writer), a busy timeout instead of SQLITE_BUSY errors, and synchronous=NORMAL (durable at each WAL
 * checkpoint; a power cut can lose the last transactions but never corrupts, and the firehose cursor
 * lives in the same transactions, so lost work is simply replayed).
 */
export function openSqlite<DB>(file: string, opts: { readonly?: boolean } = {}): SqliteHandle<DB> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const raw = new SqliteDatabase(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
  raw.pragma('busy_timeout = 5000')
  if (!opts.readonly) {
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.pragma('foreign_keys = ON')
  }
  raw.pragma('cache_size = -32000')
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) })
  return { db, raw }
}

/**
 * Kysely's SQLite driver prepares every statement on every run; preparing was ~9% of ingest CPU in
 * bench:ingest. Statements are cached by their SQL text (bounded, least recently used out first).
 * @NOTE streaming queries (stmt.iterate) get a fresh statement, since a cached one may be busy.
 */
function withStatementCache(raw: SqliteDatabase.Database, max = 256): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => raw.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql)
      if (stmt) {
        cache.delete(sql)
      } else {
        stmt = raw.prepare(sql)
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      }
      cache.set(sql, stmt)
      const cached = stmt
      return {
        reader: cached.reader,
        all: (params: ReadonlyArray<unknown>) => cached.all(params),
        run: (params: ReadonlyArray<unknown>) => cached.run(params),
        iterate: (params: ReadonlyArray<unknown>) => raw.prepare(sql).iterate(params),
      }
    },
  }
}

/** Refuses DATABASE_URL values that this build cannot use, with a message saying what to do. */
export function checkDatabaseUrl(url: string | undefined): void {
  if (url === undefined) return
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError(
      'DATABASE_URL points at PostgreSQL, which this version does not support yet (SQLite only). ' +
        'Unset DATABASE_URL to use SQLite under DATA_DIR.',
    )
  }
  throw new ConfigError(`DATABASE_URL must be a postgres:// URL or unset, got "${url.replace(/:[^:@/]*@/, ':***@')}"`)
}

class StaticMigrationProvider implements MigrationProvider {
  #migrations: Record<string, Migration>
  constructor(migrations: Record<string, Migration>) {
    this.#migrations = migrations
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.#migrations
  }
}

export async function migrateToLatestOrThrow<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(migrations) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError'
}

/**
 * Keyset cursors `primary::secondary`: a millisecond timestamp and a record URI, so rows that share a
 * timestamp are never skipped or repeated. An optional count of items served so far (for reading
 * sessions with a maximum) sits between them: `ms::served::uri`.
 */
export function encodeTimeCursor(ms: number, uri: string, served?: number): string {
  return served === undefined ? `${ms}::${uri}` : `${ms}::${served}::${uri}`
}

export function decodeTimeCursor(cursor: string): { ms: number; uri: string; served: number } {
  if (cursor.length > 2048) throw new InvalidCursorError('malformed cursor')
  const m = /^(\d{1,16})::(?:(\d{1,9})::)?(at:\/\/.*)$/s.exec(cursor)
  if (!m) throw new InvalidCursorError('malformed cursor')
  const ms = Number(m[1])
  if (!Number.isSafeInteger(ms)) throw new InvalidCursorError('malformed cursor')
  return { ms, uri: m[3] as string, served: m[2] === undefined ? 0 : Number(m[2]) }
}
