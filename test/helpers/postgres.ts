// A private PostgreSQL server for tests: Debian's `postgresql` binaries, a fresh cluster in a temp
// directory, on a free loopback port, trust auth, fsync off (test data is thrown away). Nothing is read
// from or written to the machine's own cluster. Set PLEIN_TEST_PG_URL to use a server you run yourself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from './network.ts'

export interface PostgresServer {
  /** base URL of the server's `postgres` database, e.g. postgres://postgres@127.0.0.1:5433/postgres */
  url: string
  stop(): Promise<void>
}

/** The directory with initdb/postgres: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
export function findPostgresBin(): string {
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  if (cfg.status === 0 && existsSync(path.join(cfg.stdout.trim(), 'initdb'))) return cfg.stdout.trim()
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const bin = path.join(root, v, 'bin')
    if (existsSync(path.join(bin, 'initdb'))) return bin
  }
  throw new Error(
    'PostgreSQL server binaries not found (initdb, postgres). Install Debian\'s package: ' +
      '`apt-get install postgresql` (.ci/run does), or set PLEIN_TEST_PG_URL=postgres://user@host:port/db to a server you run.',
  )
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** PostgreSQL refuses to run as root: as root, run its binaries as the `postgres` system user. */
function asPgUser(cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
}

export async function startPostgres(): Promise<PostgresServer> {
  const given = process.env.PLEIN_TEST_PG_URL
  if (given) return { url: given, stop: async () => {} }

  const bin = findPostgresBin()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plein-pg-'))
  const dataDir = path.join(dir, 'data')
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root, but there is no `postgres` system user to run PostgreSQL as')
    chmodSync(dir, 0o755)
    chownSync(dir, uid, gid)
  }
  const [initCmd, initArgs] = asPgUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`)

  const port = await freePort()
  const [cmd, args] = asPgUser(path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=300', '-c', 'shared_buffers=128MB',
  ])
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start (${child.exitCode}): ${stderr}`)
    try {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.end()
      break
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`postgres did not accept connections within 30 s: ${String(err)} ${stderr}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        // @NOTE signal the postmaster itself: as root the child is `runuser`, which ignores SIGINT (it was
        // killed after 10 s and left postgres running without a parent)
        let pid = NaN
        try {
          pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
        } catch {
          // no pid file: signal the child
        }
        const signal = (sig: NodeJS.Signals) => {
          try {
            if (Number.isInteger(pid) && pid > 0) process.kill(pid, sig)
            else child.kill(sig)
          } catch {
            // already gone
          }
        }
        signal('SIGINT') // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
        if (child.exitCode === null) {
          signal('SIGKILL')
          child.kill('SIGKILL')
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Creates a fresh, uniquely named database on the server and returns its URL. */
export async function createTestDatabase(serverUrl: string, prefix = 'plein'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.replace(/[^a-z0-9_]/g, '_')
  const c = new pg.Client({ connectionString: serverUrl })
  await c.connect()
  try {
    await c.query(`create database "${name}"`)
  } finally {
    await c.end()
  }
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  return u.toString()
}
