// Crash faults: SIGKILL of the ingesting process at random moments, five times, while a real PDS keeps
// posting (several accounts at once, labelled and ordinary texts, deletes right after a post and of
// older posts). After the last restart has caught up, the services are compared with the PDS
// (com.atproto.repo.listRecords of every account), through their HTTP endpoints only:
// - the feed generator: every matching post in the feed exactly once, deleted posts absent;
// - the labeler: every post has exactly the labels the classifier gives its text, each once; none on
//   posts that should have none or that were deleted; subscribeLabels from cursor 0 delivers every
//   label event once, seqs strictly increasing, and folds to the same state as queryLabels.
// The kill moments come from a seeded PRNG; the seed is printed, and PLEIN_FAULT_SEED=<seed> replays it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Classifier } from '../labeler/classify/index.ts'
import { health, killHard, serviceEnv, spawnService, stopService, waitHealthy, type ServiceChild, type ServiceName } from './helpers/children.ts'
import { waitFor, walkFeed } from './helpers/feedgen.ts'
import { LabelStreamClient, setupLabelerIdentity } from './helpers/labeler.ts'
import { freePort, pdsSeq, TestNetwork, type TestAccount } from './helpers/network.ts'
import { deleteRecord, post } from './helpers/records.ts'
import { mulberry32 } from '../shared/prng.ts'

const KILLS = 5
/** how long a child may take to start or catch up (generous: two cores, shared with other work) */
const STARTUP_MS = 45_000
/** per test: normally 15–30 s */
const TEST_TIMEOUT_MS = 180_000
const SEED = process.env.PLEIN_FAULT_SEED ? Number(process.env.PLEIN_FAULT_SEED) : Math.floor(Math.random() * 2 ** 31)


// texts the classifier labels (see ../shared/LABELS.md) and texts it must leave alone
const TEXTS: { text: string; langs: string[] }[] = [
  { text: 'nog 2 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo', langs: ['nl'] },
  { text: "Made €10k this month from my phone while you were sleeping. DM me 'FREEDOM' and I'll show you how", langs: ['en'] },
  { text: 'DEEL DIT als je ook woedend bent!! Die lui van de gemeente zijn ongedierte, ze moeten allemaal weg', langs: ['nl'] },
  { text: 'ik wil dood, ik kan niet meer', langs: ['nl'] },
  { text: 'What I eat in a day: 800 calories, guilt-free, cheat day tomorrow', langs: ['en'] },
  { text: 'Before and after: rate my glow up, body goals', langs: ['en'] },
  { text: 'Ik ga dood van het lachen: de buurtkat heeft alweer de worstjes gestolen', langs: ['nl'] },
  { text: 'Vandaag 1 jaar hersteld van anorexia. Ik eet weer met mijn gezin aan tafel #edrecovery', langs: ['nl'] },
  { text: 'Onderzoek: #skinnytok schaadt meisjes. Lezing in de bibliotheek, donderdag 19:30', langs: ['nl'] },
  { text: 'Recept voor linzensoep met wortel en komijn', langs: ['nl'] },
  { text: 'ran 5k today, felt great', langs: ['en'] },
  { text: 'This queue at the library book sale is killing me, worth it though', langs: ['en'] },
  { text: 'Wie helpt zaterdag mee met de buurtschoonmaak in Lombok?', langs: ['nl'] },
]

let net: TestNetwork
let org: TestAccount
const tmpDirs: string[] = []
const children: ServiceChild[] = []

beforeAll(async () => {
  console.log(`faults-kill: seed ${SEED} (replay with PLEIN_FAULT_SEED=${SEED})`)
  net = await TestNetwork.create()
  org = await net.createAccount('omroep')
})

