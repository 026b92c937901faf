// The labeler against a real PDS and PLC on loopback: its identity is set up through the PDS's PLC
// operation flow, posts are made through the PDS, labels arrive through the real firehose, and are
// read back through queryLabels and a subscribeLabels WebSocket client.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { encode } from '@atcute/cbor'
import { interpretLabelValueDefinition, moderatePost, type ComAtprotoLabelDefs } from '@atproto/api'
import { verifySignature } from '@atproto/crypto'
import { getDidKeyFromMultibase } from '@atproto/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LABEL_DEFINITIONS } from '../labeler/classify/label-defs.ts'
import { waitFor } from './helpers/feedgen.ts'
import { labelerCaughtUp, LabelStreamClient, setupLabelerIdentity, startLabeler, type LabelerIdentity, type StartedLabeler } from './helpers/labeler.ts'
import { freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { deleteRecord, post } from './helpers/records.ts'

let net: TestNetwork
let id: LabelerIdentity
let lab: StartedLabeler
let author: TestAccount
let port: number
let dataDir: string

interface JsonLabel {
  ver: number
  src: string
  uri: string
  cid?: string
  val: string
  neg?: boolean
  cts: string
  exp?: string
  sig: { $bytes: string }
}

async function query(params: Record<string, string | string[] | number>): Promise<{ status: number; body: { labels?: JsonLabel[]; cursor?: string; error?: string } }> {
  const url = new URL(`${lab.url}/xrpc/com.atproto.label.queryLabels`)
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(x))
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as { labels?: JsonLabel[]; cursor?: string; error?: string } }
}

const caughtUp = () => labelerCaughtUp(net, lab)

const vals = (labels: { val: string }[] | undefined) => (labels ?? []).map((l) => l.val).sort()

beforeAll(async () => {
  net = await TestNetwork.create()
  author = await net.createAccount('auteur')
  const account = await net.createAccount('welzijnlabels')
  port = await freePort()
  id = await setupLabelerIdentity(net, account, `http://127.0.0.1:${port}`)
  // the data directory outlives a restart of the labeler
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-labeler-test-'))
  lab = await startLabeler(net, id, { port, dataDir })
})

