import { Secp256k1Keypair } from '@atproto/crypto'
import { sql } from 'kysely'
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { LabelStore } from '../labels/store.ts'
import { checkAdminPassword } from './admin-auth.ts'
import { InvalidReportError, Moderation, parseReport, ReportRateLimitError, ReportRefusedError } from './index.ts'

const SRC = 'did:plc:plein-labeler'
const AUTHOR = 'did:plc:author'
const REPORTER = 'did:plc:reporter'
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
const CID2 = 'bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
const T0 = Date.parse('2025-03-01T12:00:00.000Z')
const HOUR = 60 * 60_000
const uri = (rkey: string) => `at://${AUTHOR}/app.bsky.feed.post/${rkey}`
const strongRef = (rkey: string, cid = CID) => ({ $type: 'com.atproto.repo.strongRef', uri: uri(rkey), cid })
const violation = (rkey: string) => ({ reasonType: 'com.atproto.moderation.defs#reasonViolation', subject: strongRef(rkey) })

let keypair: Secp256k1Keypair
let clock: number
let store: LabelStore
let mod: Moderation

beforeAll(async () => {
  keypair = await Secp256k1Keypair.create()
})
beforeEach(async () => {
  clock = T0
  store = await LabelStore.open({ file: ':memory:', src: SRC, keypair, now: () => clock })
  mod = new Moderation(store, { now: () => clock, reportRateLimit: { max: 2, windowMs: HOUR } })
})
afterEach(async () => {
  await store.close()
})

describe('parseReport', () => {
  test('accepts both subject kinds and the documented reason types', () => {
    expect(parseReport(violation('a'))).toMatchObject({ subjectDid: AUTHOR, subjectKey: uri('a') })
    expect(parseReport({ reasonType: 'tools.ozone.report.defs#reasonSelfHarmED', subject: { $type: 'com.atproto.admin.defs#repoRef', did: AUTHOR } })).toMatchObject({
      subjectDid: AUTHOR,
      subjectKey: AUTHOR,
    })
  })

  test.each([
    ['not an object', 'x'],
    ['spam is not this labeler’s business', { ...violation('a'), reasonType: 'com.atproto.moderation.defs#reasonSpam' }],
    ['handle instead of DID in the URI', { ...violation('a'), subject: { $type: 'com.atproto.repo.strongRef', uri: 'at://alice.test/app.bsky.feed.post/a', cid: CID } }],
    ['a URI without a record', { ...violation('a'), subject: { $type: 'com.atproto.repo.strongRef', uri: `at://${AUTHOR}`, cid: CID } }],
    ['a bad cid', { ...violation('a'), subject: strongRef('a', 'nope') }],
    ['2001 graphemes', { ...violation('a'), reason: '👍🏽'.repeat(2001) }],
    ['no subject type', { ...violation('a'), subject: { uri: uri('a'), cid: CID } }],
  ])('refuses %s', (_, body) => {
    expect(() => parseReport(body)).toThrow(InvalidReportError)
  })

  test('2000 graphemes of several code points each are fine', () => {
    expect(parseReport({ ...violation('a'), reason: '👍🏽'.repeat(2000) }).reason).toHaveLength(8000)
  })
})

describe('ReportQueue', () => {
  test('the rate limit counts new reports in a sliding window; duplicates count nothing', async () => {
    const a = await mod.reports.create(violation('a'), REPORTER)
    expect((await mod.reports.create(violation('a'), REPORTER)).duplicate).toBe(true)
    await mod.reports.create(violation('b'), REPORTER)
    clock += HOUR / 2
    const err = await mod.reports.create(violation('c'), REPORTER).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ReportRateLimitError)
    expect((err as ReportRateLimitError).retryAfterMs).toBe(HOUR / 2)
    clock += HOUR / 2 + 1
    expect((await mod.reports.create(violation('c'), REPORTER)).duplicate).toBe(false)
    expect(a.report.id).toBe(1)
  })

  test('after a report is resolved, the same report can be made again', async () => {
    const a = await mod.reports.create(violation('a'), REPORTER)
    await mod.reports.resolve(a.report.id, { resolution: 'dismissed', comment: 'niets aan de hand', moderator: 'mod' })
    const again = await mod.reports.create(violation('a'), REPORTER)
    expect(again).toMatchObject({ duplicate: false, report: { status: 'open' } })
    expect(again.report.id).not.toBe(a.report.id)
  })

  test('appeals: author only, labelled subjects only, one open per subject (any version)', async () => {
    const appeal = { reasonType: 'com.atproto.moderation.defs#reasonAppeal', subject: strongRef('a') }
    await expect(mod.reports.create(appeal, AUTHOR)).rejects.toMatchObject({ code: 'AppealNotAllowed' })
    await store.apply([{ uri: uri('a'), cid: CID, val: 'pro-ed' }], { automatic: true })
    await expect(mod.reports.create(appeal, REPORTER)).rejects.toBeInstanceOf(ReportRefusedError)
    await mod.reports.create(appeal, AUTHOR)
    await expect(mod.reports.create({ ...appeal, subject: strongRef('a', CID2) }, AUTHOR)).rejects.toMatchObject({ code: 'AppealAlreadyOpen' })
  })

  test('the database holds the rules too: a second open appeal or duplicate cannot be inserted', async () => {
    await store.apply([{ uri: uri('a'), val: 'pro-ed' }], { automatic: true })
    await mod.reports.create({ reasonType: 'com.atproto.moderation.defs#reasonAppeal', subject: strongRef('a') }, AUTHOR)
    await expect(
      sql`insert into report (reason_type, subject_type, subject_did, subject_key, appeal, reported_by, created_at, created_ms, status)
          values ('tools.ozone.report.defs#reasonAppeal', 'record', ${AUTHOR}, ${uri('a')}, 1, ${AUTHOR}, '', 0, 'open')`.execute(store.db),
    ).rejects.toThrow(/UNIQUE/)
    await mod.reports.create(violation('b'), REPORTER)
    await expect(
      sql`insert into report (reason_type, subject_type, subject_did, subject_key, appeal, reported_by, created_at, created_ms, status)
          values ('com.atproto.moderation.defs#reasonViolation', 'record', ${AUTHOR}, ${uri('b')}, 0, ${REPORTER}, '', 0, 'open')`.execute(store.db),
    ).rejects.toThrow(/UNIQUE/)
  })
})

