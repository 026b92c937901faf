// Which database the integration tests run the services on. `npm test` runs them twice (vitest projects,
// see vitest.config.ts): the `sqlite` project as always, and the `postgres` project with
// PLEIN_TEST_DATABASE=postgres and one private PostgreSQL server (test/helpers/postgres-setup.ts).
// On PostgreSQL every service instance gets a database of its own, named after its DATA_DIR, so a
// restart with the same DATA_DIR finds its data again, exactly like a SQLite file.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'

export type TestDatabaseKind = 'sqlite' | 'postgres'

declare module 'vitest' {
  export interface ProvidedContext {
    /** base URL of the test PostgreSQL server (the `postgres` database), set by postgres-setup.ts */
    pgServerUrl: string
  }
}

export const testDatabase: TestDatabaseKind = process.env.PLEIN_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite'

/** The test PostgreSQL server's base URL (postgres project only). */
export function pgServerUrl(): string {
  const url = process.env.PLEIN_TEST_PG_URL ?? inject('pgServerUrl')
  if (!url) throw new Error('no test PostgreSQL server: run the postgres project (vitest --project postgres), or set PLEIN_TEST_PG_URL')
  return url
}

/** The database name for a service instance's DATA_DIR (the same DATA_DIR gets the same database). */
function databaseName(dataDir: string): string {
  return `plein_${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 24)}`
}

function databaseUrl(name: string): string {
  const u = new URL(pgServerUrl())
  u.pathname = `/${name}`
  return u.toString()
}

const created = new Set<string>()

async function createDatabase(name: string): Promise<void> {
  if (created.has(name)) return
  const c = new pg.Client({ connectionString: pgServerUrl() })
  await c.connect()
  try {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name])
    if (rowCount === 0) await c.query(`create database "${name}"`)
  } catch (err) {
    // created meanwhile by another process
    if ((err as { code?: unknown }).code !== '42P04') throw err
  } finally {
    await c.end()
  }
  created.add(name)
}

/**
 * DATABASE_URL for a service instance that keeps its data under `dataDir`: undefined on SQLite (the
 * service uses a file in DATA_DIR), a database of its own on PostgreSQL (created on first use).
 */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  if (testDatabase !== 'postgres') return undefined
  const name = databaseName(dataDir)
  await createDatabase(name)
  return databaseUrl(name)
}

/** The same, for code that builds a child's environment synchronously (a short child process creates the database). */
export function databaseUrlForSync(dataDir: string): string | undefined {
  if (testDatabase !== 'postgres') return undefined
  const name = databaseName(dataDir)
  if (!created.has(name)) {
    const script = `
      import pg from 'pg'
      const c = new pg.Client({ connectionString: process.argv[1] })
      await c.connect()
      try {
        const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [process.argv[2]])
        if (rowCount === 0) await c.query('create database "' + process.argv[2] + '"').catch((err) => { if (err.code !== '42P04') throw err })
      } finally {
        await c.end()
      }`
    execFileSync(process.execPath, ['--input-type=module', '-e', script, pgServerUrl(), name], { cwd: path.resolve(import.meta.dirname, '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] })
    created.add(name)
  }
  return databaseUrl(name)
}

/** Runs `fn` with a plain pg client on a service's database, its schema ("feedgen", "labeler") first on the search path. */
export async function withPgClient<T>(url: string, schema: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`set search_path to "${schema}"`)
    return await fn(c)
  } finally {
    await c.end()
  }
}
