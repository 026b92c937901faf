import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { Secp256k1Keypair, type Keypair } from '@atproto/crypto'

// A secp256k1 keypair that signs with the platform's OpenSSL, for seeding benchmark data quickly (100k
// labels). Its signatures are ordinary atproto signatures: compact r||s, low-S, over sha256 of the
// message, verifiable by @atproto/crypto (the label-stream benchmark checks a sample that way). The
// services themselves sign with @atproto/crypto.
//
// `presign(messages)` signs messages that are about to be signed in parallel on libuv's thread pool;
// `sign()` then hands out the ready signature (and signs anything else on the spot).

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_N = N >> 1n

function lowS(sig: Buffer): Uint8Array {
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`)
  if (s > HALF_N) sig.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32)
  return new Uint8Array(sig)
}

export class NativeK256Keypair implements Keypair {
  readonly jwtAlg: string
  readonly #did: string
  readonly #key: KeyObject
  readonly #ready = new Map<string, Uint8Array>()
  /** signatures handed out from presign(), and signed on the spot */
  readonly stats = { presigned: 0, direct: 0 }

  private constructor(did: string, jwtAlg: string, key: KeyObject) {
    this.#did = did
    this.jwtAlg = jwtAlg
    this.#key = key
  }

  static async import(privateKeyHex: string): Promise<NativeK256Keypair> {
    const lib = await Secp256k1Keypair.import(privateKeyHex)
    const der = Buffer.concat([Buffer.from('302e0201010420', 'hex'), Buffer.from(privateKeyHex, 'hex'), Buffer.from('a00706052b8104000a', 'hex')])
    return new NativeK256Keypair(lib.did(), lib.jwtAlg, createPrivateKey({ key: der, format: 'der', type: 'sec1' }))
  }

  did(): string {
    return this.#did
  }

  async sign(msg: Uint8Array): Promise<Uint8Array> {
    const k = Buffer.from(msg).toString('base64')
    const ready = this.#ready.get(k)
    if (ready) {
      this.#ready.delete(k)
      this.stats.presigned++
      return ready
    }
    this.stats.direct++
    return lowS(sign('sha256', msg, { key: this.#key, dsaEncoding: 'ieee-p1363' }))
  }

  async presign(messages: Uint8Array[]): Promise<void> {
    await Promise.all(
      messages.map(
        (msg) =>
          new Promise<void>((resolve, reject) =>
            sign('sha256', msg, { key: this.#key, dsaEncoding: 'ieee-p1363' }, (err, sig) => {
              if (err) return reject(err)
              this.#ready.set(Buffer.from(msg).toString('base64'), lowS(sig))
              resolve()
            }),
          ),
      ),
    )
  }
}
