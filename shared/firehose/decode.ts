import { fromUint8Array as readCar } from '@atcute/car'
import { CidLinkWrapper, decode, decodeFirst } from '@atcute/cbor'
import { collectionMatcher, COMMIT_HEADER, Scanner, scanCommitInto, startsWithCommitHeader } from './scan.ts'
import {
  MalformedFrameError,
  StreamErrorFrame,
  type FirehoseEvent,
  type InfoEvent,
  type RepoAction,
  type RepoOp,
} from './events.ts'

// Frame decoding for com.atproto.sync.subscribeRepos with @atcute/cbor and @atcute/car.
// A frame is two DAG-CBOR values back to back: a header { op, t } and a body. For #commit we look at
// ops[].path first and only walk the CAR (and decode record blocks) when an op is on a wanted
// collection; likes, follows and the rest are dropped without touching their blocks.
// @NOTE record CIDs are not re-hashed: the relay verifies commits, and hashing every block would
// cost more than the rest of the decode together.

export type DecodedFrame = FirehoseEvent | InfoEvent | null

interface LinkLike {
  bytes: Uint8Array
  $link: string
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new MalformedFrameError(`${field} must be a string`)
  return v
}

function seqOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new MalformedFrameError('seq must be a non-negative integer')
  return v
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false
  return true
}

type PathMatcher = ReturnType<typeof collectionMatcher>
const matchers = new WeakMap<ReadonlySet<string>, PathMatcher>()

const utf8 = new TextDecoder()
const text = (b: Uint8Array, start: number, end: number) => (start < 0 ? '' : utf8.decode(b.subarray(start, end)))

/**
 * Decodes one frame. Returns null for frame types this consumer does not know (forward compatible),
 * throws MalformedFrameError for broken frames and StreamErrorFrame for error frames. A #commit with
 * no op on a wanted collection comes back with `ops: []`.
 */
export function decodeFrame(frame: Uint8Array, wanted: ReadonlySet<string>): DecodedFrame {
  const r = decodeFrameOrSeq(frame, wanted, true)
  return typeof r === 'number' ? null : r
}

/**
 * decodeFrame for the consumer: a #commit with no op on a wanted collection (most of the network's
 * commits) comes back as its seq alone, a number, with nothing decoded or allocated; the frame is still
 * checked as thoroughly as decodeFrame checks it.
 */
export function decodeFrameOrSeq(frame: Uint8Array, wanted: ReadonlySet<string>, emptyCommits = false): DecodedFrame | number {
  let matcher = matchers.get(wanted)
  if (!matcher) matchers.set(wanted, (matcher = collectionMatcher(wanted)))
  if (startsWithCommitHeader(frame)) {
    // fast path: most commits touch nothing we want; read seq, repo and op paths only
    const f = scanCommitInto(frame, matcher, COMMIT_HEADER.length)
    if (!f.wanted) {
      if (!emptyCommits) return f.seq
      return {
        type: 'commit',
        seq: f.seq,
        did: text(frame, f.repoStart, f.repoEnd),
        rev: text(frame, f.revStart, f.revEnd),
        time: text(frame, f.timeStart, f.timeEnd),
        ops: [],
      }
    }
    return decodeWantedCommit(frame, COMMIT_HEADER.length, wanted)
  }
  let header: unknown
  let rest: Uint8Array
  try {
    ;[header, rest] = decodeFirst(frame)
  } catch (err) {
    throw new MalformedFrameError(`undecodable frame header: ${(err as Error).message}`)
  }
  let body: unknown
  try {
    body = decode(rest)
  } catch (err) {
    throw new MalformedFrameError(`undecodable frame: ${(err as Error).message}`)
  }
  if (!isObj(header) || !isObj(body)) throw new MalformedFrameError('frame header and body must be maps')
  if (header.op === -1) {
    throw new StreamErrorFrame(typeof body.error === 'string' ? body.error : 'Unknown', typeof body.message === 'string' ? body.message : undefined)
  }
  if (header.op !== 1) throw new MalformedFrameError(`unknown frame op ${String(header.op)}`)
  switch (header.t) {
    case '#commit':
      return decodeCommit(body, wanted)
    case '#identity':
      return {
        type: 'identity',
        seq: seqOf(body.seq),
        did: str(body.did, 'did'),
        handle: typeof body.handle === 'string' ? body.handle : undefined,
        time: typeof body.time === 'string' ? body.time : '',
      }
    case '#account':
      if (typeof body.active !== 'boolean') throw new MalformedFrameError('account.active must be a boolean')
      return {
        type: 'account',
        seq: seqOf(body.seq),
        did: str(body.did, 'did'),
        active: body.active,
        status: typeof body.status === 'string' ? body.status : undefined,
        time: typeof body.time === 'string' ? body.time : '',
      }
    case '#sync':
      return {
        type: 'sync',
        seq: seqOf(body.seq),
        did: str(body.did, 'did'),
        rev: typeof body.rev === 'string' ? body.rev : '',
        time: typeof body.time === 'string' ? body.time : '',
      }
    case '#info':
      return { type: 'info', name: str(body.name, 'info.name'), message: typeof body.message === 'string' ? body.message : undefined }
    default:
      return null
  }
}

