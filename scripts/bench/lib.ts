import { fork, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from '../build.ts'

// Helpers shared by the benchmarks: formatting, percentiles, child processes (each benchmark part that
// must not share a core's event loop with the measured service runs in its own process), and RSS
// sampling of another process from /proc.

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(BENCH_DIR, '../..')

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n)

export function posInt(name: string, v: string | undefined): number {
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number of at least 1, got "${v}"`)
    process.exit(2)
  }
  return n
}

export function nonNegNumber(name: string, v: string | undefined): number {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number of at least 0, got "${v}"`)
    process.exit(2)
  }
  return n
}

/** The p-th percentile (0–100) of `sorted` (ascending), nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number
}

/** Deterministic randomness (mulberry32), so generated data is the same for a given seed. */
export { mulberry32 as rng } from '../../shared/prng.ts'

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Resolves when `done()` is true; rejects when `progress()` has not moved for `stallMs`. */
export async function waitUntil(done: () => boolean | Promise<boolean>, progress: () => number | Promise<number>, what: string, stallMs = 30_000, pollMs = 5): Promise<void> {
  let last = await progress()
  let lastMove = Date.now()
  while (!(await done())) {
    await sleep(pollMs)
    const p = await progress()
    if (p !== last) {
      last = p
      lastMove = Date.now()
    } else if (Date.now() - lastMove > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs / 1000}s (at ${p})`)
    }
  }
}

// ------------------------------------------------------------------------------------------------
// memory of a process, read from /proc (Linux): what the kernel counts, not what V8 reports

export interface ProcMemory {
  /** resident set size, bytes */
  rss: number
  /** peak resident set size so far, bytes */
  hwm: number
}

export function procMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return undefined
  }
}

/** CPU time (user + system) a process has used, in µs, from /proc/<pid>/stat. */
export function procCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name may contain spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks / CLOCK_TICKS) * 1e6
  } catch {
    return undefined
  }
}
const CLOCK_TICKS = 100

// ------------------------------------------------------------------------------------------------
// child processes

/** Node flags for children: run .ts directly (Node 24 strips types), quiet about it. */
const NODE_ARGS = ['--no-warnings=ExperimentalWarning']

export interface Child<In, Out> {
  proc: ChildProcess
  /** the first message of type `type` (waits for it) */
  next<T extends Out>(type: string, timeoutMs?: number): Promise<T>
  send(msg: In): void
  /** asks the child to stop (`{ type: 'close' }`), then kills it if it does not exit in time */
  stop(timeoutMs?: number): Promise<void>
  /** stderr collected so far (for error messages) */
  stderr(): string
}

let builtDir: string | undefined

/**
 * The benchmarks' own build of the project (scripts/build.ts, what `npm start` runs), in .tmp/bench-dist
 * (not dist/, which a running `npm start` may be using); built once per benchmark process.
 */
export function benchBuild(): string {
  if (!builtDir) {
    const out = path.resolve(BENCH_DIR, '../../.tmp/bench-dist')
    builtDir = build(out).out
  }
  return builtDir
}

/**
 * Starts `script` (a .ts file in scripts/bench/) as a child process with an IPC channel. Children
 * answer with messages `{ type, ... }`; a child that exits before the awaited message rejects it with
 * its stderr. With `built`, the child runs the compiled script from benchBuild() (a service measured
 * as `npm start` runs it: from JavaScript, without Node's TypeScript stripper in the process).
 */
export function startChild<In extends object, Out extends { type: string }>(
  script: string,
  args: string[] = [],
  opts: { env?: NodeJS.ProcessEnv; execArgv?: string[]; inheritStdout?: boolean; built?: boolean } = {},
): Child<In, Out> {
  const file = opts.built ? path.join(benchBuild(), 'scripts/bench', script.replace(/\.ts$/, '.js')) : path.join(BENCH_DIR, script)
  const proc = fork(file, args, {
    execArgv: [...NODE_ARGS, ...(opts.execArgv ?? [])],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...opts.env },
    stdio: ['ignore', opts.inheritStdout ? 'inherit' : 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  let err = ''
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 20_000) err = err.slice(-20_000)
  })
  proc.stdout?.on('data', () => {})
  const inbox: Out[] = []
  const waiters: { type: string; resolve: (m: Out) => void }[] = []
  proc.on('message', (m: Out) => {
    const i = waiters.findIndex((w) => w.type === m.type)
    if (i >= 0) {
      const [w] = waiters.splice(i, 1)
      w?.resolve(m)
    } else inbox.push(m)
  })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  return {
    proc,
    next<T extends Out>(type: string, timeoutMs = 600_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type)
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T)
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no "${type}" message within ${timeoutMs / 1000}s`)), timeoutMs)
        waiters.push({ type, resolve: (m) => (clearTimeout(timer), resolve(m as T)) })
        void exited.then((code) => {
          clearTimeout(timer)
          reject(new Error(`${script} exited (code ${code}) before sending "${type}"${err ? `:\n${err.trim()}` : ''}`))
        })
      })
    },
    send(msg: In) {
      if (proc.connected) proc.send(msg)
    },
    async stop(timeoutMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      if (proc.connected) proc.send({ type: 'close' })
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
    stderr: () => err,
  }
}

/** In a child started with startChild: send a message to the parent. */
export function toParent(msg: { type: string } & Record<string, unknown>): void {
  process.send?.(msg)
}

export interface BenchRun {
  code: number | null
  stdout: string
  stderr: string
  /** the last stdout line that parses as a JSON object */
  json: Record<string, unknown> | undefined
  seconds: number
}

/**
 * Runs a benchmark script (`node scripts/bench/<script> ...args`) to the end, echoing its output
 * line by line (indented) when `echo` is set, and parses its last JSON line.
 */
export async function runBench(
  script: string,
  args: string[],
  opts: { echo?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeFlags?: readonly string[] } = {},
): Promise<BenchRun> {
  const t0 = performance.now()
  const proc = spawn(process.execPath, [...NODE_ARGS, ...(opts.nodeFlags ?? []), path.join(BENCH_DIR, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let partial = ''
  proc.stdout.on('data', (d: Buffer) => {
    const s = d.toString()
    stdout += s
    if (opts.echo) {
      partial += s
      const lines = partial.split('\n')
      partial = lines.pop() ?? ''
      for (const l of lines) console.log(`    ${l}`)
    }
  })
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const timer = opts.timeoutMs ? setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs) : undefined
  const code = await new Promise<number | null>((resolve) => proc.once('close', (c) => resolve(c)))
  clearTimeout(timer)
  if (opts.echo && partial) console.log(`    ${partial}`)
  return { code, stdout, stderr, json: lastJsonLine(stdout), seconds: (performance.now() - t0) / 1000 }
}

export function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trim().split('\n').reverse()
  for (const line of lines) {
    const t = line.trim()
    if (!t.startsWith('{')) continue
    try {
      const v: unknown = JSON.parse(t)
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined
}

/** Rounds to `digits` decimals for the JSON lines (numbers, never strings). */
export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : -1)
