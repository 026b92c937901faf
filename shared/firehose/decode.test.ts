import { writeCarStream } from '@atcute/car'
import { encode, fromBytes, toBytes } from '@atcute/cbor'
import { create as createCid, toCidLink, type Cid } from '@atcute/cid'
import { describe, expect, test } from 'vitest'
import { decodeFrame, decodeFrameOrSeq } from './decode.ts'
import { MalformedFrameError, StreamErrorFrame, type CommitEvent } from './events.ts'
import { mulberry32 } from '../prng.ts'

const POST = 'app.bsky.feed.post'
const LIKE = 'app.bsky.feed.like'
const WANTED: ReadonlySet<string> = new Set([POST, 'app.bsky.graph.listitem'])
const DID = 'did:plc:alice123'

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function frame(header: unknown, body?: unknown): Uint8Array {
  return body === undefined ? encode(header) : concat([encode(header), encode(body)])
}

const commitFrame = (body: Record<string, unknown>) => frame({ op: 1, t: '#commit' }, body)

interface Block {
  cid: Cid
  data: Uint8Array
}

async function block(value: unknown): Promise<Block> {
  const data = encode(value)
  return { cid: await createCid(0x71, data), data }
}

async function car(blocks: Block[]): Promise<Uint8Array> {
  const root = blocks[0] ?? (await block({ root: true }))
  const chunks: Uint8Array[] = []
  for await (const chunk of writeCarStream(
    [toCidLink(root.cid)],
    blocks.map((b) => ({ cid: b.cid.bytes, data: b.data })),
  )) {
    chunks.push(chunk)
  }
  return concat(chunks)
}

function randomBytes(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256)
  return out
}

/** Calls decodeFrame and returns what it threw (failing the test when it did not throw). */
function thrown(bytes: Uint8Array, wanted: ReadonlySet<string> = WANTED): unknown {
  try {
    decodeFrame(bytes, wanted)
  } catch (err) {
    return err
  }
  throw new Error('expected decodeFrame to throw')
}

function expectMalformed(bytes: Uint8Array, wanted: ReadonlySet<string> = WANTED): void {
  const err = thrown(bytes, wanted)
  expect(err).toBeInstanceOf(MalformedFrameError)
}

/** A valid commit frame: one post create and one like create; the post's block is in the CAR. */
async function postCommit() {
  const record = { $type: POST, text: 'Goedemorgen Utrecht!', createdAt: '2025-01-02T08:00:00.000Z', langs: ['nl'] }
  const rec = await block(record)
  const like = await block({ $type: LIKE, subject: { uri: 'at://did:plc:x/app.bsky.feed.post/1', cid: 'bafy' }, createdAt: '2025-01-02T08:00:00.000Z' })
  const commit = await block({ did: DID, version: 3, rev: '3lrev', data: toCidLink(rec.cid), prev: null })
  const blocks = await car([commit, rec, like])
  const body = {
    seq: 42,
    repo: DID,
    rev: '3lrev',
    time: '2025-01-02T08:00:01.000Z',
    ops: [
      { action: 'create', path: `${POST}/3kpost`, cid: toCidLink(rec.cid) },
      { action: 'create', path: `${LIKE}/3klike`, cid: toCidLink(like.cid) },
    ],
    blocks: toBytes(blocks),
    commit: toCidLink(commit.cid),
    rebase: false,
    tooBig: false,
    blobs: [],
  }
  return { record, rec, like, body, bytes: commitFrame(body) }
}