afterAll(async () => {
  await lab?.close()
  await net?.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('identity and signatures', () => {
  test('the DID document on the PLC has the #atproto_label key and the #atproto_labeler service', async () => {
    const doc = (await (await fetch(`${net.plcUrl}/${id.account.did}`)).json()) as {
      verificationMethod: { id: string; publicKeyMultibase: string }[]
      service: { id: string; type: string; serviceEndpoint: string }[]
    }
    expect(doc.verificationMethod.some((m) => m.id.endsWith('#atproto_label'))).toBe(true)
    expect(doc.service).toContainEqual({ id: '#atproto_labeler', type: 'AtprotoLabeler', serviceEndpoint: `http://127.0.0.1:${port}` })
  })

  test('posts made through the PDS get the right labels, in queryLabels and subscribeLabels, and signatures verify against the DID document', async () => {
    const live = new LabelStreamClient(lab.url)
    await live.opened
    const thinspo = await post(author, 'nog 3 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo', { langs: ['nl'] })
    const harmless = await post(author, 'Recept voor linzensoep: rode linzen, wortel, ui en komijn. Lekker bij dit weer!', { langs: ['nl'] })
    const flex = await post(author, 'Made $14,200 this month from my phone working 2 hrs a day. Want the blueprint? Comment FREEDOM', { langs: ['en'] })
    await caughtUp()

    const q = await query({ uriPatterns: [thinspo.uri, harmless.uri, flex.uri] })
    expect(q.status).toBe(200)
    const byUri = (uri: string) => q.body.labels?.filter((l) => l.uri === uri)
    expect(vals(byUri(thinspo.uri))).toContain('pro-ed')
    expect(byUri(harmless.uri)).toEqual([])
    expect(vals(byUri(flex.uri))).toEqual(['lifestyle-flex'])
    for (const l of q.body.labels ?? []) {
      expect(l.ver).toBe(1)
      expect(l.src).toBe(id.account.did)
      expect(l.neg).toBeUndefined()
    }

    // the signing key as any client finds it: from the labeler's DID document
    const didDoc = (await (await fetch(`${net.plcUrl}/${id.account.did}`)).json()) as { verificationMethod: { id: string; type: string; publicKeyMultibase: string }[] }
    const vm = didDoc.verificationMethod.find((m) => m.id.endsWith('#atproto_label'))!
    const didKey = getDidKeyFromMultibase(vm)!
    for (const l of q.body.labels ?? []) {
      const { sig, ...unsigned } = l
      const sigBytes = Buffer.from(sig.$bytes, 'base64')
      expect(await verifySignature(didKey, encode(unsigned), sigBytes)).toBe(true)
      expect(await verifySignature(didKey, encode({ ...unsigned, val: 'other' }), sigBytes)).toBe(false)
    }

    await waitFor(() => live.labels.length >= (q.body.labels?.length ?? 0), 'live labels')
    expect(live.labels.map((l) => `${l.uri} ${l.val}`).sort()).toEqual((q.body.labels ?? []).map((l) => `${l.uri} ${l.val}`).sort())
    for (const l of live.labels) {
      const { sig, ...unsigned } = l as Record<string, unknown> & { sig: Uint8Array }
      expect(await verifySignature(didKey, encode(unsigned), sig instanceof Uint8Array ? sig : Buffer.from((sig as { buf: Uint8Array }).buf))).toBe(true)
    }
    live.close()
  })
})

describe('subscribeLabels', () => {
  test('a subscriber that connects with a cursor while labels are being written gets every label exactly once, in seq order', async () => {
    const start = await lab.service.store.getLatestSeq()
    const writing = (async () => {
      for (let i = 0; i < 12; i++) await post(author, `if you're not a millionaire by 30 you wasted your life. ${i} #grindset`, { langs: ['en'] })
    })()
    await new Promise((r) => setTimeout(r, 150))
    const sub = new LabelStreamClient(lab.url, 0)
    await writing
    await caughtUp()
    const latest = await lab.service.store.getLatestSeq()
    expect(latest).toBeGreaterThan(start)
    await waitFor(() => sub.seqs.at(-1) === latest, 'the subscriber to reach the latest seq')
    expect(sub.seqs).toEqual(Array.from({ length: latest }, (_, i) => i + 1))
    sub.close()
  })

  test('no cursor is live only; a future cursor gets FutureCursor and is closed; a bad cursor is refused', async () => {
    const latest = await lab.service.store.getLatestSeq()
    const live = new LabelStreamClient(lab.url)
    await live.opened
    await new Promise((r) => setTimeout(r, 100))
    expect(live.frames).toEqual([])
    const p = await post(author, 'Look at my body goals: before and after 12 weeks, rate my glow up 1-10', { langs: ['en'] })
    await caughtUp()
    await waitFor(() => live.seqs.length > 0, 'a live label')
    expect(live.seqs.every((s) => s > latest)).toBe(true)
    expect(live.labels.every((l) => l.uri === p.uri)).toBe(true)
    live.close()

    const future = new LabelStreamClient(lab.url, latest + 1000)
    await waitFor(() => future.closed, 'the future cursor to be closed')
    expect(future.frames).toEqual([{ header: { op: -1 }, body: expect.objectContaining({ error: 'FutureCursor' }) }])

    const bad = new LabelStreamClient(lab.url, 'abc' as unknown as number)
    await waitFor(() => bad.closed, 'the bad cursor to be closed')
    expect(bad.frames[0]?.header.op).toBe(-1)
    expect((await fetch(`${lab.url}/xrpc/_health`)).status).toBe(200)
  })

  test('restart: seq continues, and a subscriber resuming from its last seq misses nothing', async () => {
    const before = await lab.service.store.getLatestSeq()
    await lab.close()
    const whileDown = await post(author, 'ik wil dood, niemand zou me missen', { langs: ['nl'] })
    lab = await startLabeler(net, id, { port, dataDir })
    await caughtUp()
    const after = await lab.service.store.getLatestSeq()
    expect(after).toBeGreaterThan(before)
    const resumed = new LabelStreamClient(lab.url, before)
    await waitFor(() => resumed.seqs.at(-1) === after, 'resumed subscriber to catch up')
    expect(resumed.seqs).toEqual(Array.from({ length: after - before }, (_, i) => before + 1 + i))
    expect(resumed.labels.some((l) => l.uri === whileDown.uri && l.val === 'self-harm')).toBe(true)
    resumed.close()
  })
})

describe('negation and expiry', () => {
  test("deleting a post negates its labels in both endpoints", async () => {
    const p = await post(author, 'pro ana tips: hoe verberg je dat je niet eet voor je ouders #proana', { langs: ['nl'] })
    await caughtUp()
    expect(vals((await query({ uriPatterns: p.uri })).body.labels)).toContain('pro-ed')
    const seqBefore = await lab.service.store.getLatestSeq()
    await deleteRecord(author, p.uri)
    await caughtUp()
    expect((await query({ uriPatterns: p.uri })).body.labels).toEqual([])
    const sub = new LabelStreamClient(lab.url, seqBefore)
    await waitFor(() => sub.labels.length > 0, 'the negation')
    expect(sub.labels.every((l) => l.uri === p.uri && l.neg === true)).toBe(true)
    sub.close()
  })

  test('an expired label is not served by queryLabels; subscribers get it with its exp', async () => {
    const uri = `at://${author.did}/app.bsky.feed.post/expirytest`
    const seqBefore = await lab.service.store.getLatestSeq()
    await lab.service.store.apply([
      { uri, val: 'outrage-bait', exp: new Date(Date.now() - 60_000).toISOString() },
      { uri, val: 'diet-culture', exp: new Date(Date.now() + 3_600_000).toISOString() },
    ])
    expect(vals((await query({ uriPatterns: uri })).body.labels)).toEqual(['diet-culture'])
    const sub = new LabelStreamClient(lab.url, seqBefore)
    await waitFor(() => sub.labels.length === 2, 'both label events')
    expect(sub.labels.every((l) => typeof l.exp === 'string')).toBe(true)
    sub.close()
  })
})

describe('queryLabels', () => {
  test('prefix patterns, sources, and paging with limit to the end (no cursor when exhausted)', async () => {
    const all = await query({ uriPatterns: `at://${author.did}/*`, limit: 250 })
    expect(all.body.cursor).toBeUndefined()
    const n = all.body.labels?.length ?? 0
    expect(n).toBeGreaterThan(5)
    const seen: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 100; i++) {
      const page = await query({ uriPatterns: `at://${author.did}/*`, limit: 2, ...(cursor ? { cursor } : {}) })
      expect(page.status).toBe(200)
      seen.push(...(page.body.labels ?? []).map((l) => `${l.uri} ${l.val} ${l.cid ?? ''}`))
      cursor = page.body.cursor
      if (!cursor) break
    }
    expect(seen.length).toBe(n)
    expect(new Set(seen).size).toBe(n)
    expect((await query({ uriPatterns: `at://${author.did}/*`, sources: 'did:plc:someoneelse' })).body.labels).toEqual([])
    expect((await query({ uriPatterns: `at://${author.did}/*`, sources: id.account.did, limit: 250 })).body.labels).toHaveLength(n)
    // '_' and '%' are not wildcards
    expect((await query({ uriPatterns: `at://${author.did.slice(0, -2)}__/*` })).body.labels).toEqual([])
    expect((await query({ uriPatterns: `at://${author.did.slice(0, -2)}%` })).body.labels).toEqual([])
  })

  test.each([
    [{}, 'InvalidRequest'],
    [{ uriPatterns: 'at://x/*/y' }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', limit: 0 }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', limit: 251 }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', limit: 'many' }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', cursor: 'garbage' }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', cursor: "1' OR '1'='1" }, 'InvalidRequest'],
    [{ uriPatterns: 'at://x', sources: 'not-a-did' }, 'InvalidRequest'],
  ])('bad input %j → 400 %s', async (params, error) => {
    const res = await query(params as Record<string, string>)
    expect(res.status).toBe(400)
    expect(res.body.error).toBe(error)
  })
})

