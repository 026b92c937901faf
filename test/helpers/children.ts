// The services as child processes, configured only through their environment, the way an operator
// runs them: `node <dist>/feedgen/bin.js`, `node <dist>/labeler/bin.js`, compiled once per test run by
// test/helpers/build-setup.ts as `npm start` compiles them (scripts/build.ts). (Other tests start the
// sources, `node feedgen/bin.ts`, as a developer does; both must work.) Every child's environment is
// built by `serviceEnv` below: the one place where the database a child uses is chosen (SQLite under DATA_DIR,
// or in the postgres test project a PostgreSQL database of its own for that DATA_DIR; an explicit
// `databaseUrl` is passed on as DATABASE_URL). Results are read through the services' HTTP
// endpoints, never by opening their database files.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { inject } from 'vitest'
import { databaseUrlForSync } from './database.ts'
import { waitFor } from './feedgen.ts'
import type { TestNetwork } from './network.ts'

export type ServiceName = 'feedgen' | 'labeler'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

export interface ServiceEnvOptions {
  /** DATA_DIR: where a SQLite child keeps its files (also holds nothing else the test reads) */
  dataDir: string
  /** the HTTP port (FEEDGEN_PORT / LABELER_PORT) */
  port: number
  /** DATABASE_URL for the child; unset = the test run's database (SQLite under dataDir, or PostgreSQL) */
  databaseUrl?: string
  /** service-specific settings (FEEDS_FILE, LABELER_DID, LABELER_SIGNING_KEY, …) */
  extra?: Record<string, string>
}

/** The environment of a service child process against the test network's PDS firehose and PLC. */
export function serviceEnv(service: ServiceName, net: TestNetwork, opts: ServiceEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: opts.dataDir,
    FIREHOSE_URL: net.firehoseUrl,
    PLC_URL: net.plcUrl,
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: process.env.PLEIN_TEST_CHILD_LOGS ? 'info' : 'warn',
  }
  if (service === 'feedgen') {
    env.FEEDGEN_PORT = String(opts.port)
    env.FEEDGEN_HOSTNAME = 'feeds.test'
  } else {
    env.LABELER_PORT = String(opts.port)
    env.LABELER_HOSTNAME = 'labels.test'
  }
  const databaseUrl = opts.databaseUrl ?? databaseUrlForSync(opts.dataDir)
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl
  return { ...env, ...opts.extra }
}

export interface ServiceChild {
  child: ChildProcess
  url: string
  /** resolves with the exit code (or the signal name) */
  exited: Promise<number | string>
  /** the last 8 kB of stderr, for failure messages */
  stderr: () => string
}

/** Starts the compiled `node <dist>/<service>/bin.js` with exactly `env` on top of this process's
 *  environment, from the project root (as `npm run start:<service>` does). */
export function spawnService(service: ServiceName, env: Record<string, string>): ServiceChild {
  const port = env[service === 'feedgen' ? 'FEEDGEN_PORT' : 'LABELER_PORT']
  const child = spawn(process.execPath, [path.join(inject('distDir'), service, 'bin.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.PLEIN_TEST_CHILD_LOGS ? 'inherit' : 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8192)
    if (process.env.PLEIN_TEST_CHILD_LOGS) process.stderr.write(d)
  })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return { child, url: `http://127.0.0.1:${port}`, exited, stderr: () => stderr }
}

export interface Health {
  firehose: { connected: boolean; lastSeq: number | null }
  latestSeq?: number
}

export async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/xrpc/_health`)
  if (!res.ok) throw new Error(`_health ${res.status}`)
  return (await res.json()) as Health
}

/** Waits until the child answers /xrpc/_health (fails early, with its stderr, when it exits). */
export async function waitHealthy(svc: ServiceChild, timeoutMs = 20_000): Promise<Health> {
  let exit: number | string | undefined
  void svc.exited.then((c) => (exit = c))
  return await waitFor(
    async () => {
      if (exit !== undefined) throw new Error(`the child exited (${exit}): ${svc.stderr()}`)
      return await health(svc.url)
    },
    `${svc.url} to answer`,
    timeoutMs,
  )
}

/** SIGKILL: no shutdown code runs, whatever the child was doing. */
export async function killHard(svc: ServiceChild): Promise<void> {
  svc.child.kill('SIGKILL')
  await svc.exited
}

/** SIGTERM and wait for the graceful stop. */
export async function stopService(svc: ServiceChild): Promise<void> {
  if (svc.child.exitCode !== null || svc.child.signalCode !== null) return
  svc.child.kill('SIGTERM')
  await svc.exited
}

export interface ScriptRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `node <script> [args]` from the project root as an operator would, with only PATH, HOME and
 * `env` set (stdin is not a terminal), and collects its output and exit code.
 */
export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, stdout, stderr }
}