describe('decodeFrame: #commit', () => {
  test('decodes a post create on a wanted collection with its record, cid and uri', async () => {
    const { bytes, rec } = await postCommit()
    const ev = decodeFrame(bytes, WANTED) as CommitEvent
    expect(ev.type).toBe('commit')
    expect(ev.seq).toBe(42)
    expect(ev.did).toBe(DID)
    expect(ev.rev).toBe('3lrev')
    expect(ev.time).toBe('2025-01-02T08:00:01.000Z')
    expect(ev.ops).toHaveLength(1)
    const op = ev.ops[0]!
    expect(op.action).toBe('create')
    expect(op.collection).toBe(POST)
    expect(op.rkey).toBe('3kpost')
    expect(op.uri).toBe(`at://${DID}/${POST}/3kpost`)
    expect(op.cid).toBe(toCidLink(rec.cid).$link)
    expect(op.cid).toMatch(/^bafyrei/)
    expect(op.record?.text).toBe('Goedemorgen Utrecht!')
    expect(op.record?.createdAt).toBe('2025-01-02T08:00:00.000Z')
    expect(op.record?.$type).toBe(POST)
    expect(op.record?.langs).toEqual(['nl'])
  })

  test('drops ops on unwanted collections', async () => {
    const { bytes } = await postCommit()
    const ev = decodeFrame(bytes, WANTED) as CommitEvent
    expect(ev.ops.map((o) => o.collection)).toEqual([POST])
    const likesOnly = decodeFrame(bytes, new Set([LIKE])) as CommitEvent
    expect(likesOnly.ops.map((o) => o.uri)).toEqual([`at://${DID}/${LIKE}/3klike`])
    expect(likesOnly.ops[0]?.record?.$type).toBe(LIKE)
  })

  test('several wanted ops: each gets its own record wherever its block is in the CAR; the same record twice is decoded for both', async () => {
    const a = await block({ $type: POST, text: 'een', createdAt: '2025-01-02T08:00:00.000Z' })
    const b = await block({ $type: POST, text: 'twee', createdAt: '2025-01-02T08:00:00.000Z' })
    const item = await block({ $type: 'app.bsky.graph.listitem', list: 'at://did:plc:l/app.bsky.graph.list/1', subject: DID, createdAt: 'x' })
    const filler = await Promise.all([1, 2, 3].map((i) => block({ e: [], l: null, i })))
    const body = {
      seq: 8,
      repo: DID,
      rev: 'r',
      time: 't',
      ops: [
        { action: 'create', path: `${POST}/a`, cid: toCidLink(a.cid) },
        { action: 'delete', path: `${POST}/gone`, cid: null },
        { action: 'create', path: `${LIKE}/l`, cid: toCidLink(a.cid) },
        { action: 'create', path: 'app.bsky.graph.listitem/i', cid: toCidLink(item.cid) },
        { action: 'update', path: `${POST}/b`, cid: toCidLink(b.cid) },
        { action: 'create', path: `${POST}/a2`, cid: toCidLink(a.cid) },
      ],
      blocks: toBytes(await car([filler[0]!, b, filler[1]!, item, a, filler[2]!])),
    }
    const ev = decodeFrame(commitFrame(body), WANTED) as CommitEvent
    expect(ev.ops.map((o) => [o.action, o.rkey, o.cid, (o.record as { text?: string; subject?: string } | undefined)?.text ?? o.record?.subject ?? null])).toEqual([
      ['create', 'a', toCidLink(a.cid).$link, 'een'],
      ['delete', 'gone', null, null],
      ['create', 'i', toCidLink(item.cid).$link, DID],
      ['update', 'b', toCidLink(b.cid).$link, 'twee'],
      ['create', 'a2', toCidLink(a.cid).$link, 'een'],
    ])
    expect(ev.ops[0]?.record).not.toBe(ev.ops[4]?.record)
  })

  test('a wanted create whose cid is not a CID link, or whose CAR header is not CARv1, is malformed', async () => {
    const { body, rec } = await postCommit()
    const link = toCidLink(rec.cid)
    const ops = (cid: unknown) => [{ action: 'create', path: `${POST}/3kpost`, cid }]
    expectMalformed(commitFrame({ ...body, ops: ops(toBytes(rec.cid.bytes)) }))
    expectMalformed(commitFrame({ ...body, ops: ops({ bytes: toBytes(rec.cid.bytes) }) }))
    // a tag-42 link whose multihash claims 31 bytes (the first link in the frame is ops[0].cid: "ops" sorts before "commit")
    const patched = commitFrame(body)
    const at = Buffer.from(patched).indexOf(Buffer.from([0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x71, 0x12, 0x20]))
    expect(at).toBeGreaterThan(0)
    patched[at + 8] = 0x1f
    expectMalformed(patched)
    expectMalformed(commitFrame({ ...body, ops: ops(5) }))
    // a CAR with a valid block but a header of another version
    const header = encode({ version: 2, roots: [link] })
    const blocks = fromBytes(body.blocks)
    const firstLen = blocks[0] as number
    expectMalformed(commitFrame({ ...body, blocks: toBytes(concat([Uint8Array.of(header.length), header, blocks.subarray(1 + firstLen)])) }))
  })

  test('an update carries its record like a create', async () => {
    const rec = await block({ $type: POST, text: 'bewerkt', createdAt: '2025-01-02T09:00:00.000Z' })
    const body = {
      seq: 7,
      repo: DID,
      rev: 'r',
      time: 't',
      ops: [{ action: 'update', path: `${POST}/3kpost`, cid: toCidLink(rec.cid) }],
      blocks: toBytes(await car([rec])),
    }
    const ev = decodeFrame(commitFrame(body), WANTED) as CommitEvent
    expect(ev.ops).toEqual([
      {
        action: 'update',
        collection: POST,
        rkey: '3kpost',
        uri: `at://${DID}/${POST}/3kpost`,
        cid: toCidLink(rec.cid).$link,
        record: { $type: POST, text: 'bewerkt', createdAt: '2025-01-02T09:00:00.000Z' },
      },
    ])
  })

  test('a commit that only touches unwanted collections has no ops and its CAR is never read', async () => {
    const like = await block({ $type: LIKE, createdAt: '2025-01-02T08:00:00.000Z' })
    const rand = mulberry32(1)
    for (const blocks of [toBytes(randomBytes(rand, 200)), 'not a car at all', 12345, null]) {
      const body = {
        seq: 9001,
        repo: DID,
        rev: 'r1',
        time: '2025-01-02T08:00:00.000Z',
        ops: [
          { action: 'create', path: `${LIKE}/3klike`, cid: toCidLink(like.cid) },
          { action: 'delete', path: 'app.bsky.graph.follow/3kfollow', cid: null },
        ],
        blocks,
      }
      let ev: ReturnType<typeof decodeFrame> = null
      expect(() => (ev = decodeFrame(commitFrame(body), WANTED))).not.toThrow()
      expect(ev).toEqual({ type: 'commit', seq: 9001, did: DID, rev: 'r1', time: '2025-01-02T08:00:00.000Z', ops: [] })
      // the same blocks value IS rejected once the like's collection is wanted, so the pass above
      // really comes from never reading the CAR
      expect(() => decodeFrame(commitFrame(body), new Set([LIKE]))).toThrow(MalformedFrameError)
    }
  })

  test('a commit with only deletes on wanted collections does not read the CAR either', () => {
    const body = {
      seq: 5,
      repo: DID,
      rev: 'r',
      time: 't',
      ops: [{ action: 'delete', path: `${POST}/3kgone`, cid: null }],
      blocks: toBytes(randomBytes(mulberry32(2), 100)),
    }
    const ev = decodeFrame(commitFrame(body), WANTED) as CommitEvent
    expect(ev.ops).toHaveLength(1)
  })

  test('delete ops have cid null and no record', async () => {
    const { rec, body } = await postCommit()
    const ev = decodeFrame(
      commitFrame({ ...body, ops: [...(body.ops as unknown[]), { action: 'delete', path: `${POST}/3kold`, cid: null }] }),
      WANTED,
    ) as CommitEvent
    expect(ev.ops).toHaveLength(2)
    const del = ev.ops[1]!
    expect(del).toEqual({ action: 'delete', collection: POST, rkey: '3kold', uri: `at://${DID}/${POST}/3kold`, cid: null })
    expect(del.record).toBeUndefined()
    expect('record' in del).toBe(false)
    // the create next to it still gets its record
    expect(ev.ops[0]?.cid).toBe(toCidLink(rec.cid).$link)
    expect(ev.ops[0]?.record?.text).toBe('Goedemorgen Utrecht!')
  })

  test('a create whose block is missing from the CAR (tooBig) yields an op without a record', async () => {
    const present = await block({ $type: POST, text: 'er', createdAt: '2025-01-01T00:00:00.000Z' })
    const missing = await block({ $type: POST, text: 'weg', createdAt: '2025-01-01T00:00:00.000Z' })
    const body = {
      seq: 11,
      repo: DID,
      rev: 'r',
      time: 't',
      tooBig: true,
      ops: [
        { action: 'create', path: `${POST}/missing`, cid: toCidLink(missing.cid) },
        { action: 'create', path: `${POST}/present`, cid: toCidLink(present.cid) },
      ],
      blocks: toBytes(await car([present])),
    }
    const ev = decodeFrame(commitFrame(body), WANTED) as CommitEvent
    expect(ev.ops).toHaveLength(2)
    expect(ev.ops[0]?.rkey).toBe('missing')
    expect(ev.ops[0]?.cid).toBe(toCidLink(missing.cid).$link)
    expect(ev.ops[0]?.record).toBeUndefined()
    expect(ev.ops[1]?.record?.text).toBe('er')
  })
})

