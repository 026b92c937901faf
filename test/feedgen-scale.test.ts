// The scale path: one `--role ingest` process writes a PostgreSQL database from the firehose while
// several `--role api` processes serve the feeds from it (real PDS posts, real service-auth JWTs).
// Bad database settings stop the start with a message that names DATABASE_URL (password masked), and
// the roles refuse SQLite. Each service runs as a child process (`node feedgen/bin.ts`), as an operator runs it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { envToCfg, readArgs, readEnv, type FeedgenEnv } from '../feedgen/config.ts'
import { parseFeedsFile } from '../feedgen/feeds/definitions.ts'
import { envToCfg as labelerCfg, readEnv as readLabelerEnv } from '../labeler/config.ts'
import { databaseUrlFor, testDatabase } from './helpers/database.ts'
import { getSkeleton, waitFor, walkFeed } from './helpers/feedgen.ts'
import { freePort, pdsSeq, TestNetwork, type TestAccount } from './helpers/network.ts'
import { addToList, createList, post } from './helpers/records.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const tmpDirs: string[] = []
const children: ChildProcess[] = []

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true })
})

interface Child {
  child: ChildProcess
  url: string
  exited: Promise<number | string>
  stderr: () => string
}

/** `node <entry> [args]` with `env` on top of this process's environment (PLEIN_TEST_CHILD_LOGS=1 shows its logs). */
function run(entry: string, args: string[], env: Record<string, string>, port?: number): Child {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.PLEIN_TEST_CHILD_LOGS ? 'info' : 'warn', ...env },
    stdio: ['ignore', process.env.PLEIN_TEST_CHILD_LOGS ? 'inherit' : 'ignore', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8192)
    if (process.env.PLEIN_TEST_CHILD_LOGS) process.stderr.write(d)
  })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return { child, url: `http://127.0.0.1:${port ?? 0}`, exited, stderr: () => stderr }
}

interface Health {
  role: string
  firehose: { connected: boolean; lastSeq: number | null } | null
  indexedSeq?: number | null
}

async function health(c: Child): Promise<Health> {
  const res = await fetch(`${c.url}/xrpc/_health`)
  if (!res.ok) throw new Error(`_health ${res.status}`)
  return (await res.json()) as Health
}

async function healthy(c: Child): Promise<Health> {
  let exit: number | string | undefined
  void c.exited.then((code) => (exit = code))
  return await waitFor(
    async () => {
      if (exit !== undefined) throw new Error(`the child exited (${exit}): ${c.stderr()}`)
      return await health(c)
    },
    `${c.url} to answer`,
    60_000,
  )
}

async function stop(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return
  c.child.kill('SIGTERM')
  await c.exited
}

