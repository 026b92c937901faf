// Reports, appeals and review against a real PDS and PLC: reports travel the way the Bluesky app
// sends them (through the reporter's PDS with `atproto-proxy: <labeler>#atproto_labeler`, which
// signs a service-auth JWT for the labeler); moderators act through the admin API and the review CLI;
// a negation reaches subscribeLabels subscribers and a feed generator that trusts the labeler.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AutoLabeler, POST_COLLECTION } from '../labeler/labels/auto-labeler.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { withPgClient } from './helpers/database.ts'
import { caughtUp, startFeedgen, waitFor, walkFeed, type StartedFeedgen } from './helpers/feedgen.ts'
import { labelerCaughtUp, LabelStreamClient, setupLabelerIdentity, startLabeler, type LabelerIdentity, type StartedLabeler } from './helpers/labeler.ts'
import { freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { post } from './helpers/records.ts'

const PASSWORD = 'correct horse battery staple'
const CREATE_REPORT = 'com.atproto.moderation.createReport'
const VIOLATION = 'com.atproto.moderation.defs#reasonViolation'
const APPEAL = 'com.atproto.moderation.defs#reasonAppeal'
const PRO_ED_TEXT = 'nog 3 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo'

let net: TestNetwork
let id: LabelerIdentity
let lab: StartedLabeler
let fg: StartedFeedgen
let dataDir: string
let author: TestAccount
let reporter: TestAccount
let flooder: TestAccount
let org: TestAccount
let labelerDid: string
const feed = () => `at://${org.did}/app.bsky.feed.generator/veilig`

type ReportBody = { reasonType: string; reason?: string; subject: { $type: string } }

/** createReport the way the Bluesky app makes it: through the reporter's own PDS. */
async function reportViaPds(account: TestAccount, body: ReportBody) {
  return await account.agent.withProxy('atproto_labeler', labelerDid).com.atproto.moderation.createReport(body)
}

/** createReport straight to the labeler with a real service-auth JWT from the reporter's PDS. */
async function reportDirect(account: TestAccount, body: unknown, opts: { aud?: string; lxm?: string; auth?: string | null } = {}) {
  let authorization = opts.auth ?? undefined
  if (opts.auth === undefined) {
    const { data } = await account.agent.com.atproto.server.getServiceAuth({ aud: opts.aud ?? labelerDid, lxm: opts.lxm ?? CREATE_REPORT })
    authorization = `Bearer ${data.token}`
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (authorization) headers.authorization = authorization
  const res = await fetch(`${lab.url}/xrpc/${CREATE_REPORT}`, { method: 'POST', headers, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function admin(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown, opts: { password?: string | null; base?: string } = {}) {
  const headers: Record<string, string> = {}
  const password = opts.password === undefined ? PASSWORD : opts.password
  if (password !== null) headers.authorization = `Bearer ${password}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${opts.base ?? lab.url}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}

const strongRef = (p: { uri: string; cid: string }) => ({ $type: 'com.atproto.repo.strongRef', uri: p.uri, cid: p.cid })
const repoRef = (did: string) => ({ $type: 'com.atproto.admin.defs#repoRef', did })
const xrpcError = (err: unknown) => ({ status: (err as { status?: number }).status, error: (err as { error?: string }).error })

async function labelledPost(by: TestAccount = author, text = PRO_ED_TEXT, val = 'pro-ed') {
  const p = await post(by, text, { langs: ['nl'] })
  await labelerCaughtUp(net, lab)
  const labels = await lab.service.store.currentLabels(p.uri)
  expect(labels.map((l) => l.val)).toContain(val)
  return p
}

async function feedgenHasLabelsUpTo(seq: number): Promise<void> {
  const sub = fg.service.labelers.find((l) => l.did === labelerDid)!
  await waitFor(async () => {
    const row = await fg.service.db.selectFrom('cursor').select('seq').where('id', '=', sub.cursorId).executeTakeFirst()
    return Number(row?.seq ?? 0) >= seq
  }, `the feed generator to read labels up to ${seq}`)
}

beforeAll(async () => {
  net = await TestNetwork.create()
  author = await net.createAccount('auteur')
  reporter = await net.createAccount('melder')
  flooder = await net.createAccount('veelmelder')
  org = await net.createAccount('bieb')
  const account = await net.createAccount('welzijnlabels')
  const port = await freePort()
  // @NOTE a host name, not 127.0.0.1: the PDS's proxy client refuses IP-literal hosts even with its
  // SSRF protection off (allowIpHost: false in @atproto/pds)
  id = await setupLabelerIdentity(net, account, `http://localhost:${port}`)
  labelerDid = id.account.did
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'plein-moderation-test-'))
  lab = await startLabeler(net, id, { port, dataDir, env: { adminPassword: PASSWORD }, reportRateLimit: { max: 3, windowMs: 60 * 60_000 } })
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: veilig
    name: Veilig
    include: { hashtags: [buurt] }
    exclude:
      labels:
        - labeler: ${labelerDid}
          values: [pro-ed]
`,
  )
  await waitFor(() => fg.service.labelers.every((l) => l.metrics.connected), 'the feed generator to subscribe to the labeler')
})

afterAll(async () => {
  await fg?.close()
  await lab?.close()
  await net?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('createReport', () => {
  test('a report made through the reporter’s PDS (atproto-proxy) arrives, with the lexicon’s output, in the review queue', async () => {
    const p = await post(author, 'Gewoon een bericht over de markt', { langs: ['nl'] })
    const res = await reportViaPds(reporter, { reasonType: VIOLATION, reason: 'dit hoort hier niet', subject: strongRef(p) })
    expect(res.data).toEqual({
      id: expect.any(Number),
      reasonType: VIOLATION,
      reason: 'dit hoort hier niet',
      subject: strongRef(p),
      reportedBy: reporter.did,
      createdAt: expect.any(String),
    })
    expect(Number.isNaN(Date.parse(res.data.createdAt))).toBe(false)

    const account = await reportViaPds(reporter, { reasonType: 'tools.ozone.report.defs#reasonSelfHarmED', subject: repoRef(author.did) })
    expect(account.data).toMatchObject({ subject: repoRef(author.did), reportedBy: reporter.did })
    expect(account.data.reason).toBeUndefined()

    const queue = await admin('GET', '/admin/reports?status=open')
    expect(queue.status).toBe(200)
    const ids = queue.body.reports.map((r: { id: number }) => r.id)
    expect(ids).toEqual(expect.arrayContaining([res.data.id, account.data.id]))
    const shown = await admin('GET', `/admin/report?id=${res.data.id}`)
    expect(shown.body.report).toMatchObject({ id: res.data.id, status: 'open', appeal: false, reportedBy: reporter.did, subject: strongRef(p) })
  })

  test('the service-auth JWT is verified: missing, wrong audience, wrong method and garbage are refused; did#atproto_labeler is accepted', async () => {
    const body = { reasonType: VIOLATION, subject: repoRef(author.did) }
    expect(await reportDirect(reporter, body, { auth: null })).toMatchObject({ status: 401, body: { error: 'AuthMissing' } })
    expect(await reportDirect(reporter, body, { auth: 'Bearer not.a.jwt' })).toMatchObject({ status: 401 })
    expect(await reportDirect(reporter, body, { aud: org.did })).toMatchObject({ status: 401, body: { error: 'BadJwtAudience' } })
    expect(await reportDirect(reporter, body, { lxm: 'com.atproto.label.queryLabels' })).toMatchObject({ status: 401, body: { error: 'BadJwtLexiconMethod' } })
    const ok = await reportDirect(reporter, { reasonType: 'com.atproto.moderation.defs#reasonRude', subject: repoRef(org.did) }, { aud: `${labelerDid}#atproto_labeler` })
    expect(ok).toMatchObject({ status: 200, body: { reportedBy: reporter.did, subject: repoRef(org.did) } })
  })

  test('bad input gets InvalidRequest: unknown reason type, a reason over 2000 characters, a malformed subject', async () => {
    // @NOTE the rate limit is 3 reports per hour in this file: each test reports as its own accounts
    const reporter = await net.createAccount('invoer')
    const p = await post(author, 'Nog een gewoon bericht', { langs: ['nl'] })
    const cases: unknown[] = [
      { reasonType: 'com.atproto.moderation.defs#reasonSpam', subject: strongRef(p) },
      { reasonType: 'nonsense', subject: strongRef(p) },
      { reasonType: VIOLATION, reason: 'x'.repeat(2001), subject: strongRef(p) },
      { reasonType: VIOLATION, subject: { $type: 'com.atproto.repo.strongRef', uri: p.uri } },
      { reasonType: VIOLATION, subject: { $type: 'com.atproto.repo.strongRef', uri: 'https://example.com', cid: p.cid } },
      { reasonType: VIOLATION, subject: { $type: 'com.atproto.admin.defs#repoRef', did: 'not-a-did' } },
      { reasonType: VIOLATION, subject: { did: author.did } },
      { reasonType: VIOLATION },
      [1, 2, 3],
    ]
    for (const body of cases) {
      const res = await reportDirect(reporter, body)
      expect({ body, status: res.status, error: res.body.error }).toEqual({ body, status: 400, error: 'InvalidRequest' })
    }
    // 2000 characters (graphemes) is fine, also when they are multi-byte
    const long = await reportDirect(reporter, { reasonType: VIOLATION, reason: 'é'.repeat(2000), subject: strongRef(p) })
    expect(long.status).toBe(200)
  })
})

