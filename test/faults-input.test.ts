// Bad input for every HTTP endpoint of both services (feedgen/api, labeler/api: XRPC methods, the
// admin API, the public pages, did.json, _health, and the subscribeLabels WebSocket): wrong methods,
// wrong content types, malformed JSON, wrong types, missing and duplicated parameters, huge values
// (a 10 MB body, 100k-character parameters), injection strings in cursors and URIs, and path traversal
// in page routes. Every case is its own test: a 4xx with an XRPC error body ({ error, message }) on
// XRPC and JSON routes, a 4xx on pages, never a 5xx, and the service answers /xrpc/_health afterwards.
// Requests are written with node:http, so paths and bodies go out exactly as written (fetch would
// normalise `..` and refuse some of them).
import { request } from 'node:http'
import WebSocket from 'ws'
import { decodeFirst, decode } from '@atcute/cbor'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startFeedgen, waitFor, type StartedFeedgen } from './helpers/feedgen.ts'
import { labelerCaughtUp, setupLabelerIdentity, startLabeler, type StartedLabeler } from './helpers/labeler.ts'
import { freePort, TestNetwork, type TestAccount } from './helpers/network.ts'
import { post } from './helpers/records.ts'

const ADMIN = 'admin-secret-for-input-tests'
const SEND = 'app.bsky.feed.sendInteractions'
const REPORT = 'com.atproto.moderation.createReport'

let net: TestNetwork
let fg: StartedFeedgen
let lab: StartedLabeler
let org: TestAccount
let author: TestAccount
let labelled: { uri: string; cid: string }
let labelerDid: string

beforeAll(async () => {
  net = await TestNetwork.create()
  org = await net.createAccount('invoerbieb')
  author = await net.createAccount('invoerauteur')
  const port = await freePort()
  const id = await setupLabelerIdentity(net, await net.createAccount('invoerlabels'), `http://127.0.0.1:${port}`)
  labelerDid = id.account.did
  lab = await startLabeler(net, id, { port, env: { adminPassword: ADMIN }, reportRateLimit: { max: 10_000 } })
  fg = await startFeedgen(
    net,
    `
publisher: ${org.did}
feeds:
  - id: lokaal
    name: Lokaal
    include: { hashtags: [lokaal], authors: [${author.did}] }
  - id: rustig
    name: Rustig
    include: { hashtags: [lokaal] }
    wellbeing: { window: 48h, maxItems: 20, perAuthor: 2, quietHours: { from: "23:00", to: "07:00" } }
`,
  )
  labelled = await post(author, 'nog 2 kilo tot mijn goal weight, niet eten tot vrijdag #thinspo #lokaal', { langs: ['nl'] })
  await post(author, 'Gewoon een bericht over de markt #lokaal', { langs: ['nl'] })
  await labelerCaughtUp(net, lab)
  await waitFor(async () => (await lab.service.store.currentLabels(labelled.uri)).length > 0, 'the post to be labelled')
})

afterAll(async () => {
  await fg?.close()
  await lab?.close()
  await net?.close()
})

// ---------------------------------------------------------------------------------------------------
// requests

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** One HTTP request, written as given. Resolves on the response, also when the server answers
 *  before it has read the whole body (a 413 in the middle of an upload). */
function raw(base: string, opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request({ host: hostname, port, method: opts.method, path: opts.path, headers: { connection: 'close', ...opts.headers } }, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    if (opts.body !== undefined) req.end(opts.body)
    else req.end()
  })
}

// ---------------------------------------------------------------------------------------------------
// the matrix

type Svc = 'fg' | 'lab'
type Auth = 'send' | 'report' | 'admin'
/** `xrpc`: 4xx with { error, message } JSON; `page`: 4xx with a body; `ok`: 2xx */
type Expect = { kind: 'xrpc'; status?: number; error?: string } | { kind: 'page'; status?: number } | { kind: 'ok'; status?: number }

interface Case {
  name: string
  svc: Svc
  method: string
  /** {FEED}, {FEEDID}, {POST}, {CID}, {DID} are filled in at run time (URL-encoded in paths) */
  path: string
  headers?: Record<string, string>
  body?: string | Buffer | (() => string | Buffer)
  auth?: Auth
  expect: Expect
}

const xrpc = (status?: number, error?: string): Expect => ({ kind: 'xrpc', status, error })
const bad = (error = 'InvalidRequest'): Expect => xrpc(400, error)
const pageErr = (status?: number): Expect => ({ kind: 'page', status })
const ok = (status = 200): Expect => ({ kind: 'ok', status })

const SCRIPT = '<script>alert(1)</script>'
/** injection strings, each sent through encodeURIComponent in query strings and as JSON strings */
const INJECTIONS: [string, string][] = [
  ['sql', "' or 1=1 --"],
  ['sql union', "x' union select sql from sqlite_master --"],
  ['nul byte', 'a\u0000b'],
  ['unicode', 'ünï©ødé 𝕌 \u202e\u200b 👩‍👩‍👧 \uFFFF'],
  ['traversal', '../../../../etc/passwd'],
  ['html', SCRIPT],
  ['percent-encoded', '%00%2e%2e%2f%27'],
  ['crlf', 'a\r\nSet-Cookie: x=y'],
]
const LONG = 'x'.repeat(8_000)
const HUGE = 'y'.repeat(100_000)
const enc = encodeURIComponent