describe('decodeFrameOrSeq (the consumer\'s path)', () => {
  const likeBody = (over: Record<string, unknown> = {}) => ({
    seq: 77,
    repo: DID,
    rev: 'r1',
    time: '2025-01-02T08:00:00.000Z',
    ops: [{ action: 'delete', path: `${LIKE}/3klike`, cid: null }],
    blocks: toBytes(new Uint8Array(8)),
    ...over,
  })

  test('a commit with nothing wanted is its seq alone; anything else decodes as decodeFrame does', async () => {
    expect(decodeFrameOrSeq(commitFrame(likeBody()), WANTED)).toBe(77)
    const { bytes } = await postCommit()
    expect(decodeFrameOrSeq(bytes, WANTED)).toEqual(decodeFrame(bytes, WANTED))
    const identity = frame({ op: 1, t: '#identity' }, { seq: 3, did: DID, time: 't' })
    expect(decodeFrameOrSeq(identity, WANTED)).toEqual(decodeFrame(identity, WANTED))
  })

  test('a non-ASCII repo, rev and time are checked and decoded', () => {
    const body = likeBody({ repo: 'did:web:bücher.example', rev: 'ré', time: 'tîme' })
    expect(decodeFrameOrSeq(commitFrame(body), WANTED)).toBe(77)
    expect(decodeFrame(commitFrame(body), WANTED)).toMatchObject({ did: 'did:web:bücher.example', rev: 'ré', time: 'tîme', ops: [] })
  })

  test('an unwanted commit is still rejected when malformed: every prefix, bad UTF-8, missing fields, trailing bytes', () => {
    const good = commitFrame(likeBody())
    for (let n = 0; n < good.length; n++) expect(() => decodeFrameOrSeq(good.subarray(0, n), WANTED)).toThrow(MalformedFrameError)
    // the repo "did:plc:x\xff" (invalid UTF-8): the text's bytes patched in place
    const bad = commitFrame(likeBody({ repo: 'did:plc:xz' }))
    const at = Buffer.from(bad).indexOf('did:plc:xz') + 9
    bad[at] = 0xff
    expect(() => decodeFrameOrSeq(bad, WANTED)).toThrow(/UTF-8/)
    for (const over of [{ seq: undefined }, { repo: undefined }, { ops: undefined }, { seq: -1 }, { repo: 5 }]) {
      const body: Record<string, unknown> = likeBody()
      for (const [k, v] of Object.entries(over)) {
        if (v === undefined) delete body[k]
        else body[k] = v
      }
      expect(() => decodeFrameOrSeq(commitFrame(body), WANTED)).toThrow(MalformedFrameError)
    }
    expect(() => decodeFrameOrSeq(concat([good, Uint8Array.of(0)]), WANTED)).toThrow(MalformedFrameError)
  })
})