describe('appeals', () => {
  test('only the author of a labelled post can appeal, once while the appeal is open', async () => {
    const p = await labelledPost()
    const appeal = { reasonType: APPEAL, reason: 'dit is een citaat uit een nieuwsartikel', subject: strongRef(p) }

    const byOther = await reportViaPds(reporter, appeal).catch((err: unknown) => err)
    expect(xrpcError(byOther)).toEqual({ status: 400, error: 'AppealNotAllowed' })

    const unlabelled = await post(author, 'Recept voor linzensoep met wortel en komijn', { langs: ['nl'] })
    await labelerCaughtUp(net, lab)
    const notLabelled = await reportViaPds(author, { ...appeal, subject: strongRef(unlabelled) }).catch((err: unknown) => err)
    expect(xrpcError(notLabelled)).toEqual({ status: 400, error: 'AppealNotAllowed' })

    const ok = await reportViaPds(author, appeal)
    expect(ok.data).toMatchObject({ reasonType: APPEAL, reportedBy: author.did, subject: strongRef(p) })
    const queued = await admin('GET', `/admin/report?id=${ok.data.id}`)
    expect(queued.body.report).toMatchObject({ appeal: true, status: 'open' })
    expect(queued.body.labels.map((l: { val: string }) => l.val)).toContain('pro-ed')

    // a second open appeal on the same subject, also with the newer reason name
    for (const reasonType of [APPEAL, 'tools.ozone.report.defs#reasonAppeal']) {
      const again = await reportViaPds(author, { ...appeal, reasonType }).catch((err: unknown) => err)
      expect(xrpcError(again)).toEqual({ status: 400, error: 'AppealAlreadyOpen' })
    }

    // once the appeal is resolved, the author may appeal again (a new decision to contest)
    expect((await admin('POST', '/admin/resolve', { id: ok.data.id, resolution: 'dismissed', comment: 'label klopt', moderator: 'mod-anna' })).status).toBe(200)
    const later = await reportViaPds(author, appeal)
    expect(later.data.id).toBeGreaterThan(ok.data.id)
  })

  test('an account appeal needs a label on the account and comes from that account', async () => {
    const refused = await reportViaPds(author, { reasonType: APPEAL, subject: repoRef(author.did) }).catch((err: unknown) => err)
    expect(xrpcError(refused)).toEqual({ status: 400, error: 'AppealNotAllowed' })
    await admin('POST', '/admin/label', { uri: author.did, val: 'diet-culture', reason: 'account plaatst vooral dieetreclame', moderator: 'mod-anna' })
    const fromOther = await reportViaPds(reporter, { reasonType: APPEAL, subject: repoRef(author.did) }).catch((err: unknown) => err)
    expect(xrpcError(fromOther)).toEqual({ status: 400, error: 'AppealNotAllowed' })
    const ok = await reportViaPds(author, { reasonType: APPEAL, reason: 'ik ben diëtist', subject: repoRef(author.did) })
    expect(ok.data.subject).toEqual(repoRef(author.did))
  })
})

