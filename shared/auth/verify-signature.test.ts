import { randomBytes } from 'node:crypto'
import { P256Keypair, Secp256k1Keypair, type Keypair } from '@atproto/crypto'
import { cryptoVerifySignatureWithKey, createServiceJwt, verifyJwt } from '@atproto/xrpc-server'
import { describe, expect, test } from 'vitest'
import { verifyJwtSignature } from './verify-signature.ts'

// The OpenSSL check must give the answers of @atproto/xrpc-server's own (cryptoVerifySignatureWithKey,
// @atproto/crypto with malleable signatures allowed) for valid, tampered, high-S, foreign-key, wrong-alg,
// out-of-range and random signatures. A check that throws counts as "not valid" (verifyJwt turns both
// into BadJwtSignature).

const ORDERS: Record<string, bigint> = {
  ES256K: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
}

const toBig = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`)
const toBytes32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')

async function answer(f: () => Promise<boolean>): Promise<boolean> {
  try {
    return await f()
  } catch {
    return false
  }
}

async function both(didKey: string, msg: Uint8Array, sig: Uint8Array, alg: string): Promise<{ native: boolean; library: boolean }> {
  return {
    native: await answer(() => verifyJwtSignature(didKey, msg, sig, alg)),
    library: await answer(() => cryptoVerifySignatureWithKey(didKey, msg, sig, alg)),
  }
}

for (const [name, create] of [
  ['ES256K', () => Secp256k1Keypair.create()],
  ['ES256', () => P256Keypair.create()],
] as [string, () => Promise<Keypair>][]) {
  describe(`${name} keys`, () => {
    test('valid, tampered, high-S, another key and out-of-range signatures: the same answers as the library', async () => {
      const kp = await create()
      const other = await create()
      for (let i = 0; i < 20; i++) {
        const msg = randomBytes(40 + i)
        const sig = await kp.sign(msg)
        expect(await both(kp.did(), msg, sig, name)).toEqual({ native: true, library: true })
        // the same signature with s replaced by n - s (high-S): JWTs accept it
        const n = ORDERS[name] as bigint
        const high = Buffer.concat([sig.subarray(0, 32), toBytes32(n - toBig(sig.subarray(32)))])
        expect(await both(kp.did(), msg, high, name)).toEqual({ native: true, library: true })
        const tampered = Buffer.from(msg)
        tampered[i % tampered.length] = (tampered[i % tampered.length] as number) ^ 1
        expect(await both(kp.did(), tampered, sig, name)).toEqual({ native: false, library: false })
        expect(await both(other.did(), msg, sig, name)).toEqual({ native: false, library: false })
      }
      const msg = randomBytes(32)
      const sig = await kp.sign(msg)
      const n = ORDERS[name] as bigint
      for (const bad of [
        Buffer.concat([Buffer.alloc(32), sig.subarray(32)]), // r = 0
        Buffer.concat([sig.subarray(0, 32), Buffer.alloc(32)]), // s = 0
        Buffer.concat([toBytes32(n), sig.subarray(32)]), // r = n
        Buffer.concat([sig.subarray(0, 32), toBytes32(n + 1n)]), // s > n
        Buffer.alloc(64, 0xff),
        sig.subarray(0, 63),
        Buffer.concat([sig, Buffer.from([0])]),
        new Uint8Array(0),
      ]) {
        expect(await both(kp.did(), msg, bad, name)).toEqual({ native: false, library: false })
      }
      for (let i = 0; i < 50; i++) expect(await both(kp.did(), msg, randomBytes(64), name)).toEqual({ native: false, library: false })
    })

    test('a signature under the other algorithm name is refused, as by the library', async () => {
      const kp = await create()
      const msg = randomBytes(32)
      const sig = await kp.sign(msg)
      const otherAlg = name === 'ES256K' ? 'ES256' : 'ES256K'
      expect(await both(kp.did(), msg, sig, otherAlg)).toEqual({ native: false, library: false })
      await expect(verifyJwtSignature(kp.did(), msg, sig, otherAlg)).rejects.toThrow()
    })
  })
}

test('verifyJwt with the OpenSSL check: a valid service-auth JWT passes, a tampered one is BadJwtSignature', async () => {
  const kp = await Secp256k1Keypair.create()
  const iss = 'did:plc:issuerissuerissuerissuera'
  const jwt = await createServiceJwt({ iss, aud: 'did:web:feeds.test', lxm: 'app.bsky.feed.getFeedSkeleton', keypair: kp })
  const getKey = async () => kp.did()
  const payload = await verifyJwt(jwt, 'did:web:feeds.test', 'app.bsky.feed.getFeedSkeleton', getKey, verifyJwtSignature)
  expect(payload.iss).toBe(iss)
  const [h, p, s] = jwt.split('.') as [string, string, string]
  const sig = Buffer.from(s, 'base64url')
  sig[10] = (sig[10] as number) ^ 1
  await expect(verifyJwt(`${h}.${p}.${sig.toString('base64url')}`, 'did:web:feeds.test', 'app.bsky.feed.getFeedSkeleton', getKey, verifyJwtSignature)).rejects.toMatchObject({
    error: 'BadJwtSignature',
  })
})

test('a did:key that is not P-256 or secp256k1 gets the library answer (an error)', async () => {
  const msg = randomBytes(32)
  const sig = randomBytes(64)
  const ed25519 = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
  expect(await both(ed25519, msg, sig, 'ES256K')).toEqual({ native: false, library: false })
  await expect(verifyJwtSignature('not a did', msg, sig, 'ES256K')).rejects.toThrow()
})
