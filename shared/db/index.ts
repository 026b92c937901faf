import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Expression,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely'
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'
import pg from 'pg'
import { ConfigError } from '../config/index.ts'
import { subsystemLogger } from '../logger.ts'
import { setBounded } from '../bounded-map.ts'
import { WalCheckpointer, type CheckpointerOptions } from './checkpointer.ts'

export { WalCheckpointer, type CheckpointerOptions, type CheckpointStats } from './checkpointer.ts'

export interface SqliteHandle<DB> {
  db: Kysely<DB>
  /** the raw connection, for hot paths that use prepared statements directly */
  raw: SqliteDatabase.Database
  /** with `walCheckpoint: 'background'`: checkpoints run on a worker thread (close it before the connection) */
  checkpointer?: WalCheckpointer
}

/** SQLite's page cache per connection, KiB, unless a service asks for another size (OpenOptions.cacheKiB) */
export const DEFAULT_CACHE_KIB = 32_000

/**
 * Opens a SQLite database with the settings every Plein store uses: WAL (readers never block the
 * writer), a busy timeout instead of SQLITE_BUSY errors, and synchronous=NORMAL (durable at each WAL
 * checkpoint; a power cut can lose the last transactions but never corrupts, and the firehose cursor
 * lives in the same transactions, so lost work is simply replayed).
 */
export function openSqlite<DB>(
  file: string,
  opts: { readonly?: boolean; walCheckpoint?: WalCheckpointMode; checkpointer?: CheckpointerOptions; cacheKiB?: number } = {},
): SqliteHandle<DB> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const raw = new SqliteDatabase(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
  raw.pragma('busy_timeout = 5000')
  if (!opts.readonly) {
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.pragma('foreign_keys = ON')
  }
  raw.pragma(`cache_size = -${opts.cacheKiB ?? DEFAULT_CACHE_KIB}`)
  const checkpointer = !opts.readonly && opts.walCheckpoint === 'background' && file !== ':memory:' ? new WalCheckpointer(raw, path.resolve(file), opts.checkpointer) : undefined
  const database = withStatementCache(raw)
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({
      // the worker makes a last checkpoint and closes its own connection (the last one to close removes the WAL)
      database: checkpointer ? { ...database, close: () => (void checkpointer.close(), raw.close()) } : database,
    }),
  })
  return { db, raw, checkpointer }
}

/**
 * Who copies the WAL into the database: `auto`, SQLite itself, inside the commit that crosses 1,000
 * pages (on the committing thread); `background`, a worker thread (`WalCheckpointer`).
 */
export type WalCheckpointMode = 'auto' | 'background'

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
      const cached = cache.get(sql) ?? raw.prepare(sql)
      setBounded(cache, sql, cached, max)
      return {
        reader: cached.reader,
        all: (params: ReadonlyArray<unknown>) => cached.all(params),
        run: (params: ReadonlyArray<unknown>) => cached.run(params),
        iterate: (params: ReadonlyArray<unknown>) => raw.prepare(sql).iterate(params),
      }
    },
  }
}

/** Where a service keeps its tables: a SQLite file, or a schema in a PostgreSQL database. */
export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'postgres'
      /** the DATABASE_URL as given (it may hold a password: never log it, use `maskDatabaseUrl`) */
      url: string
      /** connections per pool (DATABASE_POOL_SIZE) */
      poolSize: number
      /** the service's own schema ("feedgen", "labeler"): both services can share one database */
      schema: string
    }

export const DEFAULT_POOL_SIZE = 10

/** The URL with its password replaced by `***`, for messages and logs. */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    // not a URL: mask everything between the user name and the last '@'
    const start = url.indexOf('://')
    const at = url.lastIndexOf('@')
    if (start < 0 || at < start) return url
    const cred = url.slice(start + 3, at)
    const colon = cred.indexOf(':')
    return url.slice(0, start + 3) + (colon < 0 ? cred : `${cred.slice(0, colon)}:***`) + url.slice(at)
  }
}