describe('abuse limits', () => {
  test('identical reports while one is open return the open report; the per-reporter rate limit holds (429 RateLimitExceeded)', async () => {
    const posts = await Promise.all([1, 2, 3, 4].map((i) => post(author, `Bericht nummer ${i} over de buurt`, { langs: ['nl'] })))
    const first = await reportViaPds(flooder, { reasonType: VIOLATION, reason: 'eerste keer', subject: strongRef(posts[0]!) })
    const same = await reportViaPds(flooder, { reasonType: VIOLATION, reason: 'nog een keer', subject: strongRef(posts[0]!) })
    expect(same.data.id).toBe(first.data.id)
    expect(same.data.reason).toBe('eerste keer')
    // a different reason type is a different report
    const other = await reportViaPds(flooder, { reasonType: 'com.atproto.moderation.defs#reasonMisleading', subject: strongRef(posts[0]!) })
    expect(other.data.id).not.toBe(first.data.id)
    await reportViaPds(flooder, { reasonType: VIOLATION, subject: strongRef(posts[1]!) })

    // the limit is 3 per hour in this test: the 4th new report is refused, straight and through the PDS
    const direct = await reportDirect(flooder, { reasonType: VIOLATION, subject: strongRef(posts[2]!) })
    expect(direct.status).toBe(429)
    expect(direct.body.error).toBe('RateLimitExceeded')
    expect(direct.body.message).toMatch(/at most 3 per hour/)
    const proxied = await reportViaPds(flooder, { reasonType: VIOLATION, subject: strongRef(posts[3]!) }).catch((err: unknown) => err)
    expect(xrpcError(proxied)).toEqual({ status: 429, error: 'RateLimitExceeded' })
    // a duplicate of an open report still answers (it creates nothing)
    expect((await reportViaPds(flooder, { reasonType: VIOLATION, subject: strongRef(posts[0]!) })).data.id).toBe(first.data.id)
    // other reporters are not affected
    const other2 = await net.createAccount('anderemelder')
    expect((await reportViaPds(other2, { reasonType: VIOLATION, subject: strongRef(posts[3]!) })).data.reportedBy).toBe(other2.did)

    const open = await admin('GET', `/admin/reports?status=open&subject=${encodeURIComponent(posts[0]!.uri)}`)
    expect(open.body.reports.filter((r: { reportedBy: string }) => r.reportedBy === flooder.did)).toHaveLength(2)
  })
})