const cases: Case[] = []
const add = (c: Case) => cases.push(c)

/** wrong HTTP methods for a route */
function wrongMethods(svc: Svc, path: string, method: 'GET' | 'POST', kind: 'xrpc' | 'page', auth?: Auth): void {
  const others = method === 'GET' ? ['POST', 'PUT', 'DELETE', 'PATCH'] : ['GET', 'PUT', 'DELETE']
  for (const m of others) {
    add({
      name: `${m} on ${method} ${path}`,
      svc,
      method: m,
      path,
      auth,
      headers: m === 'GET' ? {} : { 'content-type': 'application/json' },
      body: m === 'GET' ? undefined : '{}',
      expect: kind === 'xrpc' ? xrpc(405, 'InvalidRequest') : pageErr(405),
    })
  }
}

/** malformed and oversized bodies for a JSON procedure */
function badBodies(svc: Svc, path: string, auth?: Auth): void {
  const json = { 'content-type': 'application/json' }
  const list: [string, Record<string, string>, string | Buffer | (() => string | Buffer), Expect][] = [
    ['malformed JSON', json, '{"interactions": [', bad()],
    ['not JSON at all', json, 'hello', bad()],
    ['JSON with a byte-order mark', json, '\uFEFF{}', bad()],
    ['JSON as text/plain', { 'content-type': 'text/plain' }, '{}', bad()],
    ['JSON as form data', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&b=2', bad()],
    ['JSON without a content type', {}, '{}', bad()],
    ['an empty body', json, '', bad()],
    ['a JSON array', json, '[]', bad()],
    ['a JSON string', json, '"x"', bad()],
    ['a JSON number', json, '12345678901234567890', bad()],
    ['JSON null', json, 'null', bad()],
    ['a __proto__ key', json, '{"__proto__": {"interactions": [], "reasonType": "x", "uri": "x"}}', bad()],
    ['200,000 nested arrays', json, () => '['.repeat(100_000) + ']'.repeat(100_000), bad()],
    ['a 10 MB body', json, () => Buffer.alloc(10 * 1024 * 1024, 0x20), xrpc(413, 'InvalidRequest')],
    ['a body just over 1 MiB', json, () => `{"x":"${'a'.repeat(1024 * 1024)}"}`, xrpc(413, 'InvalidRequest')],
    ['invalid UTF-8 in JSON', json, () => Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), bad()],
  ]
  for (const [what, headers, body, expect] of list) add({ name: `${path}: ${what}`, svc, method: 'POST', path, headers, body, auth, expect })
}

/** a JSON body with a field of the wrong type or value */
function jsonCase(svc: Svc, path: string, auth: Auth, what: string, body: unknown, expect: Expect): void {
  add({ name: `${path}: ${what}`, svc, method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), auth, expect })
}

/** a GET with the given raw query string */
function query(svc: Svc, path: string, what: string, qs: string, expect: Expect, auth?: Auth): void {
  add({ name: `${path}: ${what}`, svc, method: 'GET', path: `${path}${qs ? `?${qs}` : ''}`, auth, expect })
}