describe('what the Bluesky app does with these labels', () => {
  test('moderatePost with this labeler\'s definitions gives the behaviour LABELS.md specifies', () => {
    const defs = LABEL_DEFINITIONS.map((d) => interpretLabelValueDefinition(d as ComAtprotoLabelDefs.LabelValueDefinition, id.account.did))
    const decide = (val: string) => {
      const postView = {
        uri: `at://${author.did}/app.bsky.feed.post/mod${val}`,
        cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
        author: { did: author.did, handle: author.handle },
        record: { $type: 'app.bsky.feed.post', text: 'x', createdAt: new Date().toISOString() },
        indexedAt: new Date().toISOString(),
        labels: [{ src: id.account.did, uri: `at://${author.did}/app.bsky.feed.post/mod${val}`, val, cts: new Date().toISOString() }],
      }
      return moderatePost(postView as Parameters<typeof moderatePost>[0], {
        userDid: 'did:plc:reader',
        prefs: { adultContentEnabled: false, labels: {}, labelers: [{ did: id.account.did, labels: {} }], mutedWords: [], hiddenPosts: [] },
        labelDefs: { [id.account.did]: defs },
      })
    }
    // pro-ed: hidden from lists by default (and blurred where a list shows it); an alert on the post itself
    expect(decide('pro-ed').ui('contentList').filter).toBe(true)
    expect(decide('pro-ed').ui('contentList').blur).toBe(true)
    expect(decide('pro-ed').ui('contentView').alert).toBe(true)
    // blurs: content + warn → shown in lists behind a warning
    for (const val of ['diet-culture', 'body-comparison', 'outrage-bait', 'self-harm']) {
      const d = decide(val)
      expect(d.ui('contentList').filter, val).toBe(false)
      expect(d.ui('contentList').blur, val).toBe(true)
    }
    // severity: self-harm is an alert on the post, the others an informational note
    expect(decide('self-harm').ui('contentView').alert).toBe(true)
    for (const val of ['diet-culture', 'body-comparison', 'outrage-bait']) expect(decide(val).ui('contentView').inform, val).toBe(true)
    // lifestyle-flex: blurs none → shown as is, with an informational badge
    const flex = decide('lifestyle-flex')
    expect(flex.ui('contentList').blur).toBe(false)
    expect(flex.ui('contentList').filter).toBe(false)
    expect(flex.ui('contentList').inform).toBe(true)
  })
})
