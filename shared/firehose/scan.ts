import { MalformedFrameError } from './events.ts'

// A minimal DAG-CBOR scanner for the hot path of #commit bodies. Most commits on the network touch
// collections a service does not want (likes, follows, blocks…). For those, a full decode of the body
// (every key and string, every CID, the CAR bytes) is wasted work: this scanner walks the map without
// building values, reads `seq`, `repo` and each `ops[].path`, and compares the paths' collections
// byte-wise against the wanted ones. Only when an op is wanted does the caller decode the body fully.
// @NOTE measured: @atcute/cbor's full decode was ~24% of the feed generator's ingest CPU (bench:ingest).

const MAX_DEPTH = 64

export interface CommitScan {
  seq: number
  repo: string
  rev: string
  time: string
  /** at least one op is on a wanted collection */
  wanted: boolean
}

const enc = new TextEncoder()
const KEY_SEQ = enc.encode('seq')
const KEY_REPO = enc.encode('repo')
const KEY_OPS = enc.encode('ops')
const KEY_REV = enc.encode('rev')
const KEY_TIME = enc.encode('time')
const KEY_PATH = enc.encode('path')

function bad(msg: string): never {
  throw new MalformedFrameError(msg)
}

/** A forward reader of DAG-CBOR item heads over a byte array (no values are built). */
export class Scanner {
  b: Uint8Array
  p = 0
  /** the last head()'s major type and argument (fields, not a returned object: this is the hot path) */
  major = 0
  arg = 0
  constructor(b: Uint8Array, p = 0) {
    this.b = b
    this.p = p
  }

  need(n: number): void {
    if (n > this.b.length - this.p) bad('unexpected end of frame')
  }

  /** reads an item head into `major` and `arg` (length, value or count); returns the major type */
  head(): number {
    this.need(1)
    const first = this.b[this.p++] as number
    const major = first >> 5
    const info = first & 0x1f
    let arg: number
    if (info < 24) arg = info
    else if (info === 24) {
      this.need(1)
      arg = this.b[this.p++] as number
    } else if (info === 25) {
      this.need(2)
      arg = ((this.b[this.p] as number) << 8) | (this.b[this.p + 1] as number)
      this.p += 2
    } else if (info === 26) {
      this.need(4)
      const b = this.b
      const p = this.p
      arg = (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) >>> 0
      this.p += 4
    } else if (info === 27) {
      this.need(8)
      const b = this.b
      const p = this.p
      const hi = (((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number)) >>> 0
      const lo = (((b[p + 4] as number) << 24) | ((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number)) >>> 0
      if (hi >= 0x200000) bad('integer too large')
      arg = hi * 0x100000000 + lo
      this.p += 8
    } else bad(`unsupported CBOR encoding (additional info ${info})`)
    this.major = major
    this.arg = arg
    return major
  }

  skip(depth = 0): void {
    if (depth > MAX_DEPTH) bad('CBOR nested too deeply')
    const major = this.head()
    const arg = this.arg
    switch (major) {
      case 0:
      case 1:
        return
      case 2:
      case 3:
        this.need(arg)
        this.p += arg
        return
      case 4:
        for (let i = 0; i < arg; i++) this.skip(depth + 1)
        return
      case 5:
        for (let i = 0; i < arg; i++) {
          this.skip(depth + 1)
          this.skip(depth + 1)
        }
        return
      case 6:
        return this.skip(depth + 1)
      default:
        // major 7: simple values have no payload beyond the head; floats were consumed by head()
        return
    }
  }

  /** reads a text item without decoding it: its bytes are b[p - arg, p) */
  text(): void {
    if (this.head() !== 3) bad('expected a text string')
    this.need(this.arg)
    this.p += this.arg
  }

  /** after text(): does the text equal `key`? */
  textIs(key: Uint8Array): boolean {
    const len = this.arg
    if (len !== key.length) return false
    const start = this.p - len
    for (let i = 0; i < len; i++) if (this.b[start + i] !== key[i]) return false
    return true
  }

}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Compiles the wanted collections into a byte-wise matcher for op paths ("collection/rkey").
 */
export function collectionMatcher(wanted: Iterable<string>): (b: Uint8Array, start: number, end: number) => boolean {
  const cols = [...wanted].map((c) => enc.encode(`${c}/`))
  return (b, start, end) => {
    outer: for (const col of cols) {
      if (end - start <= col.length) continue
      for (let i = 0; i < col.length; i++) if (b[start + i] !== col[i]) continue outer
      return true
    }
    return false
  }
}

/** Where scanCommitInto found a commit's fields (byte ranges into the body; -1 when absent). */
export class CommitFields {
  seq = 0
  repoStart = -1
  repoEnd = -1
  revStart = -1
  revEnd = -1
  timeStart = -1
  timeEnd = -1
  /** at least one op is on a wanted collection */
  wanted = false
}

const scanner = new Scanner(new Uint8Array(0))
const fields = new CommitFields()

/** true when b[start, end) is valid UTF-8 (ASCII checked byte-wise, the rest by the fatal decoder) */
function validUtf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((b[i] as number) >= 0x80) {
      try {
        utf8.decode(b.subarray(start, end))
        return true
      } catch {
        return false
      }
    }
  }
  return true
}

