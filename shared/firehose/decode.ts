import { fromUint8Array as readCar } from '@atcute/car'
import { decode, decodeFirst } from '@atcute/cbor'
import { collectionMatcher, COMMIT_HEADER, scanCommitInto, startsWithCommitHeader } from './scan.ts'
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

function attachRecords(blocksField: unknown, ops: RepoOp[], links: (LinkLike | null)[]): void {
  const buf = (blocksField as { buf?: unknown } | undefined)?.buf
  if (!(buf instanceof Uint8Array)) throw new MalformedFrameError('commit.blocks must be bytes')
  let left = links.filter((l) => l !== null).length
  try {
    for (const entry of readCar(buf)) {
      for (let i = 0; i < ops.length; i++) {
        const link = links[i]
        if (!link || !bytesEqual(link.bytes, entry.cid.bytes)) continue
        const record = decode(entry.bytes)
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