/**
 * DATABASE_URL (and DATABASE_POOL_SIZE) → where the service keeps its data. Unset: SQLite in
 * `sqliteFile`. `postgres://` or `postgresql://`: PostgreSQL, the service's tables in `schema`.
 */
export function databaseCfg(env: { databaseUrl?: string; poolSize?: number }, opts: { sqliteFile: string; schema: string }): DatabaseConfig {
  const url = env.databaseUrl
  if (url === undefined) return { kind: 'sqlite', file: opts.sqliteFile }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL or unset (SQLite under DATA_DIR), got "${maskDatabaseUrl(url)}"`)
  }
  try {
    new URL(url)
  } catch {
    throw new ConfigError(`DATABASE_URL is not a valid URL: "${maskDatabaseUrl(url)}" (expected postgres://user:password@host:5432/database)`)
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`bad schema name "${opts.schema}"`)
  return { kind: 'postgres', url, poolSize: env.poolSize ?? DEFAULT_POOL_SIZE, schema: opts.schema }
}

export interface DatabaseHandle<DB> {
  kind: DatabaseConfig['kind']
  db: Kysely<DB>
  /** SQLite with `walCheckpoint: 'background'`: write transactions that can wait go through `checkpointer.write` */
  checkpointer?: WalCheckpointer
  close(): Promise<void>
}

export interface OpenOptions {
  /**
   * Reads only. SQLite: a read-only connection to an existing file (WAL: never blocked by the
   * writer). PostgreSQL: every transaction is read-only.
   */
  readonly?: boolean
  /** PostgreSQL: connections in this pool; @default the config's poolSize */
  poolSize?: number
  /** PostgreSQL: application_name, shown in pg_stat_activity */
  name?: string
  /** SQLite writer: who checkpoints the WAL (see `WalCheckpointMode`); @default 'auto' */
  walCheckpoint?: WalCheckpointMode
  checkpointer?: CheckpointerOptions
  /** SQLite: this connection's page cache, KiB; @default DEFAULT_CACHE_KIB */
  cacheKiB?: number
}

/** Opens the service's database; a PostgreSQL server that cannot be reached is a ConfigError naming DATABASE_URL. */
export async function openDatabase<DB>(cfg: DatabaseConfig, opts: OpenOptions = {}): Promise<DatabaseHandle<DB>> {
  if (cfg.kind === 'sqlite') {
    const { db, checkpointer } = openSqlite<DB>(cfg.file, { readonly: opts.readonly, walCheckpoint: opts.walCheckpoint, checkpointer: opts.checkpointer, cacheKiB: opts.cacheKiB })
    return {
      kind: 'sqlite',
      db,
      checkpointer,
      close: async () => {
        await checkpointer?.close()
        await db.destroy()
      },
    }
  }
  return await openPostgres<DB>(cfg, opts)
}

const INT8_OID = 20
// @NOTE bigint columns hold epoch milliseconds and sequence numbers (safe integers); pg returns int8 as
// a string by default. Set per pool, not globally, so other pg users in the process are unaffected.
const typeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser

async function openPostgres<DB>(cfg: Extract<DatabaseConfig, { kind: 'postgres' }>, opts: OpenOptions): Promise<DatabaseHandle<DB>> {
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: opts.poolSize ?? cfg.poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.name ?? `plein-${cfg.schema}`,
    types: { getTypeParser: typeParser },
  })
  const logger = subsystemLogger('shared:db')
  // an idle connection that breaks (server restart) must not crash the process; the pool replaces it
  pool.on('error', (err) => logger.warn({ err: err.message }, 'a PostgreSQL connection failed'))
  try {
    await ensureSchema(pool, cfg)
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw err
  }
  const setup = [`set search_path to "${cfg.schema}"`]
  if (opts.readonly) setup.push('set default_transaction_read_only = on')
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: kyselyPool(pool),
      onCreateConnection: async (conn) => {
        for (const q of setup) await conn.executeQuery(CompiledQuery.raw(q))
      },
    }),
  })
  return {
    kind: 'postgres',
    db,
    close: async () => {
      await db.destroy()
      // @NOTE Kysely ends the pool only if it ever used it; the connection check above left an idle client
      if (!pool.ended) await pool.end()
    },
  }
}

