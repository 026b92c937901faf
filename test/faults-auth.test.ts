// Auth matrix for every endpoint that takes credentials:
// - service-auth JWTs: the feed generator's getFeedSkeleton (optional: personalisation) and
//   sendInteractions, the labeler's createReport. Positives and the aud/lxm variants are real tokens
//   from the PDS (com.atproto.server.getServiceAuth); the rest are forged with @atproto/crypto keys,
//   most of them for an identity of our own on the PLC (so the signature is valid and only the one
//   defect under test is wrong); a key rotation on the PLC checks the old key is refused afterwards.
// - the labeler's admin API (Authorization: Bearer $LABELER_ADMIN_PASSWORD), all seven endpoints.
// Every rejection is a 401 with the atproto error name in an XRPC error body.
import * as plc from '@did-plc/lib'
import { Secp256k1Keypair, type Keypair } from '@atproto/crypto'
import { createServiceJwt } from '@atproto/xrpc-server'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFeedgen, waitFor, type StartedFeedgen } from './helpers/feedgen.ts'
import { labelerCaughtUp, setupLabelerIdentity, startLabeler, type StartedLabeler } from './helpers/labeler.ts'
import { ADMIN_PASSWORD as PDS_ADMIN_PASSWORD, freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { post } from './helpers/records.ts'

const ADMIN = 'moderators-only-7f3a'
const FEEDGEN_DID = 'did:web:feeds.test'
const SKELETON = 'app.bsky.feed.getFeedSkeleton'
const SEND = 'app.bsky.feed.sendInteractions'
const REPORT = 'com.atproto.moderation.createReport'
const VIOLATION = 'com.atproto.moderation.defs#reasonViolation'

let net: TestNetwork
let fg: StartedFeedgen
let lab: StartedLabeler
let org: TestAccount
let reader: TestAccount
let other: TestAccount
let labelerDid: string
let labelled: { uri: string; cid: string }

/** A DID of our own on the PLC, whose atproto signing key we hold (and can rotate). */
interface OwnIdentity {
  did: string
  key: Keypair
  rotation: Keypair
}

async function ownIdentity(name: string): Promise<OwnIdentity> {
  const key = await Secp256k1Keypair.create()
  const rotation = await Secp256k1Keypair.create()
  const did = await new plc.Client(net.plcUrl).createDid({ signingKey: key.did(), handle: `${name}.test`, pds: net.pdsUrl, rotationKeys: [rotation.did()], signer: rotation })
  return { did, key, rotation }
}

async function rotate(id: OwnIdentity): Promise<OwnIdentity> {
  const key = await Secp256k1Keypair.create()
  await new plc.Client(net.plcUrl).updateAtprotoKey(id.did, id.rotation, key.did())
  return { ...id, key }
}

let forger: OwnIdentity
/** a loopback port nothing listens on */
let deadPort: number

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('authbieb')
  reader = await net.createAccount('authlezer')
  other = await net.createAccount('authander')
  forger = await ownIdentity('eigen')
  deadPort = await freePort()
  const port = await freePort()
  const id = await setupLabelerIdentity(net, await net.createAccount('authlabels'), `http://127.0.0.1:${port}`)
  labelerDid = id.account.did
  lab = await startLabeler(net, id, { port, env: { adminPassword: ADMIN }, reportRateLimit: { max: 10_000 } })
  fg = await startFeedgen(net, `publisher: ${org.did}\nfeeds:\n  - id: auth\n    name: Auth\n    include: { hashtags: [auth] }\n`)
  labelled = await post(other, 'nog 2 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo', { langs: ['nl'] })
  await labelerCaughtUp(net, lab)
  await waitFor(async () => (await lab.service.store.currentLabels(labelled.uri)).length > 0, 'a label to act on')
})

afterAll(async () => {
  await fg?.close()
  await lab?.close()
  await net?.close()
})

// ---------------------------------------------------------------------------------------------------
// tokens

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const nowS = () => Math.floor(Date.now() / 1000)

