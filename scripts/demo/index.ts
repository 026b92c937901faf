// `npm run demo` as a library: starts a local PLC and PDS, the labeler and the feed generator on
// loopback, seeds a small neighbourhood (scripts/demo/seed.ts) and returns the URLs to open.
// scripts/demo.ts is the command line around it; tests start it in-process.
//
// The services and the test network are the ones the integration tests use (test/helpers/), so the
// demo runs exactly what `npm test` runs. Every module that reads LOG_LEVEL is imported dynamically,
// after the default is set, so the services stay quiet unless asked.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { StartedFeedgen } from '../../test/helpers/feedgen.ts'
import type { StartedLabeler } from '../../test/helpers/labeler.ts'
import type { TestAccount, TestNetwork } from '../../test/helpers/network.ts'
import { ACCOUNTS, demoFeedsYaml, LIVE_POOL, PINNED_TEXT, SEED_POSTS, type AccountKey, type LivePost, type SeedPost } from './seed.ts'

export const DEFAULT_PORTS = { feedgen: 3000, labeler: 3001 } as const
const HOST = '127.0.0.1'

export interface DemoOptions {
  /** keep posting from a rotating pool every `liveIntervalMs` */
  live?: boolean
  /** @default 5000 */
  liveIntervalMs?: number
  /**
   * undefined: the memorable port (3000 / 3001) when it is free, else any free port;
   * 0: any free port; another number: exactly that port (fails when taken)
   */
  ports?: { feedgen?: number; labeler?: number }
  /** quiet hours 23:00–07:00 on the buurt feed; @default true (tests turn them off to get a stable page at night) */
  quietHours?: boolean
  /** called for progress and live lines (nothing is printed when unset) */
  log?: (line: string) => void
}

export interface DemoAccount extends TestAccount {
  key: AccountKey
  displayName: string
}

export interface DemoPost {
  key: string
  uri: string
  cid: string
  author: AccountKey
  text: string
  /** labels the labeler must give it */
  labels: string[]
  lookalike: boolean
  live: boolean
}

export interface Demo {
  /** http://127.0.0.1:<port> */
  feedgenUrl: string
  labelerUrl: string
  /** feed ids: the pages are `${feedgenUrl}/feeds/<id>` */
  feeds: string[]
  /** feed id → at:// URI of its app.bsky.feed.generator record (for getFeedSkeleton) */
  feedUris: Record<string, string>
  /** a seeded post the labeler marks (pro-ed), for `${labelerUrl}/labels?uri=` */
  labelledPostUri: string
  accounts: Record<AccountKey, DemoAccount>
  /** the seeded posts (and, with `live`, the live ones so far), oldest first */
  posts: DemoPost[]
  /** the "Buren van Lombok" list (owned by the association) */
  list: string
  /** the buurt feed's pinned post */
  pinned: string
  labelerDid: string
  pdsUrl: string
  plcUrl: string
  /** internals, for tests */
  net: TestNetwork
  feedgen: StartedFeedgen
  labeler: StartedLabeler
  /** resolves when the feed generator and the labeler have seen everything posted so far */
  settled: () => Promise<void>
  /** stops the live posts, both services and the network, and removes the temp dirs; safe to call twice */
  close: () => Promise<void>
}

/** Whether 127.0.0.1:<port> can be bound right now. */
export async function portIsFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, HOST, () => srv.close(() => resolve(true)))
  })
}

/** A problem the person running the demo can fix (the CLI prints the message without a stack). */
export class DemoError extends Error {
  override name = 'DemoError'
}

async function pickPort(what: string, wanted: number | undefined, memorable: number, freePort: () => Promise<number>): Promise<number> {
  if (wanted === undefined) return (await portIsFree(memorable)) ? memorable : await freePort()
  if (wanted === 0) return await freePort()
  if (!(await portIsFree(wanted))) throw new DemoError(`port ${wanted} for the ${what} is in use; choose another one (0 = any free port)`)
  return wanted
}

/**
 * TestNetwork starts the PLC and the PDS with `app.listen(port)`, which binds every interface. The
 * demo must stay on loopback, so while they start, a listen() without a host gets 127.0.0.1.
 */