describe('manual decisions', () => {
  test('a moderator’s negation stops the classifier from applying the value again, on any version; a new manual label lifts it', async () => {
    await store.apply([{ uri: uri('a'), cid: CID, val: 'pro-ed' }], { automatic: true })
    const neg = await mod.actions.negate({ uri: uri('a'), val: 'pro-ed', reason: 'satire', moderator: 'mod-anna' })
    expect(neg.events).toHaveLength(1)
    expect(await store.apply([{ uri: uri('a'), cid: CID, val: 'pro-ed' }], { automatic: true })).toEqual([])
    expect(await store.apply([{ uri: uri('a'), cid: CID2, val: 'pro-ed' }], { automatic: true })).toEqual([])
    // other values and other posts are not affected
    expect(await store.apply([{ uri: uri('a'), cid: CID, val: 'self-harm' }], { automatic: true })).toHaveLength(1)
    expect(await store.apply([{ uri: uri('b'), cid: CID, val: 'pro-ed' }], { automatic: true })).toHaveLength(1)
    // a moderator may still apply it
    await mod.actions.label({ uri: uri('a'), cid: CID2, val: 'pro-ed', reason: 'toch wel', moderator: 'mod-bram' })
    expect((await store.currentLabels(uri('a'))).map((l) => `${l.val} ${l.cid ?? ''} ${l.automatic}`).sort()).toEqual([`pro-ed ${CID2} false`, `self-harm ${CID} true`])
  })

  test('label, decision and audit entry commit together: a failing action leaves no trace', async () => {
    await expect(mod.actions.label({ uri: uri('a'), val: 'pro-ed', reason: 'x', moderator: 'm', reportId: 42 })).rejects.toThrow(/no report 42/)
    expect(await store.currentLabels(uri('a'))).toEqual([])
    expect(await store.getLatestSeq()).toBe(0)
    expect((await mod.audit({ limit: 10 })).entries).toEqual([])
    expect(await store.db.selectFrom('manual_decision').selectAll().execute()).toEqual([])
  })

  test('the audit log is append-only', async () => {
    await mod.actions.label({ uri: AUTHOR, val: 'diet-culture', reason: 'reclame', moderator: 'mod-anna' })
    const [entry] = (await mod.audit({ limit: 10 })).entries
    expect(entry).toMatchObject({ moderator: 'mod-anna', action: 'label', subject: AUTHOR, val: 'diet-culture', reason: 'reclame', createdAt: new Date(T0).toISOString() })
    await expect(store.db.updateTable('audit_log').set({ reason: 'anders' }).execute()).rejects.toThrow(/append-only/)
    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
  })
})

test('checkAdminPassword: only the exact bearer password', () => {
  expect(checkAdminPassword('Bearer geheim wachtwoord', 'geheim wachtwoord')).toBe(true)
  expect(checkAdminPassword('bearer geheim wachtwoord', 'geheim wachtwoord')).toBe(true)
  for (const h of [undefined, '', 'Bearer ', 'Bearer geheim', 'Bearer geheim wachtwoord2', 'Basic geheim wachtwoord', 'geheim wachtwoord']) {
    expect(checkAdminPassword(h, 'geheim wachtwoord')).toBe(false)
  }
})