describe('decodeFrame: other frame types', () => {
  test('#identity', () => {
    const ev = decodeFrame(
      frame({ op: 1, t: '#identity' }, { seq: 3, did: DID, handle: 'alice.test', time: '2025-01-01T00:00:00.000Z' }),
      WANTED,
    )
    expect(ev).toEqual({ type: 'identity', seq: 3, did: DID, handle: 'alice.test', time: '2025-01-01T00:00:00.000Z' })
  })

  test('#account (deactivated)', () => {
    const ev = decodeFrame(
      frame({ op: 1, t: '#account' }, { seq: 4, did: DID, active: false, status: 'deactivated', time: '2025-01-01T00:00:00.000Z' }),
      WANTED,
    )
    expect(ev).toEqual({ type: 'account', seq: 4, did: DID, active: false, status: 'deactivated', time: '2025-01-01T00:00:00.000Z' })
  })

  test('#sync', () => {
    const ev = decodeFrame(
      frame({ op: 1, t: '#sync' }, { seq: 5, did: DID, rev: '3lsync', blocks: toBytes(new Uint8Array([1, 2, 3])), time: 'now' }),
      WANTED,
    )
    expect(ev).toEqual({ type: 'sync', seq: 5, did: DID, rev: '3lsync', time: 'now' })
  })

  test('#info (OutdatedCursor)', () => {
    const ev = decodeFrame(frame({ op: 1, t: '#info' }, { name: 'OutdatedCursor', message: 'too old' }), WANTED)
    expect(ev).toEqual({ type: 'info', name: 'OutdatedCursor', message: 'too old' })
  })

  test('an error frame throws StreamErrorFrame with the error name', () => {
    const err = thrown(frame({ op: -1 }, { error: 'FutureCursor', message: 'x' }))
    expect(err).toBeInstanceOf(StreamErrorFrame)
    expect(err).not.toBeInstanceOf(MalformedFrameError)
    expect((err as StreamErrorFrame).error).toBe('FutureCursor')
    expect((err as StreamErrorFrame).message).toContain('x')
  })

  test('an unknown message type returns null', () => {
    expect(decodeFrame(frame({ op: 1, t: '#somethingNew' }, { seq: 1, did: DID }), WANTED)).toBeNull()
    expect(decodeFrame(frame({ op: 1, t: '#handle' }, { seq: 1, did: DID, handle: 'a.test' }), WANTED)).toBeNull()
  })
})