async function createLoopbackNetwork(create: () => Promise<TestNetwork>): Promise<TestNetwork> {
  const original = net.Server.prototype.listen
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, HOST)
    return (original as (...a: unknown[]) => net.Server).apply(this, args)
  } as typeof original
  try {
    return await create()
  } finally {
    net.Server.prototype.listen = original
  }
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  process.env.LOG_LEVEL ??= 'warn'
  const log = opts.log ?? (() => {})
  const { TestNetwork, freePort, pdsSeq } = await import('../../test/helpers/network.ts')
  const { startFeedgen, caughtUp, waitFor } = await import('../../test/helpers/feedgen.ts')
  const { setupLabelerIdentity, startLabeler, labelerCaughtUp } = await import('../../test/helpers/labeler.ts')
  const records = await import('../../test/helpers/records.ts')

  // everything started so far, stopped in reverse order by close()
  const stops: (() => Promise<void>)[] = []
  let live: { stop: () => Promise<void> } | undefined
  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= (async () => {
      await live?.stop()
      for (const stop of stops.reverse()) {
        try {
          await stop()
        } catch (err) {
          process.stderr.write(`demo: while stopping: ${(err as Error).message}\n`)
        }
      }
    })())

  try {
    const t0 = Date.now()
    // the services' data, removed by close() (the PDS's own temp dirs are removed by TestNetwork)
    const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'plein-demo-'))
    stops.push(() => rm(dataRoot, { recursive: true, force: true }))
    const dataDir = async (name: string) => {
      const dir = path.join(dataRoot, name)
      await mkdir(dir)
      return dir
    }
    const labelerPort = await pickPort('labeler', opts.ports?.labeler, DEFAULT_PORTS.labeler, freePort)
    const feedgenPort = await pickPort('feed generator', opts.ports?.feedgen, DEFAULT_PORTS.feedgen, async () => 0)

    log('starting a local PLC directory and PDS…')
    const network = await createLoopbackNetwork(() => TestNetwork.create())
    stops.push(() => network.close())

    // accounts with display names
    const accounts = {} as Record<AccountKey, DemoAccount>
    for (const spec of ACCOUNTS) {
      const acc = await network.createAccount(spec.name)
      await acc.agent.com.atproto.repo.putRecord({
        repo: acc.did,
        collection: 'app.bsky.actor.profile',
        rkey: 'self',
        record: { $type: 'app.bsky.actor.profile', displayName: spec.displayName, description: spec.description },
      })
      accounts[spec.key] = { ...acc, key: spec.key, displayName: spec.displayName }
    }
    const { library, association } = accounts

    // the association's list of neighbours, and the library's pinned post: the feeds file names both
    const list = await records.createList(association, 'Buren van Lombok')
    for (const spec of ACCOUNTS) if (spec.member) await records.addToList(association, list, accounts[spec.key].did)
    const pinned = (await records.post(library, PINNED_TEXT, { langs: ['nl'] })).uri

    // the labeler: its DID document names its endpoint (by host name: the PDS refuses IP addresses
    // when it forwards reports), so its port was chosen first
    log('starting the labeler and the feed generator…')
    const identity = await setupLabelerIdentity(network, accounts.labeler, `http://localhost:${labelerPort}`)
    const labeler = await startLabeler(network, identity, { port: labelerPort, dataDir: await dataDir('labeler'), env: { hostname: 'localhost' } })
    stops.push(() => labeler.close())

    const yaml = demoFeedsYaml({
      publisher: library.did,
      list,
      labeler: accounts.labeler.did,
      pinned,
      authors: [library.did, association.did],
      quietHours: opts.quietHours ?? true,
    })
    const feedgen = await startFeedgen(network, yaml, { dataDir: await dataDir('feedgen'), env: { port: feedgenPort, hostname: 'localhost' } })
    stops.push(() => feedgen.close())
    const fg = feedgen.service
    await waitFor(() => fg.listSync.synced.has(list), 'the feed generator to read the list', 15_000)
    await waitFor(() => fg.labelers.every((l) => l.metrics.connected), 'the feed generator to subscribe to the labeler', 15_000)

    // two days of posts, with explicit createdAt values
    log('seeding the neighbourhood…')
    const now = Date.now()
    const posts: DemoPost[] = []
    const byKey = new Map<string, { uri: string; cid: string; root?: { uri: string; cid: string } }>()
    for (const p of SEED_POSTS) {
      const parent = p.replyTo ? byKey.get(p.replyTo) : undefined
      const ref = parent ? { uri: parent.uri, cid: parent.cid } : undefined
      const created = await records.post(accounts[p.author], p.text, {
        langs: p.langs,
        tags: p.tags,
        createdAt: new Date(now - p.hoursAgo * 3_600_000).toISOString(),
        reply: ref ? { root: parent?.root ?? ref, parent: ref } : undefined,
      })
      byKey.set(p.key, { ...created, root: parent?.root ?? ref })
      posts.push(toDemoPost(p, created, false))
    }

    const settled = async () => {
      await caughtUp(network, feedgen, 30_000)
      await labelerCaughtUp(network, labeler, 30_000)
      // the feed generator has read every label the labeler has written so far
      const latest = await labeler.service.store.getLatestSeq()
      for (const sub of fg.labelers) {
        await waitFor(
          async () => {
            const row = await fg.db.selectFrom('cursor').select('seq').where('id', '=', sub.cursorId).executeTakeFirst()
            return Number(row?.seq ?? 0) >= latest
          },
          `the feed generator to read the labels up to ${latest}`,
          30_000,
        )
      }
      // and has fetched the list members' recent posts (the pinned post, posted before it started)
      await waitFor(async () => !(await fg.db.selectFrom('backfill').select('did').limit(1).executeTakeFirst()), 'the backfill to finish', 30_000)
    }
    await settled()
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

    const demo: Demo = {
      feedgenUrl: feedgen.url,
      labelerUrl: labeler.url,
      feeds: fg.cfg.feeds.feeds.map((f) => f.id),
      feedUris: Object.fromEntries(fg.cfg.feeds.feeds.map((f) => [f.id, f.uri])),
      labelledPostUri: byKey.get('thinspo')!.uri,
      accounts,
      posts,
      list,
      pinned,
      labelerDid: accounts.labeler.did,
      pdsUrl: network.pdsUrl,
      plcUrl: network.plcUrl,
      net: network,
      feedgen,
      labeler,
      settled,
      close,
    }

    if (opts.live) {
      live = startLive(demo, opts.liveIntervalMs ?? 5_000, log, async (p) => {
        const created = await records.post(accounts[p.author], p.text, { langs: p.langs, tags: p.tags })
        return { created, seq: await pdsSeq(network) }
      })
    }
    return demo
  } catch (err) {
    await close()
    throw err
  }
}