describe('admin API', () => {
  test('no password or a wrong one is 401; the right one works', async () => {
    for (const password of [null, 'wrong', `${PASSWORD}x`, '']) {
      const res = await admin('GET', '/admin/reports', undefined, { password })
      expect({ password, status: res.status }).toEqual({ password, status: 401 })
    }
    const basic = await fetch(`${lab.url}/admin/reports`, { headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` } })
    expect(basic.status).toBe(401)
    const post = await admin('POST', '/admin/negate', { uri: author.did, val: 'pro-ed', reason: 'x', moderator: 'x' }, { password: 'wrong' })
    expect(post.status).toBe(401)
    expect((await admin('GET', '/admin/reports')).status).toBe(200)
  })

  test('actions need a moderator and a reason; labels must be this labeler’s values; unknown reports are 404', async () => {
    const p = await post(author, 'Iets om te labelen', { langs: ['nl'] })
    const base = { uri: p.uri, val: 'diet-culture', reason: 'test', moderator: 'mod-bram' }
    expect((await admin('POST', '/admin/label', { ...base, moderator: '' })).body.error).toBe('InvalidRequest')
    expect((await admin('POST', '/admin/label', { ...base, reason: ' ' })).body.error).toBe('InvalidRequest')
    expect((await admin('POST', '/admin/label', { ...base, val: 'nonsense' })).body.error).toBe('InvalidRequest')
    expect((await admin('POST', '/admin/negate', { ...base, uri: 'https://example.com/post' })).body.error).toBe('InvalidRequest')
    expect((await admin('POST', '/admin/label', { ...base, uri: author.did, cid: p.cid })).body.error).toBe('InvalidRequest')
    expect((await admin('POST', '/admin/label', { ...base, reportId: 999_999 })).status).toBe(404)
    expect((await admin('GET', '/admin/report?id=999999')).status).toBe(404)
    expect((await admin('POST', '/admin/resolve', { id: 999_999, resolution: 'acted', comment: 'x', moderator: 'y' })).status).toBe(404)
    expect((await admin('POST', '/admin/resolve', { id: 1, resolution: 'maybe', comment: 'x', moderator: 'y' })).status).toBe(400)
    expect(await lab.service.store.currentLabels(p.uri)).toEqual([])
  })

  test('without LABELER_ADMIN_PASSWORD the admin endpoints do not exist', async () => {
    const other = await startLabeler(net, id, { env: { adminPassword: undefined } })
    try {
      for (const [method, p] of [['GET', '/admin/reports'], ['GET', '/admin/audit'], ['POST', '/admin/negate']] as const) {
        const res = await admin(method, p, method === 'POST' ? {} : undefined, { base: other.url })
        expect({ p, status: res.status }).toEqual({ p, status: 404 })
      }
      // createReport still works
      const res = await fetch(`${other.url}/xrpc/${CREATE_REPORT}`, { method: 'POST' })
      expect(res.status).toBe(401)
    } finally {
      await other.close()
    }
  })
})

describe('moderator decisions', () => {
  test('a negation reaches subscribeLabels subscribers and brings the post back into a feed that excludes the label', async () => {
    const author = await net.createAccount('buurtbewoner')
    const ok = await post(author, 'Buurtbarbecue zaterdag in het park! #buurt', { langs: ['nl'] })
    const bad = await post(author, `${PRO_ED_TEXT} #buurt`, { langs: ['nl'] })
    await caughtUp(net, fg)
    await labelerCaughtUp(net, lab)
    expect((await lab.service.store.currentLabels(bad.uri)).map((l) => l.val)).toContain('pro-ed')
    await feedgenHasLabelsUpTo(await lab.service.store.getLatestSeq())
    expect(await walkFeed(fg.url, feed())).toEqual(expect.arrayContaining([ok.uri]))
    expect(await walkFeed(fg.url, feed())).not.toContain(bad.uri)

    const appeal = await reportViaPds(author, { reasonType: APPEAL, reason: 'ik schreef over mijn herstel', subject: strongRef(bad) })
    const live = new LabelStreamClient(lab.url)
    await live.opened
    const res = await admin('POST', '/admin/negate', { uri: bad.uri, val: 'pro-ed', reason: 'bezwaar terecht: citaat', moderator: 'mod-anna', reportId: appeal.data.id })
    expect(res.status).toBe(200)
    expect(res.body.events).toEqual([{ seq: expect.any(Number), uri: bad.uri, cid: bad.cid, val: 'pro-ed', neg: true }])
    expect(res.body.audit).toMatchObject({ moderator: 'mod-anna', action: 'negate', subject: bad.uri, val: 'pro-ed', reportId: appeal.data.id, reason: 'bezwaar terecht: citaat' })

    await waitFor(() => live.labels.some((l) => l.uri === bad.uri && l.neg === true), 'the negation on the live stream')
    const neg = live.labels.find((l) => l.uri === bad.uri)!
    expect(neg).toMatchObject({ src: labelerDid, val: 'pro-ed', neg: true, cid: bad.cid })
    live.close()

    await feedgenHasLabelsUpTo(res.body.events[0].seq)
    expect(await walkFeed(fg.url, feed())).toEqual(expect.arrayContaining([bad.uri, ok.uri]))

    const resolved = await admin('POST', '/admin/resolve', { id: appeal.data.id, resolution: 'acted', comment: 'label ingetrokken', moderator: 'mod-anna' })
    expect(resolved.body.report).toMatchObject({ status: 'resolved', resolution: { resolution: 'acted', moderator: 'mod-anna', comment: 'label ingetrokken' } })
    expect((await admin('POST', '/admin/resolve', { id: appeal.data.id, resolution: 'acted', comment: 'x', moderator: 'y' })).body.error).toBe('AlreadyResolved')
    const queue = await admin('GET', '/admin/reports?status=open')
    expect(queue.body.reports.map((r: { id: number }) => r.id)).not.toContain(appeal.data.id)
  })

  test('the classifier does not re-apply a label a moderator negated: not on an edit, not on a replay', async () => {
    const p = await labelledPost()
    await admin('POST', '/admin/negate', { uri: p.uri, val: 'pro-ed', reason: 'satire', moderator: 'mod-bram' })
    expect((await lab.service.store.currentLabels(p.uri)).map((l) => l.val)).not.toContain('pro-ed')

    // the author edits the post (same text, new version): the classifier sees it again
    const rkey = p.uri.split('/').pop()!
    const edited = await author.agent.com.atproto.repo.putRecord({
      repo: author.did,
      collection: POST_COLLECTION,
      rkey,
      record: { $type: POST_COLLECTION, text: PRO_ED_TEXT, langs: ['nl', 'en'], createdAt: new Date().toISOString() },
    })
    expect(edited.data.cid).not.toBe(p.cid)
    await labelerCaughtUp(net, lab)
    expect((await lab.service.store.currentLabels(p.uri)).map((l) => l.val)).not.toContain('pro-ed')

    // a replay of the original create (e.g. after a restart from an older cursor)
    const auto = new AutoLabeler({ store: lab.service.store, classifier: lab.service.classifier, langs: [], logger: subsystemLogger('test') })
    const cursor = (await lab.service.store.getCursor('firehose')) ?? 0
    const record = { $type: POST_COLLECTION, text: PRO_ED_TEXT, langs: ['nl'], createdAt: new Date().toISOString() }
    for (const cid of [p.cid, edited.data.cid]) {
      await auto.handleBatch([{ type: 'commit', seq: cursor, did: author.did, rev: 'x', time: new Date().toISOString(), ops: [{ action: 'create', collection: POST_COLLECTION, rkey, uri: p.uri, cid, record }] }], cursor)
    }
    expect((await lab.service.store.currentLabels(p.uri)).map((l) => l.val)).not.toContain('pro-ed')
    const q = (await (await fetch(`${lab.url}/xrpc/com.atproto.label.queryLabels?uriPatterns=${encodeURIComponent(p.uri)}`)).json()) as { labels: { val: string }[] }
    expect(q.labels.map((l) => l.val)).not.toContain('pro-ed')

    // the same classifier still labels other posts
    await labelledPost()
  })

  test('a moderator’s label is not negated by the automatic path when the post is edited', async () => {
    const p = await post(author, 'Een gewoon bericht over brood', { langs: ['nl'] })
    await labelerCaughtUp(net, lab)
    expect(await lab.service.store.currentLabels(p.uri)).toEqual([])
    const res = await admin('POST', '/admin/label', { uri: p.uri, cid: p.cid, val: 'diet-culture', reason: 'onderdeel van een reeks dieetreclames', moderator: 'mod-anna' })
    expect(res.body.events).toEqual([{ seq: expect.any(Number), uri: p.uri, cid: p.cid, val: 'diet-culture', neg: false }])
    await author.agent.com.atproto.repo.putRecord({
      repo: author.did,
      collection: POST_COLLECTION,
      rkey: p.uri.split('/').pop()!,
      record: { $type: POST_COLLECTION, text: 'Een gewoon bericht over brood (bewerkt)', langs: ['nl'], createdAt: new Date().toISOString() },
    })
    await labelerCaughtUp(net, lab)
    const labels = await lab.service.store.currentLabels(p.uri)
    expect(labels.map((l) => ({ val: l.val, cid: l.cid, automatic: l.automatic }))).toEqual([{ val: 'diet-culture', cid: p.cid, automatic: false }])
  })

  test('a moderator confirming an automatic label makes it manual: an edit does not negate it', async () => {
    const p = await labelledPost()
    const res = await admin('POST', '/admin/label', { uri: p.uri, cid: p.cid, val: 'pro-ed', reason: 'bevestigd', moderator: 'mod-bram' })
    expect(res.body.events).toEqual([])
    expect((await lab.service.store.currentLabels(p.uri)).find((l) => l.val === 'pro-ed')?.automatic).toBe(false)
    await author.agent.com.atproto.repo.putRecord({
      repo: author.did,
      collection: POST_COLLECTION,
      rkey: p.uri.split('/').pop()!,
      record: { $type: POST_COLLECTION, text: 'Heel ander bericht nu', langs: ['nl'], createdAt: new Date().toISOString() },
    })
    await labelerCaughtUp(net, lab)
    expect((await lab.service.store.currentLabels(p.uri)).map((l) => `${l.val} ${l.cid}`)).toEqual([`pro-ed ${p.cid}`])
  })
})

describe('audit log', () => {
  test('records every action (who, what, when, why) and refuses UPDATE and DELETE', async () => {
    const res = await admin('GET', '/admin/audit?limit=500')
    expect(res.status).toBe(200)
    const entries = res.body.entries as { id: number; action: string; moderator: string; reason: string; createdAt: string }[]
    const actions = entries.map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['label', 'negate', 'resolve']))
    for (const e of entries) {
      expect(e.moderator).toMatch(/^mod-/)
      expect(e.reason.length).toBeGreaterThan(0)
      expect(Number.isNaN(Date.parse(e.createdAt))).toBe(false)
    }
    // newest first, ids only grow
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a))

    // straight at the database, past the service: the table itself refuses
    if (lab.service.cfg.db.kind === 'postgres') {
      await withPgClient(lab.service.cfg.db.url, 'labeler', async (c) => {
        const before = await c.query<{ n: number }>('select count(*)::int as n from audit_log')
        expect(before.rows[0]!.n).toBe(entries.length)
        await expect(c.query("update audit_log set reason = 'rewritten' where id = $1", [entries[0]!.id])).rejects.toThrow(/append-only/)
        await expect(c.query('delete from audit_log where id = $1', [entries[0]!.id])).rejects.toThrow(/append-only/)
        await expect(c.query('delete from audit_log')).rejects.toThrow(/append-only/)
        await expect(c.query('truncate audit_log')).rejects.toThrow(/append-only/)
        expect((await c.query<{ reason: string }>('select reason from audit_log where id = $1', [entries[0]!.id])).rows[0]!.reason).toBe(entries[0]!.reason)
      })
      return
    }
    const raw = new SqliteDatabase(path.join(dataDir, 'labeler.sqlite'))
    try {
      raw.pragma('busy_timeout = 5000')
      const before = raw.prepare('select count(*) as n from audit_log').get() as { n: number }
      expect(before.n).toBe(entries.length)
      expect(() => raw.prepare("update audit_log set reason = 'rewritten' where id = ?").run(entries[0]!.id)).toThrow(/append-only/)
      expect(() => raw.prepare('delete from audit_log where id = ?').run(entries[0]!.id)).toThrow(/append-only/)
      expect(() => raw.prepare('delete from audit_log').run()).toThrow(/append-only/)
      expect((raw.prepare('select reason from audit_log where id = ?').get(entries[0]!.id) as { reason: string }).reason).toBe(entries[0]!.reason)
    } finally {
      raw.close()
    }
  })
})