describe('decodeFrame: malformed input throws MalformedFrameError and nothing else', () => {
  test('empty buffer', () => {
    expectMalformed(new Uint8Array(0))
  })

  test('truncated frames', async () => {
    const { bytes } = await postCommit()
    const header = encode({ op: 1, t: '#commit' })
    const cuts = new Set([1, 2, header.length - 1, header.length, header.length + 1, 20, 50, 100, Math.floor(bytes.length / 2), bytes.length - 40, bytes.length - 1])
    for (const cut of cuts) {
      expect(cut).toBeGreaterThan(0)
      expect(cut).toBeLessThan(bytes.length)
      expectMalformed(bytes.subarray(0, cut))
    }
  })

  test('every prefix of a valid commit frame is rejected as malformed', async () => {
    const { bytes } = await postCommit()
    for (let cut = 0; cut < bytes.length; cut++) {
      const err = thrown(bytes.subarray(0, cut))
      if (!(err instanceof MalformedFrameError)) throw new Error(`cut at ${cut}: ${String(err)}`)
    }
  })

  test('seeded random bytes', () => {
    const rand = mulberry32(0xc0ffee)
    for (let i = 0; i < 400; i++) {
      const bytes = randomBytes(rand, 1 + Math.floor(rand() * 300))
      let result: unknown
      try {
        result = decodeFrame(bytes, WANTED)
      } catch (err) {
        if (!(err instanceof MalformedFrameError)) {
          throw new Error(`buffer ${i} threw ${String(err)}`)
        }
        continue
      }
      // random bytes decoding to a valid frame would be astonishing; a null (unknown type) is the only
      // plausible non-throwing outcome
      expect(result).toBeNull()
    }
  })

  test('seeded random bytes after a valid #commit header', () => {
    const rand = mulberry32(7)
    const header = encode({ op: 1, t: '#commit' })
    for (let i = 0; i < 200; i++) {
      const bytes = concat([header, randomBytes(rand, 1 + Math.floor(rand() * 200))])
      expectMalformed(bytes)
    }
  })

  test('header not a map', () => {
    expectMalformed(frame([1, '#commit'], { seq: 1, repo: DID, ops: [] }))
    expectMalformed(frame('#commit', { seq: 1, repo: DID, ops: [] }))
    expectMalformed(frame(null, { seq: 1, repo: DID, ops: [] }))
  })

  test('body not a map', () => {
    expectMalformed(frame({ op: 1, t: '#commit' }, [1, 2, 3]))
  })

  test('missing body', () => {
    expectMalformed(frame({ op: 1, t: '#commit' }))
  })

  test('unknown op', () => {
    expectMalformed(frame({ op: 2, t: '#commit' }, { seq: 1, repo: DID, ops: [] }))
  })

  test('commit with ops not an array', () => {
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: { action: 'create' } }))
    expectMalformed(commitFrame({ seq: 1, repo: DID }))
  })

  test.each([
    ['negative', -1],
    ['a string', '12'],
    ['a float', 1.5],
    ['missing', undefined],
  ])('seq %s', (_name, seq) => {
    const body: Record<string, unknown> = { repo: DID, ops: [] }
    if (seq !== undefined) body.seq = seq
    expectMalformed(commitFrame(body))
    expectMalformed(frame({ op: 1, t: '#identity' }, { ...body, did: DID }))
  })

  test('a create op whose cid is missing', () => {
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'create', path: `${POST}/3k` }], blocks: toBytes(new Uint8Array(0)) }))
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'update', path: `${POST}/3k`, cid: null }] }))
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'create', path: `${POST}/3k`, cid: 'bafyreiabc' }] }))
  })

  test('a bad CAR for a wanted op', async () => {
    const rec = await block({ $type: POST, text: 'hoi', createdAt: '2025-01-01T00:00:00.000Z' })
    const rand = mulberry32(99)
    for (let i = 0; i < 50; i++) {
      const body = {
        seq: 1,
        repo: DID,
        ops: [{ action: 'create', path: `${POST}/3k`, cid: toCidLink(rec.cid) }],
        blocks: toBytes(randomBytes(rand, 1 + Math.floor(rand() * 120))),
      }
      expectMalformed(commitFrame(body))
    }
    // blocks of the wrong type
    for (const blocks of ['car', 5, undefined, [1, 2]]) {
      const body: Record<string, unknown> = { seq: 1, repo: DID, ops: [{ action: 'create', path: `${POST}/3k`, cid: toCidLink(rec.cid) }] }
      if (blocks !== undefined) body.blocks = blocks
      expectMalformed(commitFrame(body))
    }
  })

  test('a truncated CAR for a wanted op', async () => {
    const rec = await block({ $type: POST, text: 'hoi', createdAt: '2025-01-01T00:00:00.000Z' })
    const full = await car([rec])
    for (const cut of [1, 10, full.length - 1]) {
      const body = { seq: 1, repo: DID, ops: [{ action: 'create', path: `${POST}/3k`, cid: toCidLink(rec.cid) }], blocks: toBytes(full.subarray(0, cut)) }
      expectMalformed(commitFrame(body))
    }
  })

  test('an op path without "/"', () => {
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'delete', path: 'app.bsky.feed.post', cid: null }] }))
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'delete', path: '/3k', cid: null }] }))
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: [{ action: 'delete', cid: null }] }))
  })

  test('an op that is not a map, and a repo that is not a string', () => {
    expectMalformed(commitFrame({ seq: 1, repo: DID, ops: ['create'] }))
    expectMalformed(commitFrame({ seq: 1, repo: 5, ops: [] }))
  })

  test('#account without a boolean active, #identity without did, #info without name', () => {
    expectMalformed(frame({ op: 1, t: '#account' }, { seq: 1, did: DID, active: 'no' }))
    expectMalformed(frame({ op: 1, t: '#identity' }, { seq: 1 }))
    expectMalformed(frame({ op: 1, t: '#info' }, { message: 'x' }))
  })
})