/** A JWT with exactly this header and payload, signed by `key` (or with the given signature). */
async function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, key?: Keypair): Promise<string> {
  const signing = `${b64(header)}.${b64(payload)}`
  const sig = key ? Buffer.from(await key.sign(Buffer.from(signing, 'utf8'))).toString('base64url') : ''
  return `${signing}.${sig}`
}

interface Endpoint {
  name: string
  base: () => string
  method: 'GET' | 'POST'
  path: () => string
  body?: () => unknown
  aud: () => string
  lxm: string
  /** without any Authorization header */
  anonymous: { status: number; error?: string }
}

const endpoints: Endpoint[] = [
  {
    name: 'feed generator getFeedSkeleton',
    base: () => fg.url,
    method: 'GET',
    path: () => `/xrpc/${SKELETON}?feed=${encodeURIComponent(`at://${org.did}/app.bsky.feed.generator/auth`)}`,
    aud: () => FEEDGEN_DID,
    lxm: SKELETON,
    anonymous: { status: 200 },
  },
  {
    name: 'feed generator sendInteractions',
    base: () => fg.url,
    method: 'POST',
    path: () => `/xrpc/${SEND}`,
    body: () => ({ feed: `at://${org.did}/app.bsky.feed.generator/auth`, interactions: [] }),
    aud: () => FEEDGEN_DID,
    lxm: SEND,
    anonymous: { status: 401, error: 'AuthMissing' },
  },
  {
    name: 'labeler createReport',
    base: () => lab.url,
    method: 'POST',
    path: () => `/xrpc/${REPORT}`,
    body: () => ({ reasonType: VIOLATION, subject: { $type: 'com.atproto.admin.defs#repoRef', did: org.did } }),
    aud: () => labelerDid,
    lxm: REPORT,
    anonymous: { status: 401, error: 'AuthMissing' },
  },
]