afterAll(async () => {
  for (const c of children) await stopService(c).catch(() => undefined)
  await net?.close()
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Several accounts post (and delete) continuously until stopped. Deletes: some posts right after they
 * were made (so a create and its delete can land in one batch after a restart), some older ones.
 */
function keepPosting(writers: TestAccount[], rand: () => number, tag: string): { stop: () => Promise<{ made: number; deleted: string[] }>; abandon: () => void } {
  let running = true
  let made = 0
  const deleted: string[] = []
  const loops = writers.map(async (w, wi) => {
    const live: string[] = []
    for (let i = 0; running; i++) {
      try {
      const t = TEXTS[Math.floor(rand() * TEXTS.length)] as (typeof TEXTS)[number]
      const text = `${t.text} (${wi}.${i})${rand() < 0.5 ? ` #${tag}` : ''}`
      const p = await post(w, text, { langs: t.langs })
      made++
      const r = rand()
      if (r < 0.1) {
        await deleteRecord(w, p.uri)
        deleted.push(p.uri)
      } else {
        live.push(p.uri)
        if (r < 0.2 && live.length > 3) {
          const [old] = live.splice(Math.floor(rand() * (live.length - 1)), 1)
          await deleteRecord(w, old as string)
          deleted.push(old as string)
        }
      }
      } catch (err) {
        if (running) throw err
      }
      // a small random pause keeps some CPU for the child on two cores
      await sleep(rand() * 60)
    }
  })
  return {
    stop: async () => {
      running = false
      await Promise.all(loops)
      return { made, deleted }
    },
    /** stops without waiting (a test that failed half-way) */
    abandon: () => {
      running = false
      for (const l of loops) l.catch(() => undefined)
    },
  }
}

interface PostRecord {
  uri: string
  cid: string
  value: { text?: string; langs?: string[] }
}

/** Every app.bsky.feed.post record in the account's repo, from the PDS. */
async function listPosts(account: TestAccount): Promise<PostRecord[]> {
  const out: PostRecord[] = []
  let cursor: string | undefined
  do {
    const { data } = await account.agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post', limit: 100, cursor })
    out.push(...(data.records as PostRecord[]))
    cursor = data.records.length === 100 ? data.cursor : undefined
  } while (cursor)
  return out
}

/**
 * Starts the service as a child KILLS times and kills each one with SIGKILL at a random moment, with
 * the workload running all along; returns the final (sixth) child, caught up with the PDS.
 */
async function killRepeatedly(
  service: ServiceName,
  env: Record<string, string>,
  writers: TestAccount[],
  tag: string,
): Promise<{ svc: ServiceChild; deleted: string[]; made: number }> {
  const rand = mulberry32(SEED + (service === 'feedgen' ? 0 : 1))
  const workRand = mulberry32(SEED + (service === 'feedgen' ? 100 : 101))
  let workload: ReturnType<typeof keepPosting> | undefined
  const log: string[] = []
  let result: { made: number; deleted: string[] }
  try {
    for (let round = 0; round < KILLS; round++) {
      const svc = spawnService(service, env)
      children.push(svc)
      const spawned = Date.now()
      // observe the child while it runs (its last committed firehose seq), without slowing it down much
      let lastSeq: number | null = null
      let probing = true
      const probe = (async () => {
        while (probing) {
          lastSeq = (await health(svc.url).catch(() => undefined))?.firehose.lastSeq ?? lastSeq
          await sleep(250)
        }
      })()
      if (round === 0) {
        // @NOTE a first start without a saved cursor reads the live stream: start writing once it is
        // connected, and kill only after it has saved a cursor (before that, a restart starts live again)
        await waitHealthy(svc, STARTUP_MS)
        await waitFor(async () => (await health(svc.url)).firehose.connected, 'firehose connected', STARTUP_MS)
        workload = keepPosting(writers, workRand, tag)
        await waitFor(async () => (await health(svc.url)).firehose.lastSeq !== null, 'a first batch written', STARTUP_MS)
        await sleep(rand() * 1500)
      } else if (rand() < 0.25) {
        // during start-up (module loading, opening the database, connecting, the first catch-up)
        await sleep(Math.max(0, spawned + 200 + rand() * 1500 - Date.now()))
      } else {
        // while it catches up with what was posted while it was down, or while it follows the live stream
        await waitHealthy(svc, STARTUP_MS)
        await sleep(rand() * 2000)
      }
      await killHard(svc)
      probing = false
      await probe
      const down = rand() * 600
      log.push(`kill ${round + 1}: ${Math.round(Date.now() - spawned)} ms after spawn (last seen seq ${lastSeq ?? 'none'}), down ${Math.round(down)} ms`)
      await sleep(down)
    }
    result = await workload!.stop()
  } catch (err) {
    workload?.abandon()
    throw err
  } finally {
    console.log(`faults-kill ${service} (seed ${SEED}):\n  ${log.join('\n  ')}`)
  }
  const { made, deleted } = result
  console.log(`faults-kill ${service} (seed ${SEED}): ${made} posts, ${deleted.length} deleted`)

  const svc = spawnService(service, env)
  children.push(svc)
  await waitHealthy(svc, STARTUP_MS)
  // one more post after the last restart, so the final child always has an event to write
  await post(writers[0] as TestAccount, `Na de laatste herstart #${tag}`, { langs: ['nl'] })
  const target = await pdsSeq(net)
  await waitFor(async () => ((await health(svc.url)).firehose.lastSeq ?? 0) >= target, `the ${service} to catch up to seq ${target}`, STARTUP_MS)
  return { svc, deleted, made }
}

async function makeWriters(prefix: string): Promise<TestAccount[]> {
  const out: TestAccount[] = []
  for (const n of ['a', 'b', 'c']) out.push(await net.createAccount(`${prefix}${n}`))
  return out
}

test(`feed generator: SIGKILL ×${KILLS} at random moments while the PDS keeps posting; every post exactly once, deletes absent`, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-faults-fg-'))
  tmpDirs.push(dir)
  const writers = await makeWriters('fgkill')
  const tag = 'killtest'
  const feedsFile = path.join(dir, 'feeds.yaml')
  // policies that hide nothing: no window, caps, quiet hours, releases or label exclusions
  await writeFile(
    feedsFile,
    `publisher: ${org.did}
feeds:
  - id: alle
    name: Alle berichten
    include: { authors: [${writers.map((w) => w.did).join(', ')}] }
  - id: getagd
    name: Getagd
    include: { hashtags: [${tag}] }
`,
  )
  const env = serviceEnv('feedgen', net, { dataDir: path.join(dir, 'data'), port: await freePort(), extra: { FEEDS_FILE: feedsFile } })
  const { svc, deleted } = await killRepeatedly('feedgen', env, writers, tag)

  const records = (await Promise.all(writers.map(listPosts))).flat()
  const all = records.map((r) => r.uri)
  const tagged = records.filter((r) => new RegExp(`#${tag}\\b`).test(r.value.text ?? '')).map((r) => r.uri)
  expect(tagged.length).toBeGreaterThan(0)
  for (const [feedId, expected] of [
    ['alle', all],
    ['getagd', tagged],
  ] as const) {
    const walked = await walkFeed(svc.url, `at://${org.did}/app.bsky.feed.generator/${feedId}`, 100)
    const dupes = walked.filter((u, i) => walked.indexOf(u) !== i)
    const missing = expected.filter((u) => !walked.includes(u))
    const extra = walked.filter((u) => !expected.includes(u))
    expect({ feed: feedId, seed: SEED, dupes, missing, extra }).toEqual({ feed: feedId, seed: SEED, dupes: [], missing: [], extra: [] })
    expect(walked.length).toBe(expected.length)
    expect(walked.filter((u) => deleted.includes(u))).toEqual([])
  }
  await stopService(svc)
}, TEST_TIMEOUT_MS)

interface JsonLabel {
  src: string
  uri: string
  cid?: string
  val: string
  neg?: boolean
}

async function queryAllLabels(url: string, pattern: string): Promise<JsonLabel[]> {
  const out: JsonLabel[] = []
  let cursor: string | undefined
  for (;;) {
    const u = new URL(`${url}/xrpc/com.atproto.label.queryLabels`)
    u.searchParams.set('uriPatterns', pattern)
    u.searchParams.set('limit', '250')
    if (cursor) u.searchParams.set('cursor', cursor)
    const res = await fetch(u)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { labels: JsonLabel[]; cursor?: string }
    out.push(...body.labels)
    if (!body.cursor) return out
    cursor = body.cursor
  }
}

test(`labeler: SIGKILL ×${KILLS} at random moments while the PDS keeps posting; every label exactly once, in the stream too`, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plein-faults-lab-'))
  tmpDirs.push(dir)
  const writers = await makeWriters('labkill')
  const port = await freePort()
  const id = await setupLabelerIdentity(net, await net.createAccount('killlabels'), `http://127.0.0.1:${port}`)
  const env = serviceEnv('labeler', net, {
    dataDir: path.join(dir, 'data'),
    port,
    extra: { LABELER_DID: id.account.did, LABELER_SIGNING_KEY: id.keyHex },
  })
  const { svc, deleted } = await killRepeatedly('labeler', env, writers, 'labelkill')

  // expected: the classifier itself, on the text and langs of every post the PDS still has
  const classifier = Classifier.load()
  const records = (await Promise.all(writers.map(listPosts))).flat()
  const expected = new Map(records.map((r) => [r.uri, { cid: r.cid, vals: classifier.classify({ text: r.value.text ?? '', langs: r.value.langs }).labels.map((l) => l.val).sort() }]))
  expect([...expected.values()].filter((e) => e.vals.length > 0).length).toBeGreaterThan(5)
  expect([...expected.values()].filter((e) => e.vals.length === 0).length).toBeGreaterThan(5)

  const current = (await Promise.all(writers.map((w) => queryAllLabels(svc.url, `at://${w.did}/*`)))).flat()
  const actual = new Map<string, string[]>()
  for (const l of current) {
    expect(l.src).toBe(id.account.did)
    expect(l.neg).toBeUndefined()
    actual.set(l.uri, [...(actual.get(l.uri) ?? []), l.val].sort())
  }
  const wrong: unknown[] = []
  for (const [uri, e] of expected) {
    const got = actual.get(uri) ?? []
    if (JSON.stringify(got) !== JSON.stringify(e.vals)) wrong.push({ uri, expected: e.vals, got })
  }
  for (const [uri, got] of actual) if (!expected.has(uri)) wrong.push({ uri, expected: deleted.includes(uri) ? 'none (deleted)' : 'none (unknown post)', got })
  for (const l of current) if (expected.get(l.uri) && l.cid !== expected.get(l.uri)?.cid) wrong.push({ uri: l.uri, val: l.val, cid: l.cid, expectedCid: expected.get(l.uri)?.cid })
  expect({ seed: SEED, wrong }).toEqual({ seed: SEED, wrong: [] })

  // the stream from cursor 0: every event once, in strictly increasing seq order
  const { latestSeq } = await health(svc.url)
  expect(latestSeq).toBeGreaterThan(0)
  const stream = new LabelStreamClient(svc.url, 0)
  try {
    await stream.opened
    await waitFor(() => stream.seqs.at(-1) === latestSeq, `the stream to reach seq ${latestSeq}`, STARTUP_MS)
    await sleep(200)
    const seqs = stream.seqs
    expect(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] as number))).toBe(true)
    expect(seqs.at(-1)).toBe(latestSeq)
    expect(stream.frames.filter((f) => f.header.t !== '#labels')).toEqual([])
    // per label (uri, cid, val): events alternate apply, negate, apply… (an apply twice in a row would
    // be a duplicate); folded, the stream gives exactly the labels queryLabels serves
    const history = new Map<string, boolean[]>()
    for (const l of stream.labels as unknown as JsonLabel[]) {
      const key = `${l.uri} ${l.cid ?? ''} ${l.val}`
      history.set(key, [...(history.get(key) ?? []), l.neg === true])
    }
    const badHistory = [...history].filter(([, negs]) => negs.some((neg, i) => neg !== (i % 2 === 1)))
    expect(badHistory).toEqual([])
    const folded = [...history].filter(([, negs]) => negs.at(-1) === false).map(([k]) => k).sort()
    expect(folded).toEqual(current.map((l) => `${l.uri} ${l.cid ?? ''} ${l.val}`).sort())
    // a post that is still there has each of its labels once, never negated
    for (const [key, negs] of history) if (expected.has(key.split(' ')[0] as string)) expect({ key, negs }).toEqual({ key, negs: [false] })
  } finally {
    stream.close()
  }
  await stopService(svc)
}, TEST_TIMEOUT_MS)
