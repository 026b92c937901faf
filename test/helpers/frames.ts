// subscribeRepos frames built with the same libraries a relay's frames decode with, for tests that
// need frames a real PDS will not send (malformed, error and info frames, controlled disconnects).
import { writeCarStream } from '@atcute/car'
import { encode, toBytes } from '@atcute/cbor'
import { create as createCid, toCidLink } from '@atcute/cid'

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function frame(header: unknown, body: unknown): Uint8Array {
  return concat([encode(header), encode(body)])
}

/** A #commit with one create op of `record` in `collection`, with its block in the CAR. */
export async function createCommit(seq: number, did: string, collection: string, rkey: string, record: Record<string, unknown>): Promise<Uint8Array> {
  const data = encode(record)
  const cid = await createCid(0x71, data)
  const commitData = encode({ did, version: 3, rev: `rev${seq}`, data: toCidLink(cid) })
  const commitCid = await createCid(0x71, commitData)
  const chunks: Uint8Array[] = []
  for await (const chunk of writeCarStream([toCidLink(commitCid)], [
    { cid: commitCid.bytes, data: commitData },
    { cid: cid.bytes, data },
  ])) {
    chunks.push(chunk)
  }
  return frame(
    { op: 1, t: '#commit' },
    {
      seq,
      repo: did,
      rev: `rev${seq}`,
      since: null,
      commit: toCidLink(commitCid),
      ops: [{ action: 'create', path: `${collection}/${rkey}`, cid: toCidLink(cid) }],
      blocks: toBytes(concat(chunks)),
      blobs: [],
      rebase: false,
      tooBig: false,
      time: new Date().toISOString(),
    },
  )
}

export function postCommit(seq: number, did: string, text: string): Promise<Uint8Array> {
  return createCommit(seq, did, 'app.bsky.feed.post', `post${seq}`, { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() })
}

export function infoFrame(name: string, message?: string): Uint8Array {
  return frame({ op: 1, t: '#info' }, message ? { name, message } : { name })
}

export function errorFrame(error: string, message?: string): Uint8Array {
  return frame({ op: -1 }, message ? { error, message } : { error })
}
