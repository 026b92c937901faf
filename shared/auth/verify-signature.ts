import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { extractMultikey, extractPrefixedBytes, hasPrefix, P256_DID_PREFIX, SECP256K1_DID_PREFIX } from '@atproto/crypto'
import { cryptoVerifySignatureWithKey } from '@atproto/xrpc-server'
import { setBounded } from '../bounded-map.ts'

// Signature checks of service-auth JWTs with the platform's OpenSSL instead of the pure-JavaScript
// curves of @atproto/crypto: the same answers (verify-signature.test.ts compares them), a fraction of
// the CPU, and off the event loop (crypto.verify with a callback runs on libuv's thread pool).
// @NOTE measured (bench:feed-read, 2 vCPUs): @atproto/crypto spent ~3 ms of the main thread per ES256K
// JWT, several times the feed query of an authenticated getFeedSkeleton; OpenSSL ~0.35 ms, elsewhere.

/** the did:key multicodec prefix, the JWT alg and the SubjectPublicKeyInfo DER up to the compressed point (RFC 5480), per curve */
const CURVES = [
  { prefix: SECP256K1_DID_PREFIX, jwtAlg: 'ES256K', spki: Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex') },
  { prefix: P256_DID_PREFIX, jwtAlg: 'ES256', spki: Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex') },
]

const MAX_KEYS = 10_000
/** did:key → its curve and OpenSSL key (parsing a did:key decompresses the point: not on every request) */
const keys = new Map<string, { jwtAlg: string; key: KeyObject } | null>()

function keyFor(didKey: string): { jwtAlg: string; key: KeyObject } | null {
  const cached = keys.get(didKey)
  if (cached !== undefined) return cached
  let entry: { jwtAlg: string; key: KeyObject } | null = null
  try {
    // @NOTE the compressed point goes to OpenSSL as it is: @atproto/crypto's parseDidKey decompresses it
    // with BigInt arithmetic (~0.5 ms of the event loop per new key, most of a cold start's CPU in bench:feed-read)
    const bytes = extractPrefixedBytes(extractMultikey(didKey))
    const curve = CURVES.find((c) => hasPrefix(bytes, c.prefix))
    const point = curve ? bytes.subarray(curve.prefix.length) : undefined
    if (curve && point && point.length === 33 && (point[0] === 2 || point[0] === 3)) {
      entry = { jwtAlg: curve.jwtAlg, key: createPublicKey({ key: Buffer.concat([curve.spki, point]), format: 'der', type: 'spki' }) }
    }
  } catch {
    // not a key this module handles: the library decides
  }
  setBounded(keys, didKey, entry, MAX_KEYS)
  return entry
}

/**
 * `verifySignatureWithKey` for @atproto/xrpc-server's verifyJwt: is `sig` a signature of `msg` by the
 * `didKey` (a `did:key`), for the JWT's `alg`? Like the library's default, high-S signatures are
 * accepted (JWTs allow them). Anything but a 64-byte signature by a P-256 or secp256k1 key whose type
 * matches `alg` goes to the library's own check, so unusual input gets exactly its answer.
 */
export async function verifyJwtSignature(didKey: string, msg: Uint8Array, sig: Uint8Array, alg: string): Promise<boolean> {
  const entry = keyFor(didKey)
  if (!entry || entry.jwtAlg !== alg || sig.length !== 64) return await cryptoVerifySignatureWithKey(didKey, msg, sig, alg)
  return await new Promise<boolean>((resolve, reject) => {
    verify('sha256', msg, { key: entry.key, dsaEncoding: 'ieee-p1363' }, sig, (err, ok) => (err ? reject(err) : resolve(ok)))
  })
}