function decodeCommit(body: Record<string, unknown>, wanted: ReadonlySet<string>): FirehoseEvent {
  const seq = seqOf(body.seq)
  const did = str(body.repo, 'repo')
  const rawOps = body.ops
  if (!Array.isArray(rawOps)) throw new MalformedFrameError('commit.ops must be an array')
  const ops: RepoOp[] = []
  const links: (LinkLike | null)[] = []
  for (const raw of rawOps) {
    if (!isObj(raw)) throw new MalformedFrameError('commit op must be a map')
    const path = str(raw.path, 'op.path')
    const slash = path.indexOf('/')
    if (slash <= 0) throw new MalformedFrameError(`bad op path "${path}"`)
    const collection = path.slice(0, slash)
    if (!wanted.has(collection)) continue
    const action = raw.action
    if (action !== 'create' && action !== 'update' && action !== 'delete') continue
    const cid = raw.cid as LinkLike | null | undefined
    if (action !== 'delete' && (!cid || !(cid.bytes instanceof Uint8Array))) {
      throw new MalformedFrameError('create/update op without cid')
    }
    ops.push({
      action: action as RepoAction,
      collection,
      rkey: path.slice(slash + 1),
      uri: `at://${did}/${path}`,
      cid: action === 'delete' || !cid ? null : cid.$link,
    })
    links.push(action === 'delete' || !cid ? null : cid)
  }
  if (links.some((l) => l !== null)) attachRecords(body.blocks, ops, links)
  return {
    type: 'commit',
    seq,
    did,
    rev: typeof body.rev === 'string' ? body.rev : '',
    time: typeof body.time === 'string' ? body.time : '',
    ops,
  }
}

/**
 * A record block decoded from a copy of its bytes: the frame is a view into the socket's read buffer
 * (shared/firehose/socket.ts), and a decoded record's bytes and CID links are views into what they were
 * decoded from; copying the block (a few hundred bytes) keeps the event valid after the read buffer
 * is reused.
 */
function decodeRecord(block: Uint8Array): unknown {
  return decode(block.slice())
}

function attachRecords(blocksField: unknown, ops: RepoOp[], links: (LinkLike | null)[]): void {
  const buf = (blocksField as { buf?: unknown } | undefined)?.buf
  if (!(buf instanceof Uint8Array)) throw new MalformedFrameError('commit.blocks must be bytes')
  let left = links.filter((l) => l !== null).length
  try {
    for (const entry of readCar(buf)) {
      for (let i = 0; i < ops.length; i++) {
        const link = links[i]
        if (!link || !bytesEqual(link.bytes, entry.cid.bytes)) continue
        const record = decodeRecord(entry.bytes)
        ;(ops[i] as RepoOp).record = isObj(record) ? record : undefined
        links[i] = null
        left--
      }
      if (left === 0) break
    }
  } catch (err) {
    throw new MalformedFrameError(`bad CAR in commit: ${(err as Error).message}`)
  }
  // @NOTE an op whose block is missing (a tooBig commit) has no record; the service decides what to do
}