describe('npm run review', () => {
  const run = promisify(execFile)
  const review = (args: string[], env: Record<string, string | undefined> = {}) =>
    run(process.execPath, [path.resolve('scripts/review.ts'), ...args], {
      env: { ...process.env, LABELER_URL: lab.url, LABELER_ADMIN_PASSWORD: PASSWORD, LABELER_MODERATOR: 'mod-cli', ...env },
    })

  test('list shows the open reports; negate negates and is audited; show tells the story', async () => {
    const reporter = await net.createAccount('climelder')
    const p = await labelledPost()
    const rep = await reportViaPds(reporter, { reasonType: VIOLATION, reason: 'promoot eetstoornis', subject: strongRef(p) })

    const list = await review(['list'])
    expect(list.stdout).toContain(`#${rep.data.id} [open] violation ${p.uri} by ${reporter.did}`)
    const json = JSON.parse((await review(['list', '--json'])).stdout) as { reports: { id: number }[] }
    expect(json.reports.map((r) => r.id)).toContain(rep.data.id)

    const neg = await review(['negate', p.uri, 'pro-ed', '--reason', 'via de CLI beoordeeld', '--report', String(rep.data.id)])
    expect(neg.stdout).toMatch(new RegExp(`negated pro-ed on ${p.uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 label change\\(s\\)`))
    expect((await lab.service.store.currentLabels(p.uri)).map((l) => l.val)).not.toContain('pro-ed')

    const resolve = await review(['resolve', String(rep.data.id), 'acted', '--comment', 'label weg'])
    expect(resolve.stdout).toContain(`report ${rep.data.id} resolved: acted`)

    const show = await review(['show', String(rep.data.id)])
    expect(show.stdout).toContain('resolved:    acted by mod-cli')
    expect(show.stdout).toContain('mod-cli: negate pro-ed')
    const audit = JSON.parse((await review(['audit', '--report', String(rep.data.id), '--json'])).stdout) as { entries: { moderator: string; action: string }[] }
    expect(audit.entries.map((e) => `${e.moderator} ${e.action}`)).toEqual(['mod-cli resolve', 'mod-cli negate'])
  })

  test('usage errors exit 2; a wrong password exits 1 with the reason', async () => {
    const usage = await review(['negate', 'at://x']).catch((err: { code: number; stderr: string }) => err)
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run review') })
    const wrong = await review(['list'], { LABELER_ADMIN_PASSWORD: 'nope' }).catch((err: { code: number; stderr: string }) => err)
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('401') })
  })
})