async function call(ep: Endpoint, authorization: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {}
  if (authorization !== null) headers.authorization = authorization
  if (ep.method === 'POST') headers['content-type'] = 'application/json'
  const res = await fetch(`${ep.base()}${ep.path()}`, { method: ep.method, headers, body: ep.body ? JSON.stringify(ep.body()) : undefined })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const fromPds = async (account: TestAccount, aud: string, lxm: string, exp?: number) =>
  (await account.agent.com.atproto.server.getServiceAuth({ aud, lxm, exp })).data.token

/** claims for our own identity that are right for the endpoint */
const claims = (ep: Endpoint, over: Record<string, unknown> = {}) => ({ iss: forger.did, aud: ep.aud(), lxm: ep.lxm, iat: nowS(), exp: nowS() + 60, jti: 'x', ...over })
const ES256K = { typ: 'JWT', alg: 'ES256K' }

type Expected = { status: number; error?: string }
const rejected = (error: string): Expected => ({ status: 401, error })
const accepted: Expected = { status: 200 }

const cases: [string, (ep: Endpoint) => Promise<string | null>, Expected | ((ep: Endpoint) => Expected)][] = [
  ['positive control: a service-auth JWT from the PDS', async (ep) => `Bearer ${await fromPds(reader, ep.aud(), ep.lxm)}`, accepted],
  ['positive control: a JWT signed with our own identity’s current key', async (ep) => `Bearer ${await jwt(ES256K, claims(ep), forger.key)}`, accepted],
  ['positive control: the scheme in lower case', async (ep) => `bearer ${await fromPds(reader, ep.aud(), ep.lxm)}`, accepted],
  ['no Authorization header', async () => null, (ep) => ep.anonymous],
  ['an empty Bearer', async () => 'Bearer ', rejected('BadJwt')],
  ['Basic credentials', async () => `Basic ${Buffer.from(`${reader.handle}:${reader.password}`).toString('base64')}`, rejected('BadJwt')],
  ['a token without the Bearer scheme', async (ep) => await fromPds(reader, ep.aud(), ep.lxm), rejected('BadJwt')],
  ['two tokens', async (ep) => `Bearer ${await fromPds(reader, ep.aud(), ep.lxm)} ${await fromPds(reader, ep.aud(), ep.lxm)}`, rejected('BadJwt')],
  ['garbage', async () => 'Bearer not-a-jwt', rejected('BadJwt')],
  ['two parts', async () => 'Bearer eyJhbGciOiJFUzI1NksifQ.eyJpc3MiOiJ4In0', rejected('BadJwt')],
  ['a header that is not JSON', async () => 'Bearer bm90IGpzb24.bm90IGpzb24.c2ln', rejected('BadJwt')],
  ['a header without alg', async (ep) => `Bearer ${await jwt({ typ: 'JWT' }, claims(ep), forger.key)}`, rejected('BadJwt')],
  ['a payload without exp', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { exp: undefined }), forger.key)}`, rejected('BadJwt')],
  ['exp as a string', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { exp: String(nowS() + 60) }), forger.key)}`, rejected('BadJwt')],
  ['a 10 kB token', async () => `Bearer ${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`, rejected('BadJwt')],
  ['expired (valid signature)', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { iat: nowS() - 120, exp: nowS() - 60 }), forger.key)}`, rejected('JwtExpired')],
  ['wrong aud (from the PDS)', async (ep) => `Bearer ${await fromPds(reader, 'did:web:elsewhere.test', ep.lxm)}`, rejected('BadJwtAudience')],
  ['aud of the other Plein service (from the PDS)', async (ep) => `Bearer ${await fromPds(reader, ep.aud() === FEEDGEN_DID ? labelerDid : FEEDGEN_DID, ep.lxm)}`, rejected('BadJwtAudience')],
  ['aud with another service fragment (from the PDS)', async (ep) => `Bearer ${await fromPds(reader, `${ep.aud()}#bsky_appview`, ep.lxm)}`, rejected('BadJwtAudience')],
  ['wrong lxm (from the PDS)', async (ep) => `Bearer ${await fromPds(reader, ep.aud(), 'app.bsky.feed.getTimeline')}`, rejected('BadJwtLexiconMethod')],
  ['the lxm of another endpoint of this service (from the PDS)', async (ep) => `Bearer ${await fromPds(reader, ep.aud(), ep.lxm === SKELETON ? SEND : SKELETON)}`, rejected('BadJwtLexiconMethod')],
  ['no lxm (valid signature)', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { lxm: undefined }), forger.key)}`, rejected('BadJwtLexiconMethod')],
  ['iss not a DID', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { iss: 'alice.test' }), forger.key)}`, rejected('BadJwtIss')],
  ['iss a did:plc the directory does not know', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { iss: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' }), forger.key)}`, rejected('BadJwtSignature')],
  ['iss a did:web whose host does not answer', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { iss: `did:web:127.0.0.1%3A${deadPort}` }), forger.key)}`, rejected('BadJwtSignature')],
  ['iss a DID method nobody resolves', async (ep) => `Bearer ${await jwt(ES256K, claims(ep, { iss: 'did:example:123' }), forger.key)}`, rejected('BadJwtSignature')],
  [
    'signed by another key for a real account',
    async (ep) => `Bearer ${await createServiceJwt({ iss: reader.did, aud: ep.aud(), lxm: ep.lxm, keypair: await Secp256k1Keypair.create() })}`,
    rejected('BadJwtSignature'),
  ],
  [
    'a PDS token with iss changed to another account',
    async (ep) => {
      const [h, p, s] = (await fromPds(reader, ep.aud(), ep.lxm)).split('.')
      const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>
      return `Bearer ${h}.${b64({ ...payload, iss: other.did })}.${s}`
    },
    rejected('BadJwtSignature'),
  ],
  [
    'a PDS token with a longer exp',
    async (ep) => {
      const [h, p, s] = (await fromPds(reader, ep.aud(), ep.lxm)).split('.')
      const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>
      return `Bearer ${h}.${b64({ ...payload, exp: nowS() + 86_400 })}.${s}`
    },
    rejected('BadJwtSignature'),
  ],
  ['the signature removed', async (ep) => `Bearer ${(await fromPds(reader, ep.aud(), ep.lxm)).split('.').slice(0, 2).join('.')}.`, rejected('BadJwtSignature')],
  ['alg none', async (ep) => `Bearer ${await jwt({ typ: 'JWT', alg: 'none' }, claims(ep))}`, rejected('BadJwtSignature')],
  ['alg none for a real account', async (ep) => `Bearer ${await jwt({ typ: 'JWT', alg: 'none' }, claims(ep, { iss: reader.did }))}`, rejected('BadJwtSignature')],
  [
    'alg HS256 keyed with the public key',
    async (ep) => {
      const { createHmac } = await import('node:crypto')
      const signing = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64(claims(ep))}`
      return `Bearer ${signing}.${createHmac('sha256', forger.key.did()).update(signing).digest('base64url')}`
    },
    rejected('BadJwtSignature'),
  ],
  ['alg ES256 over a secp256k1 signature', async (ep) => `Bearer ${await jwt({ typ: 'JWT', alg: 'ES256' }, claims(ep), forger.key)}`, rejected('BadJwtSignature')],
  ['typ at+jwt: the PDS session’s access token', async () => `Bearer ${reader.agent.session?.accessJwt}`, rejected('BadJwtType')],
  ['typ refresh+jwt: the PDS session’s refresh token', async () => `Bearer ${reader.agent.session?.refreshJwt}`, rejected('BadJwtType')],
  ['typ dpop+jwt (valid signature)', async (ep) => `Bearer ${await jwt({ typ: 'dpop+jwt', alg: 'ES256K' }, claims(ep), forger.key)}`, rejected('BadJwtType')],
]