// ---- feed generator: getFeedSkeleton -----------------------------------------------------------------
{
  const P = '/xrpc/app.bsky.feed.getFeedSkeleton'
  const F = 'feed={FEED}'
  query('fg', P, 'the positive control', F, ok())
  query('fg', P, 'feed missing', '', bad())
  query('fg', P, 'feed empty', 'feed=', bad())
  query('fg', P, 'feed not an at:// URI', 'feed=https%3A%2F%2Fexample.com%2Ffeed', bad())
  query('fg', P, 'feed of another collection', 'feed=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2Flokaal', bad('UnknownFeed'))
  for (const [n, v] of INJECTIONS) query('fg', P, `feed with ${n}`, `feed=${enc(v)}`, xrpc(400))
  for (const [n, v] of INJECTIONS) query('fg', P, `feed URI with ${n} in the record key`, `feed=${enc(`at://did:plc:abc/app.bsky.feed.generator/${v}`)}`, xrpc(400))
  query('fg', P, 'feed of 8,000 characters', `feed=${LONG}`, bad())
  query('fg', P, 'feed of 100,000 characters', `feed=${HUGE}`, xrpc(431))
  query('fg', P, 'feed with invalid UTF-8', 'feed=%ff%fe%c3', bad())
  query('fg', P, 'feed given twice', `${F}&${F}`, bad())
  query('fg', P, 'feed given twice, differently', `${F}&feed=at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.generator%2Fy`, bad())
  for (const limit of ['abc', '0', '-1', '101', '1.5', '1e2', '0x10', '%2B5', '%205', '%EF%BC%95', '99999999999999999999', '', 'null', '[]']) {
    query('fg', P, `limit=${limit}`, `${F}&limit=${limit}`, bad())
  }
  query('fg', P, 'limit given twice', `${F}&limit=5&limit=6`, bad())
  for (const [n, v] of INJECTIONS) query('fg', P, `cursor with ${n}`, `${F}&cursor=${enc(v)}`, bad())
  for (const [n, v] of INJECTIONS) query('fg', P, `cursor "<time>::${n}"`, `${F}&cursor=${enc(`1700000000000::${v}`)}`, bad())
  query('fg', P, 'cursor with a huge time', `${F}&cursor=${enc('99999999999999999999::at://did:plc:x/app.bsky.feed.post/y')}`, bad())
  query('fg', P, 'cursor with a negative time', `${F}&cursor=${enc('-5::at://did:plc:x/app.bsky.feed.post/y')}`, bad())
  query('fg', P, 'cursor of 8,000 characters', `${F}&cursor=${LONG}`, bad())
  query('fg', P, 'cursor of 100,000 characters', `${F}&cursor=${HUGE}`, xrpc(431))
  query('fg', P, 'cursor given twice', `${F}&cursor=a&cursor=b`, bad())
  query('fg', P, 'an unknown parameter is ignored', `${F}&foo=${enc(SCRIPT)}`, ok())
  wrongMethods('fg', P, 'GET', 'xrpc')
}

// ---- feed generator: describeFeedGenerator, did.json, _health ------------------------------------------
{
  query('fg', '/xrpc/app.bsky.feed.describeFeedGenerator', 'the positive control', '', ok())
  query('fg', '/xrpc/app.bsky.feed.describeFeedGenerator', 'unknown parameters are ignored', `x=${enc("' or 1=1 --")}&y=${LONG}`, ok())
  wrongMethods('fg', '/xrpc/app.bsky.feed.describeFeedGenerator', 'GET', 'xrpc')
  query('fg', '/.well-known/did.json', 'the positive control', '', ok())
  query('fg', '/.well-known/did.json', 'unknown parameters are ignored', `x=${enc('../../etc/passwd')}`, ok())
  wrongMethods('fg', '/.well-known/did.json', 'GET', 'xrpc')
  query('fg', '/xrpc/_health', 'unknown parameters are ignored', `x=${enc(SCRIPT)}`, ok())
  wrongMethods('fg', '/xrpc/_health', 'GET', 'xrpc')
}

// ---- feed generator: sendInteractions ---------------------------------------------------------------
{
  const P = `/xrpc/${SEND}`
  const less = 'app.bsky.feed.defs#requestLess'
  const item = 'at://did:plc:abc/app.bsky.feed.post/3kabc'
  jsonCase('fg', P, 'send', 'the positive control', { feed: '{FEED}', interactions: [{ item, event: less }] }, ok())
  badBodies('fg', P, 'send')
  wrongMethods('fg', P, 'POST', 'xrpc', 'send')
  jsonCase('fg', P, 'send', 'interactions missing', { feed: '{FEED}' }, bad())
  jsonCase('fg', P, 'send', 'interactions a string', { feed: '{FEED}', interactions: 'x' }, bad())
  jsonCase('fg', P, 'send', 'interactions an object', { feed: '{FEED}', interactions: {} }, bad())
  jsonCase('fg', P, 'send', 'an interaction a number', { feed: '{FEED}', interactions: [1] }, bad())
  jsonCase('fg', P, 'send', 'an interaction null', { feed: '{FEED}', interactions: [null] }, bad())
  jsonCase('fg', P, 'send', '101 interactions', { feed: '{FEED}', interactions: Array.from({ length: 101 }, () => ({ item, event: less })) }, bad())
  jsonCase('fg', P, 'send', 'item a number', { feed: '{FEED}', interactions: [{ item: 123, event: less }] }, bad())
  jsonCase('fg', P, 'send', 'item an object', { feed: '{FEED}', interactions: [{ item: { uri: item }, event: less }] }, bad())
  jsonCase('fg', P, 'send', 'item a like, not a post', { feed: '{FEED}', interactions: [{ item: 'at://did:plc:abc/app.bsky.feed.like/3k', event: less }] }, bad())
  jsonCase('fg', P, 'send', 'item by handle, not DID', { feed: '{FEED}', interactions: [{ item: 'at://alice.test/app.bsky.feed.post/3k', event: less }] }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('fg', P, 'send', `item with ${n}`, { feed: '{FEED}', interactions: [{ item: v, event: less }] }, bad())
  jsonCase('fg', P, 'send', 'feed a number', { feed: 5, interactions: [] }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('fg', P, 'send', `feed with ${n}`, { feed: v, interactions: [] }, bad('UnknownFeed'))
  for (const [n, v] of INJECTIONS) jsonCase('fg', P, 'send', `feedContext with ${n}`, { interactions: [{ item, event: less, feedContext: v }] }, bad('UnknownFeed'))
  jsonCase('fg', P, 'send', 'an engagement event of the wrong type is dropped', { feed: '{FEED}', interactions: [{ item: 5, event: 5 }] }, ok())
  jsonCase('fg', P, 'send', 'item of 100,000 characters', { feed: '{FEED}', interactions: [{ item: HUGE, event: less }] }, bad())
}

// ---- feed generator: explain and pages ----------------------------------------------------------------
{
  const P = '/feeds/lokaal/explain'
  query('fg', P, 'the positive control', 'uri={POST}', ok())
  query('fg', P, 'a post of another feed rule is explained, not refused', `uri=${enc('at://did:plc:abc/app.bsky.feed.post/3kabc')}`, ok())
  query('fg', '/feeds/rustig/explain', 'the positive control (with policies)', 'uri={POST}', ok())
  query('fg', P, 'uri missing', '', bad())
  query('fg', P, 'uri empty', 'uri=', bad())
  query('fg', P, 'uri of a like', `uri=${enc('at://did:plc:abc/app.bsky.feed.like/3kabc')}`, bad())
  query('fg', P, 'uri of an account', `uri=${enc('at://did:plc:abc')}`, bad())
  for (const [n, v] of INJECTIONS) query('fg', P, `uri with ${n}`, `uri=${enc(v)}`, bad())
  for (const [n, v] of INJECTIONS) query('fg', P, `post URI with ${n} in the record key`, `uri=${enc(`at://did:plc:abc/app.bsky.feed.post/${v}`)}`, bad())
  query('fg', P, 'uri of 8,000 characters', `uri=${enc(`at://did:plc:abc/app.bsky.feed.post/${LONG}`)}`, bad())
  query('fg', P, 'uri of 100,000 characters', `uri=${HUGE}`, xrpc(431))
  query('fg', P, 'uri given twice', 'uri={POST}&uri={POST}', bad())
  wrongMethods('fg', P, 'GET', 'xrpc')

  for (const path of ['/', '/feeds/lokaal', '/feeds/rustig']) {
    query('fg', path, 'the positive control', '', ok())
    for (const [n, v] of INJECTIONS) query('fg', path, `lang with ${n}`, `lang=${enc(v)}`, ok())
    query('fg', path, 'lang given twice', 'lang=en&lang=nl', pageErr(400))
    query('fg', path, 'a parameter of 100,000 characters', `lang=${HUGE}`, pageErr(431))
    wrongMethods('fg', path, 'GET', 'page')
  }
  add({ name: '/feeds/<unknown id>', svc: 'fg', method: 'GET', path: '/feeds/bestaat-niet', expect: pageErr(404) })
  add({ name: '/feeds/<id> with a trailing slash', svc: 'fg', method: 'GET', path: '/feeds/lokaal/', expect: pageErr(404) })
  add({ name: '/feeds/<id>/explain/<more>', svc: 'fg', method: 'GET', path: '/feeds/lokaal/explain/x', expect: pageErr(404) })
}

// ---- path traversal (both services) -----------------------------------------------------------------
{
  // `..` segments (also written %2e%2e) are resolved before routing: what is left is not a route (404);
  // an encoded slash (%2f) stays part of one segment, so it never reaches a route either
  const traversals: [string, Expect][] = [
    ['/feeds/..%2f..%2fetc%2fpasswd', pageErr(404)],
    ['/feeds/%2e%2e/%2e%2e/etc/passwd', pageErr(404)],
    ['/feeds/%2e%2e%2f%2e%2e%2fetc%2fpasswd', pageErr(404)],
    ['/feeds/../../etc/passwd', pageErr(404)],
    ['/feeds/lokaal/../../../etc/passwd', pageErr(404)],
    ['/feeds/lokaal%00', pageErr(404)],
    ['/feeds/lokaal%2f..%2f..%2fetc%2fpasswd', pageErr(404)],
    ['/feeds/%252e%252e%252fetc%252fpasswd', pageErr(404)],
    ['/feeds/..%5c..%5cwindows%5cwin.ini', pageErr(404)],
    ['/feeds/lokaal/explain/..%2f..%2f..%2fetc%2fpasswd?uri=x', pageErr(404)],
    ['/%2e%2e/%2e%2e/etc/passwd', pageErr(404)],
    ['//etc/passwd', pageErr(404)],
    ['/.well-known/..%2f..%2fetc%2fpasswd', pageErr(404)],
    ['/.well-known/did.json/..%2f..%2fpackage.json', pageErr(404)],
    ['/labels/..%2f..%2fetc%2fpasswd', pageErr(404)],
    ['/labels%2f..%2f..%2fpackage.json', pageErr(404)],
    ['/admin/..%2f..%2fetc%2fpasswd', pageErr(404)],
    ['/node_modules/.bin/vitest', pageErr(404)],
    ['/package.json', pageErr(404)],
    ['/data/feedgen.sqlite', pageErr(404)],
    ['/xrpc/../../etc/passwd', pageErr(404)],
    ['/xrpc/%2e%2e/%2e%2e/package.json', pageErr(404)],
    // still under /xrpc/, but not an NSID: InvalidRequest, as @atproto/xrpc-server answers
    ['/xrpc/..%2f..%2fetc%2fpasswd', bad()],
    ['/xrpc/_health/..%2f..%2fpackage.json', bad()],
  ]
  for (const svc of ['fg', 'lab'] as const) {
    for (const [path, expect] of traversals) add({ name: `${svc === 'fg' ? 'feed generator' : 'labeler'}: GET ${path}`, svc, method: 'GET', path, expect })
  }
}

// ---- labeler: queryLabels ----------------------------------------------------------------------------
{
  const P = '/xrpc/com.atproto.label.queryLabels'
  query('lab', P, 'the positive control', 'uriPatterns={POST}', ok())
  query('lab', P, 'uriPatterns missing', '', bad())
  query('lab', P, 'uriPatterns empty', 'uriPatterns=', bad())
  query('lab', P, 'a "*" inside a pattern', 'uriPatterns=at%3A%2F%2F*%2Fx', bad())
  query('lab', P, 'a pattern of 3,001 characters', `uriPatterns=${'z'.repeat(3001)}`, bad())
  query('lab', P, '101 patterns', Array.from({ length: 101 }, (_, i) => `uriPatterns=at%3A%2F%2Fdid%3Aplc%3A${i}`).join('&'), bad())
  query('lab', P, 'uriPatterns given twice (a list: allowed)', 'uriPatterns={POST}&uriPatterns=at%3A%2F%2Fdid%3Aplc%3Ax*', ok())
  // any string is a valid pattern: these match nothing
  for (const [n, v] of INJECTIONS) query('lab', P, `uriPatterns with ${n}`, `uriPatterns=${enc(v)}`, ok())
  for (const [n, v] of INJECTIONS) query('lab', P, `uriPatterns with ${n} and a wildcard`, `uriPatterns=${enc(`${v}*`)}`, ok())
  query('lab', P, 'a pattern of U+10FFFF characters and a wildcard', `uriPatterns=${enc('\u{10FFFF}\u{10FFFF}*')}`, ok())
  query('lab', P, 'uriPatterns of 100,000 characters', `uriPatterns=${HUGE}`, xrpc(431))
  for (const [n, v] of INJECTIONS) query('lab', P, `sources with ${n}`, `uriPatterns=*&sources=${enc(v)}`, bad())
  for (const limit of ['abc', '0', '-1', '251', '1.5', '1e2', '%EF%BC%95', '99999999999999999999', '']) {
    query('lab', P, `limit=${limit}`, `uriPatterns=*&limit=${limit}`, bad())
  }
  query('lab', P, 'limit given twice', 'uriPatterns=*&limit=5&limit=6', bad())
  for (const [n, v] of INJECTIONS) query('lab', P, `cursor with ${n}`, `uriPatterns=*&cursor=${enc(v)}`, bad())
  query('lab', P, 'cursor of 17 digits', 'uriPatterns=*&cursor=99999999999999999', bad())
  query('lab', P, 'cursor -1', 'uriPatterns=*&cursor=-1', bad())
  query('lab', P, 'cursor given twice', 'uriPatterns=*&cursor=1&cursor=2', bad())
  wrongMethods('lab', P, 'GET', 'xrpc')
  query('lab', '/xrpc/com.atproto.label.subscribeLabels', 'a plain GET (not a WebSocket)', 'cursor=0', bad())
  query('lab', '/xrpc/_health', 'unknown parameters are ignored', `x=${enc(SCRIPT)}`, ok())
  wrongMethods('lab', '/xrpc/_health', 'GET', 'xrpc')
}

// ---- labeler: createReport --------------------------------------------------------------------------
{
  const P = `/xrpc/${REPORT}`
  const V = 'com.atproto.moderation.defs#reasonViolation'
  const strong = { $type: 'com.atproto.repo.strongRef', uri: '{POSTRAW}', cid: '{CID}' }
  const repo = { $type: 'com.atproto.admin.defs#repoRef', did: '{DID}' }
  jsonCase('lab', P, 'report', 'the positive control', { reasonType: V, subject: repo }, ok())
  badBodies('lab', P, 'report')
  wrongMethods('lab', P, 'POST', 'xrpc', 'report')
  jsonCase('lab', P, 'report', 'reasonType missing', { subject: repo }, bad())
  jsonCase('lab', P, 'report', 'reasonType a number', { reasonType: 5, subject: repo }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'report', `reasonType with ${n}`, { reasonType: v, subject: repo }, bad())
  jsonCase('lab', P, 'report', 'reason a number', { reasonType: V, reason: 5, subject: repo }, bad())
  jsonCase('lab', P, 'report', 'reason of 2,001 characters', { reasonType: V, reason: 'x'.repeat(2001), subject: repo }, bad())
  jsonCase('lab', P, 'report', 'reason of 100,000 characters', { reasonType: V, reason: HUGE, subject: repo }, bad())
  jsonCase('lab', P, 'report', 'subject missing', { reasonType: V }, bad())
  jsonCase('lab', P, 'report', 'subject a string', { reasonType: V, subject: '{DID}' }, bad())
  jsonCase('lab', P, 'report', 'subject an array', { reasonType: V, subject: [repo] }, bad())
  jsonCase('lab', P, 'report', 'subject of an unknown $type', { reasonType: V, subject: { ...repo, $type: 'x' } }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'report', `subject.did with ${n}`, { reasonType: V, subject: { ...repo, did: v } }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'report', `subject.uri with ${n}`, { reasonType: V, subject: { ...strong, uri: v } }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'report', `subject.cid with ${n}`, { reasonType: V, subject: { ...strong, cid: v } }, bad())
  jsonCase('lab', P, 'report', 'subject.cid a number', { reasonType: V, subject: { ...strong, cid: 5 } }, bad())
  jsonCase('lab', P, 'report', 'subject.uri by handle', { reasonType: V, subject: { ...strong, uri: 'at://alice.test/app.bsky.feed.post/3k' } }, bad())
}

// ---- labeler: admin API -----------------------------------------------------------------------------
{
  for (const P of ['/admin/reports', '/admin/report', '/admin/labels', '/admin/audit']) wrongMethods('lab', P, 'GET', 'xrpc', 'admin')
  for (const P of ['/admin/label', '/admin/negate', '/admin/resolve']) {
    wrongMethods('lab', P, 'POST', 'xrpc', 'admin')
    badBodies('lab', P, 'admin')
  }
  query('lab', '/admin/reports', 'the positive control', 'status=all', ok(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/reports', `status with ${n}`, `status=${enc(v)}`, bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/reports', `cursor with ${n}`, `cursor=${enc(v)}`, bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/reports', `subject with ${n} (a filter: matches nothing)`, `subject=${enc(v)}`, ok(), 'admin')
  for (const limit of ['abc', '0', '501', '1.5', '99999']) query('lab', '/admin/reports', `limit=${limit}`, `limit=${limit}`, bad(), 'admin')
  query('lab', '/admin/reports', 'status given twice', 'status=open&status=all', bad(), 'admin')
  query('lab', '/admin/reports', 'a parameter of 100,000 characters', `subject=${HUGE}`, xrpc(431), 'admin')

  query('lab', '/admin/report', 'id missing', '', bad(), 'admin')
  query('lab', '/admin/report', 'id of a report that does not exist', 'id=999999', xrpc(404, 'ReportNotFound'), 'admin')
  for (const id of ['abc', '-1', '1.5', '1e3', '9999999999999999', '0x10']) query('lab', '/admin/report', `id=${id}`, `id=${id}`, bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/report', `id with ${n}`, `id=${enc(v)}`, bad(), 'admin')
  query('lab', '/admin/report', 'id given twice', 'id=1&id=2', bad(), 'admin')

  query('lab', '/admin/labels', 'the positive control', 'uri={POST}', ok(), 'admin')
  query('lab', '/admin/labels', 'uri missing', '', bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/labels', `uri with ${n} (a lookup: finds nothing)`, `uri=${enc(v)}`, ok(), 'admin')
  query('lab', '/admin/labels', 'uri given twice', 'uri={POST}&uri={POST}', bad(), 'admin')

  query('lab', '/admin/audit', 'the positive control', '', ok(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/audit', `report with ${n}`, `report=${enc(v)}`, bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/audit', `cursor with ${n}`, `cursor=${enc(v)}`, bad(), 'admin')
  for (const [n, v] of INJECTIONS) query('lab', '/admin/audit', `subject and moderator with ${n} (filters: match nothing)`, `subject=${enc(v)}&moderator=${enc(v)}`, ok(), 'admin')
  query('lab', '/admin/audit', 'limit=0', 'limit=0', bad(), 'admin')

  const L = '/admin/label'
  const action = { uri: '{POSTRAW}', val: 'diet-culture', reason: 'test', moderator: 'mod' }
  jsonCase('lab', L, 'admin', 'the positive control', action, ok())
  jsonCase('lab', '/admin/negate', 'admin', 'the positive control', action, ok())
  for (const P of [L, '/admin/negate']) {
    jsonCase('lab', P, 'admin', 'uri missing', { ...action, uri: undefined }, bad())
    jsonCase('lab', P, 'admin', 'uri a number', { ...action, uri: 5 }, bad())
    for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'admin', `uri with ${n}`, { ...action, uri: v }, bad())
    jsonCase('lab', P, 'admin', 'uri of 9,000 characters', { ...action, uri: `at://did:plc:abc/app.bsky.feed.post/${'k'.repeat(9000)}` }, bad())
    for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'admin', `cid with ${n}`, { ...action, cid: v }, bad())
    jsonCase('lab', P, 'admin', 'cid on an account label', { ...action, uri: '{DID}', cid: '{CID}' }, bad())
    jsonCase('lab', P, 'admin', 'val missing', { ...action, val: undefined }, bad())
    for (const val of ['PRO-ED', 'pro_ed', 'x'.repeat(200), '', '!'.repeat(3)]) jsonCase('lab', P, 'admin', `val "${val.slice(0, 20)}"`, { ...action, val }, bad())
    for (const [n, v] of INJECTIONS) jsonCase('lab', P, 'admin', `val with ${n}`, { ...action, val: v }, bad())
    jsonCase('lab', P, 'admin', 'reason missing', { ...action, reason: undefined }, bad())
    jsonCase('lab', P, 'admin', 'reason blank', { ...action, reason: '   ' }, bad())
    jsonCase('lab', P, 'admin', 'reason of 2,001 characters', { ...action, reason: 'r'.repeat(2001) }, bad())
    jsonCase('lab', P, 'admin', 'moderator missing', { ...action, moderator: undefined }, bad())
    jsonCase('lab', P, 'admin', 'moderator with control characters', { ...action, moderator: 'mod\r\nadmin' }, bad())
    jsonCase('lab', P, 'admin', 'moderator of 129 characters', { ...action, moderator: 'm'.repeat(129) }, bad())
    for (const reportId of ['1', -1, 1.5, 0, 1e300, null]) jsonCase('lab', P, 'admin', `reportId ${JSON.stringify(reportId)}`, { ...action, reportId }, bad())
    jsonCase('lab', P, 'admin', 'reportId of a report that does not exist', { ...action, reportId: 999999 }, xrpc(404, 'ReportNotFound'))
  }
  jsonCase('lab', L, 'admin', 'a value this labeler does not issue', { ...action, val: 'spam' }, bad())

  const R = '/admin/resolve'
  const resolve = { id: 999999, resolution: 'dismissed', comment: 'x', moderator: 'mod' }
  jsonCase('lab', R, 'admin', 'a report that does not exist', resolve, xrpc(404, 'ReportNotFound'))
  for (const id of ['1', 0, -1, 1.5, 1e300, null, [1], { id: 1 }]) jsonCase('lab', R, 'admin', `id ${JSON.stringify(id)}`, { ...resolve, id }, bad())
  for (const [n, v] of INJECTIONS) jsonCase('lab', R, 'admin', `resolution with ${n}`, { ...resolve, resolution: v }, bad())
  jsonCase('lab', R, 'admin', 'resolution missing', { ...resolve, resolution: undefined }, bad())
  jsonCase('lab', R, 'admin', 'comment missing', { ...resolve, comment: undefined }, bad())
  jsonCase('lab', R, 'admin', 'comment of 2,001 characters', { ...resolve, comment: 'c'.repeat(2001) }, bad())
  jsonCase('lab', R, 'admin', 'moderator a number', { ...resolve, moderator: 7 }, bad())
}

// ---- labeler: pages ---------------------------------------------------------------------------------
{
  query('lab', '/', 'the positive control', '', ok())
  for (const [n, v] of INJECTIONS) query('lab', '/', `lang with ${n}`, `lang=${enc(v)}`, ok())
  wrongMethods('lab', '/', 'GET', 'page')
  query('lab', '/labels', 'the positive control (the form)', '', ok())
  query('lab', '/labels', 'the positive control (a post)', 'uri={POST}', ok())
  query('lab', '/labels', 'an account', 'uri={DID}', ok())
  query('lab', '/labels', 'a URI by handle', `uri=${enc('at://alice.test/app.bsky.feed.post/3k')}`, pageErr(400))
  for (const [n, v] of INJECTIONS) query('lab', '/labels', `uri with ${n}`, `uri=${enc(v)}`, pageErr(400))
  query('lab', '/labels', 'uri of 8,000 characters', `uri=${LONG}`, pageErr(400))
  query('lab', '/labels', 'uri of 100,000 characters', `uri=${HUGE}`, pageErr(431))
  query('lab', '/labels', 'uri given twice', 'uri={POST}&uri=x', pageErr(400))
  wrongMethods('lab', '/labels', 'GET', 'page')
}

// ---- HTTP-level garbage --------------------------------------------------------------------------------
for (const svc of ['fg', 'lab'] as const) {
  add({ name: `${svc}: 30 kB of headers`, svc, method: 'GET', path: '/xrpc/_health', headers: { 'x-big': 'h'.repeat(30_000) }, expect: xrpc(431) })
  add({ name: `${svc}: an unknown XRPC method`, svc, method: 'GET', path: '/xrpc/com.example.nothing', expect: xrpc(501, 'MethodNotImplemented') })
  add({ name: `${svc}: an XRPC path that is not an NSID`, svc, method: 'GET', path: `/xrpc/${enc("' or 1=1 --")}`, expect: bad() })
}

// ---------------------------------------------------------------------------------------------------

const AUTH_LXM: Record<Exclude<Auth, 'admin'>, string> = { send: SEND, report: REPORT }

async function authHeader(auth: Auth | undefined): Promise<Record<string, string>> {
  if (auth === undefined) return {}
  if (auth === 'admin') return { authorization: `Bearer ${ADMIN}` }
  const aud = auth === 'send' ? 'did:web:feeds.test' : labelerDid
  const { data } = await author.agent.com.atproto.server.getServiceAuth({ aud, lxm: AUTH_LXM[auth] })
  return { authorization: `Bearer ${data.token}` }
}

function fill(s: string, encode: boolean): string {
  const e = (v: string) => (encode ? enc(v) : v)
  return s
    .replaceAll('{FEED}', e(`at://${org.did}/app.bsky.feed.generator/lokaal`))
    .replaceAll('{POSTRAW}', labelled.uri)
    .replaceAll('{POST}', e(labelled.uri))
    .replaceAll('{CID}', labelled.cid)
    .replaceAll('{DID}', e(author.did))
}

describe.each([
  ['feed generator', 'fg'],
  ['labeler', 'lab'],
] as const)('%s', (_label, svc) => {
  test.each(cases.filter((c) => c.svc === svc).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const base = svc === 'fg' ? fg.url : lab.url
    const rawBody = typeof c.body === 'function' ? c.body() : c.body
    const body = typeof rawBody === 'string' ? fill(rawBody, false) : rawBody
    const res = await raw(base, { method: c.method, path: fill(c.path, true), headers: { ...(await authHeader(c.auth)), ...c.headers }, body })
    const summary = `${c.method} ${c.path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 300)}`
    if (c.expect.status !== 501) expect(res.status, summary).toBeLessThan(500)
    if (c.expect.status !== undefined) expect(res.status, summary).toBe(c.expect.status)
    if (c.expect.kind === 'ok') {
      expect(res.status, summary).toBeLessThan(300)
    } else {
      expect(res.status, summary).toBeGreaterThanOrEqual(400)
      expect(res.text.length, summary).toBeGreaterThan(0)
    }
    if (c.expect.kind === 'xrpc') {
      expect(String(res.headers['content-type']), summary).toMatch(/^application\/json/)
      const json = JSON.parse(res.text) as { error?: unknown; message?: unknown }
      expect(typeof json.error, summary).toBe('string')
      expect(typeof json.message, summary).toBe('string')
      if (c.expect.error !== undefined) expect(json.error, summary).toBe(c.expect.error)
    }
    // nothing is echoed unescaped into HTML, and no file from the disk comes back
    if (/html/.test(String(res.headers['content-type']))) expect(res.text).not.toContain(SCRIPT)
    expect(res.text).not.toMatch(/root:.*:0:0:|"devDependencies"|SQLite format 3/)
    // the service still answers
    const health = await raw(base, { method: 'GET', path: '/xrpc/_health' })
    expect(health.status).toBe(200)
  })
})

// ---- subscribeLabels over WebSocket ---------------------------------------------------------------------

interface WsResult {
  upgrade?: number
  frames: { header: { op: number; t?: string }; body: Record<string, unknown> }[]
  closeCode?: number
}

function subscribe(query: string, waitMs = 1_000): Promise<WsResult> {
  const url = `${lab.url.replace(/^http/, 'ws')}${query}`
  return new Promise((resolve) => {
    const out: WsResult = { frames: [] }
    const ws = new WebSocket(url)
    const done = () => {
      clearTimeout(timer)
      ws.terminate()
      resolve(out)
    }
    const timer = setTimeout(done, waitMs)
    ws.on('unexpected-response', (_req, res) => {
      out.upgrade = res.statusCode
      done()
    })
    ws.on('message', (data: Buffer) => {
      const [header, rest] = decodeFirst(new Uint8Array(data))
      out.frames.push({ header, body: decode(rest) })
    })
    ws.on('close', (code) => {
      out.closeCode = code
      done()
    })
    ws.on('error', () => {})
  })
}

describe('subscribeLabels', () => {
  const S = '/xrpc/com.atproto.label.subscribeLabels'
  test('the positive control: cursor=0 streams the labels', async () => {
    const r = await subscribe(`${S}?cursor=0`, 500)
    expect(r.frames.length).toBeGreaterThan(0)
    expect(r.frames[0]?.header.t).toBe('#labels')
  })

  test.each([
    ['abc', 'InvalidRequest'],
    ['-1', 'InvalidRequest'],
    ['1.5', 'InvalidRequest'],
    ['1e3', 'InvalidRequest'],
    [enc("' or 1=1 --"), 'InvalidRequest'],
    ['%00', 'InvalidRequest'],
    [enc('../../etc/passwd'), 'InvalidRequest'],
    ['9999999999999999999999', 'InvalidRequest'],
    ['', 'InvalidRequest'],
    ['999999999999999', 'FutureCursor'],
  ])('cursor=%s → an error frame %s and the socket closes', async (cursor, error) => {
    const r = await subscribe(`${S}?cursor=${cursor}`)
    expect(r.frames).toHaveLength(1)
    expect(r.frames[0]?.header.op).toBe(-1)
    expect(r.frames[0]?.body.error).toBe(error)
    expect(r.closeCode).toBe(1008)
    expect((await raw(lab.url, { method: 'GET', path: '/xrpc/_health' })).status).toBe(200)
  })

  test.each([`/xrpc/com.atproto.label.subscribeLabelz`, `/xrpc/..%2f..%2fetc%2fpasswd`, `/labels`])('a WebSocket upgrade on %s is refused with 404', async (path) => {
    const r = await subscribe(path)
    expect(r.upgrade).toBe(404)
    expect((await raw(lab.url, { method: 'GET', path: '/xrpc/_health' })).status).toBe(200)
  })
})