// ------------------------------------------------------------------------------------------------
// #commit bodies with a wanted op, read in place: the ops' action/path/cid and the CAR's byte range are
// found with the scanner, the CAR's sections are compared with the wanted CIDs byte-wise, and only the
// wanted records are decoded. Same answers and the same MalformedFrameErrors as a full @atcute decode of
// the body (decodeCommit), which cost ~2x more (bench:ingest profile: ~18% of the pipeline thread).

const enc = new TextEncoder()
const K = {
  seq: enc.encode('seq'),
  repo: enc.encode('repo'),
  rev: enc.encode('rev'),
  time: enc.encode('time'),
  ops: enc.encode('ops'),
  blocks: enc.encode('blocks'),
  action: enc.encode('action'),
  path: enc.encode('path'),
  cid: enc.encode('cid'),
}
const ACTIONS: [Uint8Array, RepoAction][] = (['create', 'update', 'delete'] as const).map((a) => [enc.encode(a), a])
const strict = new TextDecoder('utf-8', { fatal: true })

function bad(msg: string): never {
  throw new MalformedFrameError(msg)
}

function textAt(s: Scanner, what: string): string {
  s.text()
  try {
    return strict.decode(s.b.subarray(s.p - s.arg, s.p))
  } catch {
    bad(`${what} is not valid UTF-8`)
  }
}

/** reads a CID link (tag 42 over 0x00 + a 36-byte CIDv1 sha-256) and returns the CID's 36 bytes; throws when it is not one */
function cidAt(s: Scanner): Uint8Array {
  if (s.head() !== 6 || s.arg !== 42) bad('create/update op without cid')
  if (s.head() !== 2) bad('a cid link must be bytes')
  s.need(s.arg)
  const b = s.b.subarray(s.p, (s.p += s.arg))
  const codec = b[2]
  if (b.length !== 37 || b[0] !== 0 || b[1] !== 1 || (codec !== 0x71 && codec !== 0x55) || b[3] !== 0x12 || b[4] !== 0x20) bad('invalid cid link')
  return b.subarray(1)
}

