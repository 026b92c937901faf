import { encode, toBytes } from '@atcute/cbor'
import { parseDidKey, verifySignature, type Keypair } from '@atproto/crypto'
import { isValidDatetime, isValidDid } from '@atproto/syntax'

// Labels per the atproto label spec (com.atproto.label.defs#label): the signature covers the DAG-CBOR
// encoding of the label without `sig` (canonical key order: length first, then bytewise; absent
// fields are left out, never encoded as null), hashed with sha256 and signed with the labeler's
// secp256k1 key (compact 64-byte r||s, low-S). `neg` is only present when true, as in ozone.

export interface UnsignedLabel {
  ver: 1
  src: string
  uri: string
  cid?: string
  val: string
  neg?: true
  cts: string
  exp?: string
}

export interface SignedLabel extends UnsignedLabel {
  sig: Uint8Array
}

export class InvalidLabelError extends Error {
  override name = 'InvalidLabelError'
}

/** Only the spec's fields, in a fresh object, with absent and `neg: false` left out. */
export function unsignedLabel(label: UnsignedLabel): UnsignedLabel {
  const out: UnsignedLabel = { ver: 1, src: label.src, uri: label.uri, val: label.val, cts: label.cts }
  if (label.cid !== undefined) out.cid = label.cid
  if (label.neg === true) out.neg = true
  if (label.exp !== undefined) out.exp = label.exp
  return out
}

/** The bytes the signature covers: DAG-CBOR of the label without `sig`. */
export function labelSigningBytes(label: UnsignedLabel): Uint8Array {
  if (label.ver !== 1) throw new InvalidLabelError(`label ver must be 1, got ${String(label.ver)}`)
  return encode(unsignedLabel(label))
}

export async function signLabel(label: UnsignedLabel, keypair: Keypair): Promise<SignedLabel> {
  // @NOTE keypair.sign hashes with sha256 itself: it gets the CBOR bytes, not their hash
  const sig = await keypair.sign(labelSigningBytes(label))
  return { ...unsignedLabel(label), sig }
}

/**
 * True when `sig` is a valid (compact, low-S) signature of the label by `didKey`. Throws when
 * `didKey` is not a did:key this build can read.
 */
export async function verifyLabelSignature(label: SignedLabel, didKey: string): Promise<boolean> {
  parseDidKey(didKey)
  if (!(label.sig instanceof Uint8Array) || label.sig.length === 0) return false
  try {
    return await verifySignature(didKey, labelSigningBytes(label), label.sig)
  } catch {
    // a signature of the wrong length or shape, or a label that cannot be encoded
    return false
  }
}

/** The JSON form (queryLabels): `sig` as `{ $bytes }` in unpadded standard base64, absent fields left out. */
export function labelToJson(label: SignedLabel): Record<string, unknown> {
  return { ...unsignedLabel(label), sig: { $bytes: toBase64(label.sig) } }
}

/**
 * The object that goes into a `#labels` frame of subscribeLabels, for `@atcute/cbor`'s `encode`:
 * `sig` is wrapped with `toBytes` so it is written as a CBOR byte string (`encode` refuses a bare
 * Uint8Array). Absent fields are left out.
 */
export function encodeLabelForStream(label: SignedLabel): Record<string, unknown> {
  return { ...unsignedLabel(label), sig: toBytes(label.sig) }
}

/** Parses and checks the JSON form; throws InvalidLabelError on anything that is not a signed label. */
export function labelFromJson(json: unknown): SignedLabel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InvalidLabelError('label must be an object')
  const o = json as Record<string, unknown>
  if (o.ver !== 1) throw new InvalidLabelError('label ver must be 1')
  const src = o.src
  if (typeof src !== 'string' || !isValidDid(src)) throw new InvalidLabelError('label src must be a DID')
  const uri = o.uri
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 8192) throw new InvalidLabelError('label uri must be a non-empty string')
  const val = o.val
  if (typeof val !== 'string' || val.length === 0 || utf8Length(val) > 128) {
    throw new InvalidLabelError('label val must be a string of 1 to 128 bytes')
  }
  const cts = o.cts
  if (typeof cts !== 'string' || !isValidDatetime(cts)) throw new InvalidLabelError('label cts must be a datetime')
  const label: SignedLabel = { ver: 1, src, uri, val, cts, sig: new Uint8Array(0) }
  if (o.cid !== undefined) {
    if (typeof o.cid !== 'string' || o.cid.length === 0) throw new InvalidLabelError('label cid must be a non-empty string')
    label.cid = o.cid
  }
  if (o.neg !== undefined) {
    if (typeof o.neg !== 'boolean') throw new InvalidLabelError('label neg must be a boolean')
    if (o.neg) label.neg = true
  }
  if (o.exp !== undefined) {
    if (typeof o.exp !== 'string' || !isValidDatetime(o.exp)) throw new InvalidLabelError('label exp must be a datetime')
    label.exp = o.exp
  }
  const sig = o.sig
  if (sig === null || typeof sig !== 'object' || typeof (sig as { $bytes?: unknown }).$bytes !== 'string') {
    throw new InvalidLabelError('label sig must be { $bytes: base64 }')
  }
  label.sig = fromBase64((sig as { $bytes: string }).$bytes)
  if (label.sig.length === 0) throw new InvalidLabelError('label sig is empty')
  return label
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64').replace(/=+$/, '')
}

/** Standard alphabet, padding optional (atproto writes none); anything else is refused. */
function fromBase64(s: string): Uint8Array {
  const body = s.replace(/={1,2}$/, '')
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1 || (s !== body && s.length % 4 !== 0)) {
    throw new InvalidLabelError('label sig is not valid base64')
  }
  const bytes = new Uint8Array(Buffer.from(body, 'base64'))
  // refuses non-zero trailing bits, so one byte string has exactly one text form
  if (toBase64(bytes) !== body) throw new InvalidLabelError('label sig is not canonical base64')
  return bytes
}