function toDemoPost(p: SeedPost | LivePost, created: { uri: string; cid: string }, live: boolean): DemoPost {
  return { key: p.key, uri: created.uri, cid: created.cid, author: p.author, text: p.text, labels: p.labels ?? [], lookalike: p.lookalike ?? false, live }
}

/** Posts the next post of the pool every `intervalMs`, and says which ones got labelled. */
function startLive(
  demo: Demo,
  intervalMs: number,
  log: (line: string) => void,
  write: (p: LivePost) => Promise<{ created: { uri: string; cid: string }; seq: number }>,
): { stop: () => Promise<void> } {
  let stopped = false
  let i = 0
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<void> = Promise.resolve()
  const handleOf = (key: AccountKey) => `@${demo.accounts[key].handle}`
  const tick = async () => {
    const p = LIVE_POOL[i++ % LIVE_POOL.length]!
    try {
      const { created, seq } = await write(p)
      demo.posts.push(toDemoPost(p, created, true))
      const time = new Date().toTimeString().slice(0, 8)
      log(`${time} ${handleOf(p.author)}: ${p.text.length > 70 ? `${p.text.slice(0, 69)}…` : p.text}`)
      // wait (briefly) for the labeler to read it, then say what it decided
      const started = Date.now()
      while (!stopped && Date.now() - started < 5_000) {
        if (((await demo.labeler.service.store.getCursor('firehose')) ?? 0) >= seq) break
        await new Promise((r) => setTimeout(r, 100))
      }
      if (stopped) return
      const labels = await demo.labeler.service.store.currentLabels(created.uri)
      if (labels.length > 0) {
        log(`         ↳ labelled ${labels.map((l) => l.val).join(', ')}: ${demo.labelerUrl}/labels?uri=${encodeURIComponent(created.uri)}`)
      }
    } catch (err) {
      if (!stopped) log(`live: could not post: ${(err as Error).message}`)
    }
  }
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      inFlight = tick().finally(schedule)
    }, intervalMs)
  }
  schedule()
  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await inFlight
    },
  }
}