describe.runIf(testDatabase === 'postgres')('one ingest process and several api processes on one PostgreSQL', () => {
  let net: TestNetwork
  let org: TestAccount
  let anna: TestAccount
  let bram: TestAccount
  let reader: TestAccount

  beforeAll(async () => {
    net = await TestNetwork.create()
    org = await net.createAccount('bieb')
    anna = await net.createAccount('anna')
    bram = await net.createAccount('bram')
    reader = await net.createAccount('lezer')
  })

  afterAll(async () => {
    await net?.close()
  })

  test('the api processes serve what the ingest process writes, share readers’ choices, and never ingest themselves', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-scale-'))
    tmpDirs.push(dir)
    const list = await createList(org, 'Leden')
    await addToList(org, list, anna.did)
    const feedsFile = path.join(dir, 'feeds.yaml')
    await writeFile(
      feedsFile,
      `publisher: ${org.did}
feeds:
  - id: schaal
    name: Schaal
    include: { hashtags: [schaal] }
  - id: leden
    name: Leden
    include: { lists: [${list}] }
`,
    )
    const feed = (id: string) => `at://${org.did}/app.bsky.feed.generator/${id}`
    const databaseUrl = (await databaseUrlFor(path.join(dir, 'data'))) as string
    const base = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: path.join(dir, 'data'),
      FEEDS_FILE: feedsFile,
      FIREHOSE_URL: net.firehoseUrl,
      PLC_URL: net.plcUrl,
      FEEDGEN_HOSTNAME: 'feeds.test',
      ALLOW_PRIVATE_NETWORK: 'true',
    }
    const [ingestPort, apiPort1, apiPort2] = [await freePort(), await freePort(), await freePort()]
    let ingest = run('feedgen/bin.ts', ['--role', 'ingest'], { ...base, FEEDGEN_PORT: String(ingestPort) }, ingestPort)
    // the environment works as well as the command line
    const api1 = run('feedgen/bin.ts', ['--role=api'], { ...base, FEEDGEN_PORT: String(apiPort1) }, apiPort1)
    const api2 = run('feedgen/bin.ts', [], { ...base, FEEDGEN_ROLE: 'api', FEEDGEN_PORT: String(apiPort2) }, apiPort2)
    try {
      const hi = await healthy(ingest)
      expect(hi.role).toBe('ingest')
      for (const api of [api1, api2]) {
        const h = await healthy(api)
        expect(h.role).toBe('api')
        expect(h.firehose).toBeNull()
      }
      await waitFor(async () => (await health(ingest)).firehose?.connected, 'the ingest process to read the firehose')

      // the ingest process serves only its health
      const notHere = await getSkeleton(ingest.url, { feed: feed('schaal') })
      expect(notHere.status).toBe(501)
      expect(notHere.body.error).toBe('MethodNotImplemented')
      expect((await fetch(`${ingest.url}/feeds/schaal`)).status).toBe(404)

      const posts = [
        await post(anna, 'Eerste bericht #schaal'),
        await post(bram, 'Tweede bericht #schaal'),
        await post(anna, 'Derde bericht van een lid'),
        await post(bram, 'Vierde bericht #schaal'),
      ]
      const schaal = [posts[3], posts[1], posts[0]].map((p) => p!.uri)
      const leden = [posts[2], posts[0]].map((p) => p!.uri)
      for (const api of [api1, api2]) {
        await waitFor(async () => JSON.stringify(await walkFeed(api.url, feed('schaal'), 2)) === JSON.stringify(schaal), `${api.url} to serve the hashtag feed`)
        await waitFor(async () => JSON.stringify(await walkFeed(api.url, feed('leden'), 2)) === JSON.stringify(leden), `${api.url} to serve the list feed`)
      }
      const explained = (await (await fetch(`${api2.url}/feeds/schaal/explain?uri=${encodeURIComponent(posts[1]!.uri)}`)).json()) as { inFeed: boolean; include: { rule: string } }
      expect(explained).toMatchObject({ inFeed: true, include: { rule: 'hashtag' } })

      // a reader's "show less" (of Bram) sent to one api process holds on the other
      const token = async (lxm: string) => `Bearer ${(await reader.agent.com.atproto.server.getServiceAuth({ aud: 'did:web:feeds.test', lxm })).data.token}`
      const less = await fetch(`${api1.url}/xrpc/app.bsky.feed.sendInteractions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: await token('app.bsky.feed.sendInteractions') },
        body: JSON.stringify({ feed: feed('schaal'), interactions: [{ item: posts[1]!.uri, event: 'app.bsky.feed.defs#requestLess' }] }),
      })
      expect(less.status).toBe(200)
      const asReader = await getSkeleton(api2.url, { feed: feed('schaal') }, { authorization: await token('app.bsky.feed.getFeedSkeleton') })
      expect(asReader.body.feed?.map((i) => i.post)).toEqual([posts[0]!.uri])
      expect(await walkFeed(api2.url, feed('schaal'))).toEqual(schaal)

      // without the ingest process nothing new comes in: the api processes do not read the firehose
      await stop(ingest)
      const indexed = (await health(api1)).indexedSeq
      expect(indexed).toBeGreaterThan(0)
      const whileDown = await post(anna, 'Terwijl de ingest stilstaat #schaal')
      const seqAfter = await pdsSeq(net)
      expect(seqAfter).toBeGreaterThan(indexed as number)
      await new Promise((r) => setTimeout(r, 1500))
      expect((await health(api1)).indexedSeq).toBe(indexed)
      expect(await walkFeed(api1.url, feed('schaal'))).toEqual(schaal)

      // a new ingest process resumes from the saved cursor, and the api processes serve the post
      ingest = run('feedgen/bin.ts', ['--role', 'ingest'], { ...base, FEEDGEN_PORT: String(ingestPort) }, ingestPort)
      await healthy(ingest)
      for (const api of [api1, api2]) {
        await waitFor(async () => ((await health(api)).indexedSeq ?? 0) >= seqAfter, `${api.url} to see the ingest catch up`)
        expect(await walkFeed(api.url, feed('schaal'))).toEqual([whileDown.uri, ...schaal])
      }
    } finally {
      await Promise.all([stop(ingest), stop(api1), stop(api2)])
    }
    for (const c of [api1, api2]) expect(await c.exited).toBe(0)
  }, 180_000)
})

describe('settings', () => {
  const feedsYaml = `publisher: did:plc:abc\nfeeds:\n  - id: een\n    name: Een\n    include: { hashtags: [een] }\n`

  async function startFails(entry: string, args: string[], env: Record<string, string>): Promise<string> {
    const c = run(entry, args, env)
    expect(await c.exited).toBe(78)
    return c.stderr()
  }

  test.runIf(testDatabase === 'sqlite')('--role api and --role ingest need PostgreSQL; an unknown role or argument is refused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-roles-'))
    tmpDirs.push(dir)
    const feedsFile = path.join(dir, 'feeds.yaml')
    await writeFile(feedsFile, feedsYaml)
    const err = await startFails('feedgen/bin.ts', ['--role', 'api'], { DATA_DIR: path.join(dir, 'data'), FEEDS_FILE: feedsFile, FEEDGEN_PORT: '0', DATABASE_URL: '' })
    expect(err).toContain('feedgen: configuration error: FEEDGEN_ROLE (--role) api needs PostgreSQL: set DATABASE_URL=postgres://')

    const feeds = parseFeedsFile(feedsYaml)
    const cfg = (env: Partial<FeedgenEnv>, argv: string[] = []) => envToCfg({ dataDir: dir, ...env, ...readArgs(argv) }, { feeds })
    expect(() => cfg({}, ['--role', 'ingest'])).toThrow(/--role\) ingest needs PostgreSQL/)
    expect(() => cfg({ role: 'reader' })).toThrow('FEEDGEN_ROLE (--role) must be api, ingest or all, got "reader"')
    expect(() => cfg({}, ['--rol', 'api'])).toThrow('unknown argument "--rol"')
    expect(() => cfg({}, ['--role'])).toThrow('--role needs a value')
    expect(cfg({}).role).toBe('all')
    const pg = { databaseUrl: 'postgres://plein@db.example/plein' }
    expect(cfg(pg, ['--role=api']).role).toBe('api')
    expect(cfg({ ...pg, role: 'api' }, ['--role', 'ingest']).role).toBe('ingest')
    expect(cfg(pg).db).toEqual({ kind: 'postgres', url: pg.databaseUrl, poolSize: 10, schema: 'feedgen' })
  })

  test.runIf(testDatabase === 'sqlite')('a malformed or unreachable DATABASE_URL stops both services with a message that names it, password masked', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-dburl-'))
    tmpDirs.push(dir)
    const feedsFile = path.join(dir, 'feeds.yaml')
    await writeFile(feedsFile, feedsYaml)
    const unreachable = `postgres://plein:geheim@127.0.0.1:${await freePort()}/plein`
    const labelerEnv = { LABELER_DID: 'did:plc:abc', LABELER_SIGNING_KEY: 'a'.repeat(64), LABELER_PORT: '0' }
    const [fg, lab] = await Promise.all([
      startFails('feedgen/bin.ts', [], { DATA_DIR: path.join(dir, 'data'), FEEDS_FILE: feedsFile, FEEDGEN_PORT: '0', DATABASE_URL: unreachable }),
      startFails('labeler/bin.ts', [], { DATA_DIR: path.join(dir, 'data'), ...labelerEnv, DATABASE_URL: unreachable }),
    ])
    for (const [name, err] of [['feedgen', fg], ['labeler', lab]] as const) {
      expect(err).toMatch(new RegExp(`^${name}: configuration error: DATABASE_URL: cannot connect to PostgreSQL at postgres://plein:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/plein: .*ECONNREFUSED`))
      expect(err).not.toContain('geheim')
    }

    const cases: [Record<string, string>, string][] = [
      [{ DATABASE_URL: 'postgres://plein:geheim@db:port/plein' }, 'DATABASE_URL is not a valid URL: "postgres://plein:***@db:port/plein"'],
      [{ DATABASE_URL: 'postgres://plein:geheim@/plein' }, 'DATABASE_URL is not a valid URL: "postgres://plein:***@/plein"'],
      [{ DATABASE_URL: 'mysql://plein:geheim@db/plein' }, 'DATABASE_URL must be a postgres:// URL or unset (SQLite under DATA_DIR), got "mysql://plein:***@db/plein"'],
      [{ DATABASE_URL: unreachable, DATABASE_POOL_SIZE: 'veel' }, 'DATABASE_POOL_SIZE must be a whole number, got "veel"'],
      [{ DATABASE_URL: unreachable, DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be at least 1, got 0'],
    ]
    for (const [env, expected] of cases) {
      const feeds = parseFeedsFile(feedsYaml)
      expect(() => envToCfg(readEnv({ DATA_DIR: dir, ...env }), { feeds })).toThrow(expected)
      expect(() => labelerCfg(readLabelerEnv({ DATA_DIR: dir, ...labelerEnv, ...env }))).toThrow(expected)
    }
  })
})