describe.each(endpoints.map((e) => [e.name, e] as const))('%s', (_name, ep) => {
  test.each(cases.map(([name, token, expected]) => [name, token, expected] as const))('%s', async (name, token, expected) => {
    const want = typeof expected === 'function' ? expected(ep) : expected
    const res = await call(ep, await token(ep))
    expect({ case: name, status: res.status, error: res.body.error }).toEqual({ case: name, status: want.status, error: want.error })
    if (want.status >= 400) expect(typeof res.body.message).toBe('string')
  })

  test('key rotation: the new key is accepted right away (the DID document is refetched), the old one is refused from then on', async () => {
    const before = await ownIdentity(`rot${ep.lxm.split('.').at(-1)?.toLowerCase().slice(0, 10)}`)
    const sign = (id: OwnIdentity) => jwt(ES256K, { ...claims(ep), iss: id.did }, id.key)
    expect((await call(ep, `Bearer ${await sign(before)}`)).status).toBe(200) // the verifier now caches the old key
    const after = await rotate(before)
    expect((await call(ep, `Bearer ${await sign(after)}`)).status).toBe(200)
    const old = await call(ep, `Bearer ${await sign(before)}`)
    expect({ status: old.status, error: old.body.error }).toEqual({ status: 401, error: 'BadJwtSignature' })
    // and an identity seen for the first time after its rotation: the old key never works
    const fresh = await rotate(await ownIdentity(`new${ep.lxm.split('.').at(-1)?.toLowerCase().slice(0, 10)}`))
    const oldKey = { ...fresh, key: (await ownIdentity('wegwerp')).key }
    expect((await call(ep, `Bearer ${await sign(oldKey)}`)).status).toBe(401)
    expect((await call(ep, `Bearer ${await sign(fresh)}`)).status).toBe(200)
  })

  test('a token accepted before (kept as verified until it expires) lets no changed copy through', async () => {
    const token = await fromPds(reader, ep.aud(), ep.lxm)
    expect((await call(ep, `Bearer ${token}`)).status).toBe(200)
    expect((await call(ep, `Bearer ${token}`)).status).toBe(200)
    const [h, p, s] = token.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const sig = Buffer.from(s, 'base64url')
    sig[10] = (sig[10] as number) ^ 1
    const copies: [string, string, string][] = [
      ['one bit of the signature', `${h}.${p}.${sig.toString('base64url')}`, 'BadJwtSignature'],
      ['a longer exp', `${h}.${b64({ ...payload, exp: nowS() + 86_400 })}.${s}`, 'BadJwtSignature'],
      ['another iss', `${h}.${b64({ ...payload, iss: other.did })}.${s}`, 'BadJwtSignature'],
      ['another aud', `${h}.${b64({ ...payload, aud: 'did:web:elsewhere.test' })}.${s}`, 'BadJwtAudience'],
    ]
    for (const [what, copy, error] of copies) {
      const res = await call(ep, `Bearer ${copy}`)
      expect({ what, status: res.status, error: res.body.error }).toEqual({ what, status: 401, error })
    }
    // the same token at another endpoint of the same service: its lxm is checked there
    const elsewhere = endpoints.find((e) => e !== ep && e.aud() === ep.aud())
    if (elsewhere) expect((await call(elsewhere, `Bearer ${token}`)).body.error).toBe('BadJwtLexiconMethod')
    expect((await call(ep, `Bearer ${token}`)).status).toBe(200)
  })
})