/**
 * Scans a #commit body without building anything: seq, where repo, rev and time are, and whether an op
 * is on a wanted collection. Returns a shared object, valid until the next call. Throws
 * MalformedFrameError for broken CBOR or a body that is not a commit (the same checks as scanCommit).
 * @NOTE this runs for every #commit on the network (~85% of them touch nothing a service wants), so it
 * allocates nothing: one module-level scanner and result.
 */
export function scanCommitInto(body: Uint8Array, isWanted: (b: Uint8Array, start: number, end: number) => boolean, offset = 0): CommitFields {
  const s = scanner
  s.b = body
  s.p = offset
  const f = fields
  f.seq = -1
  f.repoStart = f.repoEnd = f.revStart = f.revEnd = f.timeStart = f.timeEnd = -1
  f.wanted = false
  try {
    if (s.head() !== 5) bad('commit body must be a map')
    const entries = s.arg
    let hasOps = false
    let wanted = false
    for (let i = 0; i < entries; i++) {
      s.text()
      if (s.textIs(KEY_SEQ)) {
        if (s.head() !== 0) bad('seq must be a non-negative integer')
        f.seq = s.arg
      } else if (s.textIs(KEY_REPO)) {
        s.text()
        f.repoStart = s.p - s.arg
        f.repoEnd = s.p
        if (!validUtf8(body, f.repoStart, f.repoEnd)) bad('repo is not valid UTF-8')
      } else if (s.textIs(KEY_REV) && (body[s.p] ?? 0) >> 5 === 3) {
        s.text()
        f.revStart = s.p - s.arg
        f.revEnd = s.p
        if (!validUtf8(body, f.revStart, f.revEnd)) bad('rev is not valid UTF-8')
      } else if (s.textIs(KEY_TIME) && (body[s.p] ?? 0) >> 5 === 3) {
        s.text()
        f.timeStart = s.p - s.arg
        f.timeEnd = s.p
        if (!validUtf8(body, f.timeStart, f.timeEnd)) bad('time is not valid UTF-8')
      } else if (s.textIs(KEY_OPS)) {
        if (s.head() !== 4) bad('commit.ops must be an array')
        hasOps = true
        const ops = s.arg
        for (let j = 0; j < ops; j++) {
          if (s.head() !== 5) bad('commit op must be a map')
          const n = s.arg
          let hasPath = false
          for (let k = 0; k < n; k++) {
            s.text()
            if (s.textIs(KEY_PATH)) {
              s.text()
              const ps = s.p - s.arg
              const pe = s.p
              hasPath = true
              const slash = body.indexOf(0x2f, ps)
              if (slash <= ps || slash >= pe) bad('bad op path')
              if (!wanted && isWanted(body, ps, pe)) wanted = true
            } else s.skip(1)
          }
          if (!hasPath) bad('op.path must be a string')
        }
      } else s.skip(1)
    }
    if (s.p !== body.length) bad('trailing bytes after the commit body')
    if (f.seq < 0) bad('seq must be a non-negative integer')
    if (f.repoStart < 0) bad('repo must be a string')
    if (!hasOps) bad('commit.ops must be an array')
    f.wanted = wanted
    return f
  } finally {
    s.b = EMPTY // the frame is not kept alive by the shared scanner
  }
}

const EMPTY = new Uint8Array(0)

/** Scans a #commit body. Throws MalformedFrameError for broken CBOR or a body that is not a commit. */
export function scanCommit(body: Uint8Array, isWanted: (b: Uint8Array, start: number, end: number) => boolean, offset = 0): CommitScan {
  const f = scanCommitInto(body, isWanted, offset)
  const text = (start: number, end: number) => (start < 0 ? '' : utf8.decode(body.subarray(start, end)))
  return { seq: f.seq, repo: text(f.repoStart, f.repoEnd), rev: text(f.revStart, f.revEnd), time: text(f.timeStart, f.timeEnd), wanted: f.wanted }
}

/** The DAG-CBOR header of every #commit frame: { t: '#commit', op: 1 } (canonical key order). */
export const COMMIT_HEADER = Uint8Array.of(0xa2, 0x61, 0x74, 0x67, ...enc.encode('#commit'), 0x62, 0x6f, 0x70, 0x01)

export function startsWithCommitHeader(frame: Uint8Array): boolean {
  if (frame.length <= COMMIT_HEADER.length) return false
  for (let i = 0; i < COMMIT_HEADER.length; i++) if (frame[i] !== COMMIT_HEADER[i]) return false
  return true
}
