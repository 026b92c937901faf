// `npm run build`: compiles the services and scripts to plain JavaScript in dist/ (tsconfig.build.json)
// and copies the labeler's rule and model files next to the code that reads them. `npm start` and
// `npm run start:feedgen` / `start:labeler` build first (their `pre` scripts) and run from dist/.
//
// Why: Node runs .ts files by stripping their types with a WebAssembly build of swc (amaro), which
// each process and each worker thread loads on its first .ts file and keeps: ~18 MB in a process and
// ~10 MB more per worker thread. A service run from dist/ never loads it: the labeler's RSS over 1M
// replayed firehose events measured ~30 MB lower (docs/benchmarks.md, "Memory").
//
// A build whose inputs (the sources, the rule and model files, the tsconfig files, package-lock.json)
// are unchanged since the last one is skipped (dist/.build-stamp holds their hash), so starting several
// processes at once does not rebuild several times. A build is written next to the output directory
// and swapped in, so a process that starts meanwhile finds the old build or the new one.
//
//   node scripts/build.ts [--out DIR] [--force]
//     --out DIR   default dist/. The output must be inside the project, where Node finds node_modules
//                 (the tests build into .tmp/).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../shared/modules.ts'

// (also right when this file runs compiled, from dist/scripts/)
const PROJECT = projectRoot(import.meta.dirname)
// tsconfig.build.json (plain JSON, so that this file can read it): `npm run typecheck` checks the
// types; the build only emits (`noCheck`)
const CONFIG = path.join(PROJECT, 'tsconfig.build.json')

/** The folders compiled, relative to the project root: the build config's `include`, and the test
 *  helpers that scripts import (`npm run demo` starts the test network). */
const SOURCES = [...(JSON.parse(readFileSync(CONFIG, 'utf8')) as { include: string[] }).include, 'test/helpers']
/** Files the compiled code reads at run time, relative to the project root (copied as they are). */
export const ASSETS = ['labeler/classify/rules', 'labeler/classify/model']
const STAMP = '.build-stamp'

/** Whether the build in `out` was made from inputs with this hash. */
const isCurrent = (out: string, hash: string) => {
  const stamp = path.join(out, STAMP)
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === hash
}

/** A hash of everything a build depends on. */
function inputsHash(): string {
  const h = createHash('sha256')
  const add = (file: string) => {
    h.update(path.relative(PROJECT, file)).update('\0')
    h.update(readFileSync(file)).update('\0')
  }
  for (const f of ['tsconfig.json', CONFIG, 'package-lock.json']) if (existsSync(path.resolve(PROJECT, f))) add(path.resolve(PROJECT, f))
  for (const dir of [...SOURCES, ...ASSETS]) {
    const root = path.join(PROJECT, dir)
    if (!existsSync(root)) continue
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .filter((f) => !f.includes(`${path.sep}fixtures${path.sep}`))
      .sort()
    for (const f of files) add(f)
  }
  h.update(process.version)
  return h.digest('hex')
}

export interface BuildResult {
  out: string
  /** false when the output was already up to date */
  built: boolean
}

/** Compiles into `outDir` (absolute, or relative to the project root) unless it is up to date; throws
 *  with tsc's output on failure (the previous build, if any, stays). */
export function build(outDir = 'dist', opts: { force?: boolean } = {}): BuildResult {
  const out = path.resolve(PROJECT, outDir)
  const hash = inputsHash()
  if (!opts.force && isCurrent(out, hash)) return { out, built: false }
  let tsc: string
  try {
    tsc = path.join(path.dirname(createRequire(path.join(PROJECT, 'package.json')).resolve('typescript/package.json')), 'bin/tsc')
  } catch {
    throw new Error('build: the TypeScript compiler is not installed; run `npm install` (it is a dev dependency) and try again')
  }
  const next = `${out}.next-${process.pid}`
  const old = `${out}.old-${process.pid}`
  rmSync(next, { recursive: true, force: true })
  try {
    const res = spawnSync(process.execPath, [tsc, '-p', CONFIG, '--outDir', next], { cwd: PROJECT, encoding: 'utf8' })
    if (res.status !== 0) throw new Error(`build: tsc failed (exit ${res.status ?? res.signal}):\n${res.stdout}${res.stderr}`)
    for (const asset of ASSETS) cpSync(path.join(PROJECT, asset), path.join(next, asset), { recursive: true })
    if (!existsSync(path.join(next, 'labeler/bin.js'))) throw new Error(`build: ${next}/labeler/bin.js was not written`)
    writeFileSync(path.join(next, STAMP), hash)
    try {
      if (existsSync(out)) renameSync(out, old)
      renameSync(next, out)
    } catch (e) {
      // another process building the same inputs at the same moment swapped its build in first
      if (!isCurrent(out, hash)) throw e
    }
  } finally {
    rmSync(next, { recursive: true, force: true })
    rmSync(old, { recursive: true, force: true })
  }
  return { out, built: true }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const i = args.indexOf('--out')
  const outDir = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith('--out='))?.slice(6)
  try {
    const { out, built } = build(outDir ?? 'dist', { force: args.includes('--force') })
    process.stderr.write(`build: ${path.relative(process.cwd(), out) || '.'} ${built ? 'written' : 'is up to date'}\n`)
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`)
    process.exitCode = 1
  }
}