test('tokens minted by the PDS for a few seconds are refused at every endpoint once they have expired', async () => {
  // @NOTE a few seconds, not one: the PDS refuses an exp that is already past when the request arrives
  const exp = nowS() + 5
  const tokens = await Promise.all(endpoints.map((ep) => fromPds(reader, ep.aud(), ep.lxm, exp)))
  for (const [i, ep] of endpoints.entries()) expect((await call(ep, `Bearer ${tokens[i]}`)).status).toBe(200)
  await new Promise((r) => setTimeout(r, Math.max(0, (exp + 1) * 1000 + 100 - Date.now())))
  for (const [i, ep] of endpoints.entries()) {
    const res = await call(ep, `Bearer ${tokens[i]}`)
    expect({ endpoint: ep.name, status: res.status, error: res.body.error }).toEqual({ endpoint: ep.name, status: 401, error: 'JwtExpired' })
  }
})

test('the labeler also accepts aud = <did>#atproto_labeler (what the service-auth update sends)', async () => {
  const ep = endpoints[2] as Endpoint
  const res = await call(ep, `Bearer ${await fromPds(reader, `${labelerDid}#atproto_labeler`, REPORT)}`)
  expect(res.status).toBe(200)
  const forged = await call(ep, `Bearer ${await jwt(ES256K, claims(ep, { aud: `${labelerDid}#atproto_labeler` }), forger.key)}`)
  expect(forged.status).toBe(200)
})

test('a personalised read: the reader from a valid token is used, a bad token is never served as anonymous', async () => {
  const ep = endpoints[0] as Endpoint
  // a reader who asked to see less of an author does not see them; anonymous readers do
  const p = await post(other, 'Van de ander #auth', { langs: ['nl'] })
  await waitFor(async () => ((await call(ep, null)).body.feed as unknown[]).length > 0, 'the post in the feed')
  const send = endpoints[1] as Endpoint
  const less = await fetch(`${fg.url}/xrpc/${SEND}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await fromPds(reader, FEEDGEN_DID, SEND)}` },
    body: JSON.stringify({ feed: (send.body?.() as { feed: string }).feed, interactions: [{ item: p.uri, event: 'app.bsky.feed.defs#requestLess' }] }),
  })
  expect(less.status).toBe(200)
  const asReader = await call(ep, `Bearer ${await fromPds(reader, FEEDGEN_DID, SKELETON)}`)
  expect((asReader.body.feed as { post: string }[]).map((i) => i.post)).not.toContain(p.uri)
  expect(((await call(ep, null)).body.feed as { post: string }[]).map((i) => i.post)).toContain(p.uri)
  // the reader's DID in a forged token does not get their personal feed (nor anything else)
  const forged = await call(ep, `Bearer ${await createServiceJwt({ iss: reader.did, aud: FEEDGEN_DID, lxm: SKELETON, keypair: await Secp256k1Keypair.create() })}`)
  expect(forged.status).toBe(401)
  expect(forged.body.feed).toBeUndefined()
})

