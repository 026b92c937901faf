// `npm start` runs the compiled services (scripts/build.ts → dist/, then dist/scripts/start.js). This
// checks what the build holds and starts both services from it the way `npm start` does, with the
// network unreachable (no PDS needed: the services must start, answer and retry). The tests that run
// the services against a real PDS as child processes (test/helpers/children.ts, e.g. the SIGKILL
// faults) run the same build; others start the sources.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, expect, inject, test } from 'vitest'
import { ASSETS, build } from '../scripts/build.ts'
import { waitFor } from './helpers/feedgen.ts'
import { freePort } from './helpers/network.ts'

const dist = inject('distDir')
const ROOT = path.resolve(import.meta.dirname, '..')
let tmp: string | undefined
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
}

test('the build holds the services, their workers and the labeler rule and model files, and no tests', () => {
  for (const f of ['scripts/start.js', 'feedgen/bin.js', 'labeler/bin.js', 'labeler/labels/classify-worker.js', 'shared/db/checkpoint-worker.js']) {
    expect(existsSync(path.join(dist, f)), f).toBe(true)
  }
  const files = filesUnder(dist)
  expect(files.filter((f) => f.endsWith('.ts'))).toEqual([])
  expect(files.filter((f) => f.includes('.test.'))).toEqual([])
  // every rule file and the model are copied as they are
  for (const asset of ASSETS) {
    expect(filesUnder(path.join(dist, asset)).sort()).toEqual(filesUnder(path.join(ROOT, asset)).sort())
  }
})

test('a build whose inputs have not changed is skipped; --force rebuilds', async () => {
  const out = await mkdtemp(path.join(ROOT, '.tmp', 'build-again-'))
  try {
    await rm(out, { recursive: true })
    expect(build(out)).toEqual({ out, built: true })
    expect(build(out)).toEqual({ out, built: false })
    expect(build(out, { force: true })).toEqual({ out, built: true })
    expect(existsSync(path.join(out, 'labeler/bin.js'))).toBe(true)
    // nothing is left beside the output
    expect(readdirSync(path.dirname(out)).filter((f) => f.startsWith(`${path.basename(out)}.`))).toEqual([])
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})

test('the compiled start script runs both services from the build and stops them on SIGTERM', async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'plein-build-'))
  const feedsFile = path.join(tmp, 'feeds.yaml')
  await writeFile(feedsFile, 'publisher: did:plc:ewvi7nxzyoun6zhxrhs64oiz\nfeeds:\n  - id: buurt\n    name: Buurt\n    description: posts met #buurt\n    include:\n      hashtags: [buurt]\n')
  const keypair = await Secp256k1Keypair.create({ exportable: true })
  const [feedPort, labelPort] = [await freePort(), await freePort()]
  const child = spawn(process.execPath, [path.join(dist, 'scripts/start.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmp,
      DATA_DIR: path.join(tmp, 'data'),
      FEEDS_FILE: feedsFile,
      // unreachable on purpose: the services start, serve and keep retrying
      FIREHOSE_URL: 'ws://127.0.0.1:1',
      PLC_URL: 'http://127.0.0.1:1',
      ALLOW_PRIVATE_NETWORK: 'true',
      FEEDGEN_PORT: String(feedPort),
      FEEDGEN_HOSTNAME: 'feeds.test',
      LABELER_PORT: String(labelPort),
      LABELER_HOSTNAME: 'labels.test',
      LABELER_DID: 'did:plc:buildtestlabeler0000000a',
      LABELER_SIGNING_KEY: Buffer.from(await keypair.export()).toString('hex'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)))
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  try {
    for (const port of [feedPort, labelPort]) {
      const body = await waitFor(
        async () => {
          if (child.exitCode !== null) expect.fail(`start.js exited (${child.exitCode}): ${stderr}`)
          const res = await fetch(`http://127.0.0.1:${port}/xrpc/_health`)
          if (!res.ok) throw new Error(`_health ${res.status}`)
          return (await res.json()) as { firehose: { connected: boolean } }
        },
        `port ${port} to answer`,
        30_000,
      )
      expect(body.firehose.connected).toBe(false)
    }
    const res = await fetch(`http://127.0.0.1:${feedPort}/xrpc/app.bsky.feed.describeFeedGenerator`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { feeds: { uri: string }[] }).feeds.map((f) => f.uri.split('/').pop())).toEqual(['buurt'])
  } finally {
    child.kill('SIGTERM')
  }
  expect(await exited).toBe(0)
  expect(stderr).not.toMatch(/Error|ERR_/)
})