function decodeWantedCommit(frame: Uint8Array, offset: number, wanted: ReadonlySet<string>): FirehoseEvent {
  const s = new Scanner(frame, offset)
  if (s.head() !== 5) bad('commit body must be a map')
  const entries = s.arg
  let seq = -1
  let did: string | undefined
  let rev = ''
  let time = ''
  let blocks: Uint8Array | undefined
  // wanted ops in commit order: path and action, and the record's CID for creates/updates
  const found: { path: string; slash: number; action: RepoAction; cid: Uint8Array | null }[] = []
  let hasOps = false
  for (let i = 0; i < entries; i++) {
    s.text()
    if (s.textIs(K.seq)) {
      if (s.head() !== 0) bad('seq must be a non-negative integer')
      seq = s.arg
    } else if (s.textIs(K.repo)) did = textAt(s, 'repo')
    else if (s.textIs(K.rev) && (frame[s.p] ?? 0) >> 5 === 3) rev = textAt(s, 'rev')
    else if (s.textIs(K.time) && (frame[s.p] ?? 0) >> 5 === 3) time = textAt(s, 'time')
    else if (s.textIs(K.blocks) && (frame[s.p] ?? 0) >> 5 === 2) {
      s.head()
      s.need(s.arg)
      blocks = frame.subarray(s.p, (s.p += s.arg))
    } else if (s.textIs(K.ops)) {
      if (s.head() !== 4) bad('commit.ops must be an array')
      hasOps = true
      const n = s.arg
      for (let j = 0; j < n; j++) {
        if (s.head() !== 5) bad('commit op must be a map')
        const fields = s.arg
        let path: string | undefined
        let action: RepoAction | undefined
        let cidStart = -1
        for (let k = 0; k < fields; k++) {
          s.text()
          if (s.textIs(K.path)) path = textAt(s, 'op.path')
          else if (s.textIs(K.action) && (frame[s.p] ?? 0) >> 5 === 3) {
            s.text()
            for (const [bytes, a] of ACTIONS) if (s.textIs(bytes)) action = a
          } else if (s.textIs(K.cid)) {
            cidStart = s.p
            s.skip(1)
          } else s.skip(1)
        }
        if (path === undefined) bad('op.path must be a string')
        const slash = path.indexOf('/')
        if (slash <= 0) bad(`bad op path "${path}"`)
        if (action === undefined || !wanted.has(path.slice(0, slash))) continue
        let cid: Uint8Array | null = null
        if (action !== 'delete') {
          if (cidStart < 0) bad('create/update op without cid')
          const end = s.p
          s.p = cidStart
          cid = cidAt(s)
          s.p = end
        }
        found.push({ path, slash, action, cid })
      }
    } else s.skip(1)
  }
  if (s.p !== frame.length) bad('trailing bytes after the commit body')
  if (seq < 0) bad('seq must be a non-negative integer')
  if (did === undefined) bad('repo must be a string')
  if (!hasOps) bad('commit.ops must be an array')
  const ops: RepoOp[] = found.map((f) => ({
    action: f.action,
    collection: f.path.slice(0, f.slash),
    rkey: f.path.slice(f.slash + 1),
    uri: `at://${did}/${f.path}`,
    cid: f.cid === null ? null : new CidLinkWrapper(f.cid).$link,
  }))
  if (found.some((f) => f.cid !== null)) {
    if (!blocks) bad('commit.blocks must be bytes')
    attachRecordsFromCar(blocks, ops, found.map((f) => f.cid))
  }
  return { type: 'commit', seq, did, rev, time, ops }
}

/** reads an unsigned LEB128 varint (at most 8 bytes) at b[p]; returns [value, next offset] */
function varint(b: Uint8Array, p: number): [number, number] {
  let value = 0
  let mul = 1
  for (let i = 0; i < 8; i++) {
    if (p >= b.length) bad('bad CAR in commit: unexpected end of data')
    const byte = b[p++] as number
    value += (byte & 0x7f) * mul
    if (byte < 0x80) return [value, p]
    mul *= 128
  }
  bad('bad CAR in commit: varint too long')
}

function attachRecordsFromCar(car: Uint8Array, ops: RepoOp[], cids: (Uint8Array | null)[]): void {
  let left = cids.filter((c) => c !== null).length
  const [headerLen, afterLen] = varint(car, 0)
  if (afterLen + headerLen > car.length) bad('bad CAR in commit: unexpected end of data')
  let header: unknown
  try {
    header = decode(car.subarray(afterLen, afterLen + headerLen))
  } catch (err) {
    bad(`bad CAR in commit: ${(err as Error).message}`)
  }
  if (!isObj(header) || header.version !== 1 || !Array.isArray(header.roots)) bad('bad CAR in commit: not a CARv1 header')
  let p = afterLen + headerLen
  while (p < car.length && left > 0) {
    const [len, start] = varint(car, p)
    if (len < 36) bad(`bad CAR in commit: invalid car block; length=${len}`)
    const end = start + len
    if (end > car.length) bad('bad CAR in commit: unexpected end of data')
    for (let i = 0; i < cids.length; i++) {
      const cid = cids[i]
      if (!cid) continue
      let same = true
      for (let k = 35; k >= 0; k--) {
        if (car[start + k] !== cid[k]) {
          same = false
          break
        }
      }
      if (!same) continue
      let record: unknown
      try {
        record = decodeRecord(car.subarray(start + 36, end))
      } catch (err) {
        bad(`bad CAR in commit: ${(err as Error).message}`)
      }
      ;(ops[i] as RepoOp).record = isObj(record) ? record : undefined
      cids[i] = null
      left--
    }
    p = end
  }
  // @NOTE an op whose block is missing (a tooBig commit) has no record; the service decides what to do
}