// ---------------------------------------------------------------------------------------------------
// the admin API

interface AdminEndpoint {
  method: 'GET' | 'POST'
  path: string
  body?: () => unknown
}

let reportId: number

const adminEndpoints: AdminEndpoint[] = [
  { method: 'GET', path: '/admin/reports?status=all' },
  { method: 'GET', path: '/admin/report?id={REPORT}' },
  { method: 'GET', path: '/admin/labels?uri={POST}' },
  { method: 'GET', path: '/admin/audit' },
  { method: 'POST', path: '/admin/label', body: () => ({ uri: labelled.uri, val: 'diet-culture', reason: 'auth test', moderator: 'mod' }) },
  { method: 'POST', path: '/admin/negate', body: () => ({ uri: labelled.uri, val: 'diet-culture', reason: 'auth test', moderator: 'mod' }) },
  { method: 'POST', path: '/admin/resolve', body: () => ({ id: reportId, resolution: 'dismissed', comment: 'auth test', moderator: 'mod' }) },
]

async function admin(ep: AdminEndpoint, authorization: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {}
  if (authorization !== null) headers.authorization = authorization
  if (ep.body) headers['content-type'] = 'application/json'
  const path = ep.path.replace('{REPORT}', String(reportId)).replace('{POST}', encodeURIComponent(labelled.uri))
  const res = await fetch(`${lab.url}${path}`, { method: ep.method, headers, body: ep.body ? JSON.stringify(ep.body()) : undefined })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const adminCases: [string, () => Promise<string | null>][] = [
  ['no Authorization header', async () => null],
  ['an empty Bearer', async () => 'Bearer '],
  ['a wrong password', async () => 'Bearer wrong-password'],
  ['the password with one character more', async () => `Bearer ${ADMIN}x`],
  ['the password without its last character', async () => `Bearer ${ADMIN.slice(0, -1)}`],
  ['the password in upper case', async () => `Bearer ${ADMIN.toUpperCase()}`],
  ['the password as Basic credentials', async () => `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`],
  ['the password without a scheme', async () => ADMIN],
  ['the PDS admin password', async () => `Bearer ${PDS_ADMIN_PASSWORD}`],
  ['a service-auth JWT from the PDS', async () => `Bearer ${await fromPds(reader, labelerDid, REPORT)}`],
  ['a PDS session access token', async () => `Bearer ${reader.agent.session?.accessJwt}`],
  ['a 10 kB guess', async () => `Bearer ${'p'.repeat(10_000)}`],
]

describe('admin API', () => {
  beforeAll(async () => {
    const res = await call(endpoints[2] as Endpoint, `Bearer ${await fromPds(other, labelerDid, REPORT)}`)
    expect(res.status).toBe(200)
    reportId = res.body.id as number
  })

  const matrix = adminEndpoints.flatMap((ep) => adminCases.map(([name, auth]) => [`${ep.method} ${ep.path.split('?')[0]}: ${name}`, ep, auth] as const))
  test.each(matrix)('%s → 401', async (_name, ep, auth) => {
    const res = await admin(ep, await auth())
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'AuthenticationRequired' })
    expect(typeof res.body.message).toBe('string')
    expect(JSON.stringify(res.body)).not.toContain(ADMIN)
  })

  test('a password in the query string is not a credential', async () => {
    const res = await fetch(`${lab.url}/admin/reports?password=${ADMIN}&authorization=${encodeURIComponent(`Bearer ${ADMIN}`)}`)
    expect(res.status).toBe(401)
  })

  test.each(adminEndpoints.map((ep) => [`${ep.method} ${ep.path.split('?')[0]}`, ep] as const))('positive control: %s with the password', async (_name, ep) => {
    const res = await admin(ep, `Bearer ${ADMIN}`)
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 200, error: undefined })
  })
})