/** Connects once (so a wrong URL or an unreachable server stops the start) and creates the service's schema. */
async function ensureSchema(pool: pg.Pool, cfg: Extract<DatabaseConfig, { kind: 'postgres' }>): Promise<void> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw new ConfigError(`DATABASE_URL: cannot connect to PostgreSQL at ${maskDatabaseUrl(cfg.url)}: ${errorText(err)}`, { cause: err })
  }
  try {
    const { rowCount } = await client.query('select 1 from pg_namespace where nspname = $1', [cfg.schema])
    if (rowCount === 0) await client.query(`create schema if not exists "${cfg.schema}"`)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    // two processes starting at once: the other one created it
    if (code === '23505' || code === '42P06') return
    throw new ConfigError(
      `DATABASE_URL: could not create the schema "${cfg.schema}" in ${maskDatabaseUrl(cfg.url)}: ${errorText(err)} ` +
        `(create it beforehand: create schema ${cfg.schema} authorization <user>; or grant the user CREATE on the database)`,
      { cause: err },
    )
  } finally {
    client.release()
  }
}

function errorText(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: unknown }
  // connection refused on every address of a host name: AggregateError with an empty message
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorText(e.errors[0])
  const msg = typeof e.message === 'string' && e.message !== '' ? e.message : String(e.code ?? err)
  return msg
}

/**
 * The pg pool as Kysely sees it. PostgreSQL text cannot hold NUL characters (SQLite's can): they are
 * dropped from string parameters here, so a post or a report with one is stored without it instead
 * of failing its transaction.
 */
function kyselyPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    options: pool.options,
    connect: async () => {
      const client = await pool.connect()
      let wrapped = clients.get(client)
      if (!wrapped) {
        wrapped = {
          get processID() {
            return (client as unknown as { processID?: number }).processID
          },
          query: ((q: string | object, params?: ReadonlyArray<unknown>) =>
            typeof q === 'string' ? client.query(q, params?.map(withoutNul) as unknown[]) : client.query(q as pg.Submittable)) as unknown as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy),
        }
        clients.set(client, wrapped)
      }
      return wrapped
    },
    end: () => pool.end(),
  }
}

function withoutNul(v: unknown): unknown {
  return typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '') : v
}

/** The database a Kysely instance (or transaction) talks to is PostgreSQL. For migrations and the few dialect differences. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/**
 * Column types for migrations that differ per dialect. `text` compares byte by byte on both (SQLite's
 * BINARY; on PostgreSQL the "C" collation whatever the database's locale), so keyset cursors and
 * prefix ranges order the same everywhere. `id64` is a 64-bit integer key (SQLite's INTEGER is).
 */
export function columnTypes(db: Kysely<any>): { text: 'text' | Expression<unknown>; blob: 'blob' | 'bytea'; id64: 'integer' | 'bigint' } {
  const pgsql = isPostgres(db)
  return {
    text: pgsql ? sql`text collate "C"` : 'text',
    blob: pgsql ? 'bytea' : 'blob',
    id64: pgsql ? 'bigint' : 'integer',
  }
}

/**
 * A database error worth retrying the whole transaction for (the database was busy, the connection
 * or server failed, a deadlock or serialization failure), as opposed to one caused by the data.
 */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  if (typeof code !== 'string') return false
  if (code.startsWith('SQLITE_')) return code.startsWith('SQLITE_BUSY') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')
  if (err instanceof pg.DatabaseError) return /^(08|40|53|55|57|58|XX)/.test(code)
  return /^E[A-Z]+$/.test(code) // ECONNRESET, ECONNREFUSED, EPIPE, …
}

/** A PostgreSQL error raised by the statement's data (SQLSTATE 22: data exception, 54: a value too large to index). */
export function isDatabaseInputError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return err instanceof pg.DatabaseError && typeof code === 'string' && /^(22|54)/.test(code)
}

/** A PostgreSQL error about the statement (not the connection): it aborts the transaction it happened in. */
export function isPostgresStatementError(err: unknown): boolean {
  return err instanceof pg.DatabaseError && !isTransientDbError(err)
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
