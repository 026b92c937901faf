import { decode, encode } from '@atcute/cbor'
import { cborEncode as legacyCborEncode } from '@atproto/common'
import { Secp256k1Keypair, verifySignature } from '@atproto/crypto'
import { encode as lexCborEncode, type LexValue } from '@atproto/lex-cbor'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  encodeLabelForStream,
  InvalidLabelError,
  labelFromJson,
  labelSigningBytes,
  labelToJson,
  signLabel,
  verifyLabelSignature,
  type SignedLabel,
  type UnsignedLabel,
} from './signing.ts'

const SRC = 'did:plc:labelerlabelerlabeler'
const URI = 'at://did:plc:author/app.bsky.feed.post/3kabc'
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'
// secp256k1 group order
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

let keypair: Secp256k1Keypair

beforeAll(async () => {
  keypair = await Secp256k1Keypair.create({ exportable: true })
})

const base: UnsignedLabel = { ver: 1, src: SRC, uri: URI, val: 'comparison', cts: '2025-01-02T03:04:05.678Z' }
const variants: [string, UnsignedLabel][] = [
  ['minimal', base],
  ['with cid', { ...base, cid: CID }],
  ['negation', { ...base, neg: true }],
  ['with exp', { ...base, exp: '2026-01-01T00:00:00.000Z' }],
  ['everything', { ...base, cid: CID, neg: true, exp: '2026-01-01T00:00:00.000Z' }],
  ['account label, non-ASCII uri part', { ...base, uri: 'did:web:exämple.com', val: '!hide' }],
]

/** the label without sig, built by hand, in an unrelated key order */
function handBuilt(l: UnsignedLabel): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  if (l.exp !== undefined) o.exp = l.exp
  o.val = l.val
  if (l.neg) o.neg = true
  o.cts = l.cts
  if (l.cid !== undefined) o.cid = l.cid
  o.uri = l.uri
  o.src = l.src
  o.ver = 1
  return o
}

function sValue(sig: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(sig.subarray(32, 64)).toString('hex')}`)
}

describe('DAG-CBOR encoding', () => {
  test('@atcute/cbor sorts map keys by length, then bytewise, like @atproto/lex-cbor and @atproto/common', () => {
    const value = { zz: 1, a: 2, bbb: 3, b: 4, aa: { y: 1, x: [1, 'é'] }, 'é': 5, e: 6 }
    const bytes = encode(value)
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(lexCborEncode(value as LexValue)).toString('hex'))
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(legacyCborEncode(value)).toString('hex'))
    // 'é' is two bytes in UTF-8, so it sorts with the two-letter keys
    expect(Object.keys(decode(bytes) as object)).toEqual(['a', 'b', 'e', 'aa', 'zz', 'é', 'bbb'])
  })

  test('@atcute/cbor leaves out undefined fields', () => {
    expect(encode({ a: 1, b: undefined })).toEqual(encode({ a: 1 }))
  })

  test.each(variants)('signing bytes of a label (%s) match the independent encoders', (_name, l) => {
    const ours = Buffer.from(labelSigningBytes(l)).toString('hex')
    expect(ours).toBe(Buffer.from(lexCborEncode(handBuilt(l) as LexValue)).toString('hex'))
    expect(ours).toBe(Buffer.from(legacyCborEncode(handBuilt(l))).toString('hex'))
  })

  test('the label map keys come out in canonical order', () => {
    const bytes = labelSigningBytes({ ...base, cid: CID, neg: true, exp: '2026-01-01T00:00:00.000Z' })
    expect(Object.keys(decode(bytes) as object)).toEqual(['cid', 'cts', 'exp', 'neg', 'src', 'uri', 'val', 'ver'])
  })
})

describe('signLabel', () => {
  test.each(variants)('signature (%s) verifies over independently encoded bytes', async (_name, l) => {
    const signed = await signLabel(l, keypair)
    const bytes = lexCborEncode(handBuilt(l) as LexValue)
    expect(await verifySignature(keypair.did(), bytes, signed.sig)).toBe(true)
    expect(await verifyLabelSignature(signed, keypair.did())).toBe(true)
    expect(signed.sig).toHaveLength(64)
  })

  test('keeps exactly the spec fields', async () => {
    const signed = await signLabel({ ...base, cid: CID, extra: 'x', reasons: ['r'] } as UnsignedLabel, keypair)
    expect(Object.keys(signed).sort()).toEqual(['cid', 'cts', 'sig', 'src', 'uri', 'val', 'ver'])
  })

  test('neg: false is left out of the label and of the signed bytes', async () => {
    const withFalse = { ...base, neg: false } as unknown as UnsignedLabel
    expect(labelSigningBytes(withFalse)).toEqual(labelSigningBytes(base))
    const signed = await signLabel(withFalse, keypair)
    expect('neg' in signed).toBe(false)
    expect(await verifySignature(keypair.did(), lexCborEncode(handBuilt(base) as LexValue), signed.sig)).toBe(true)
    expect('neg' in labelToJson(signed)).toBe(false)
    expect('neg' in encodeLabelForStream(signed)).toBe(false)
  })

  test('undefined optional fields are left out', async () => {
    const signed = await signLabel({ ...base, cid: undefined, exp: undefined, neg: undefined }, keypair)
    expect(Object.keys(signed).sort()).toEqual(['cts', 'sig', 'src', 'uri', 'val', 'ver'])
  })

  test('refuses ver other than 1', async () => {
    await expect(signLabel({ ...base, ver: 2 } as unknown as UnsignedLabel, keypair)).rejects.toThrow(InvalidLabelError)
  })

  test('signatures are compact and low-S (many keys and labels)', async () => {
    for (let i = 0; i < 40; i++) {
      const kp = await Secp256k1Keypair.create()
      const signed = await signLabel({ ...base, val: 'a'.repeat(i + 1) }, kp)
      expect(signed.sig).toHaveLength(64)
      expect(sValue(signed.sig) <= N / 2n).toBe(true)
      expect(await verifyLabelSignature(signed, kp.did())).toBe(true)
    }
  })

  test('a high-S twin of a valid signature is refused', async () => {
    const signed = await signLabel(base, keypair)
    const highS = (N - sValue(signed.sig)).toString(16).padStart(64, '0')
    const twin = new Uint8Array([...signed.sig.subarray(0, 32), ...Buffer.from(highS, 'hex')])
    expect(await verifyLabelSignature({ ...signed, sig: twin }, keypair.did())).toBe(false)
  })

  const tampers: [string, (l: SignedLabel) => SignedLabel][] = [
    ['src', (l) => ({ ...l, src: 'did:plc:someoneelse' })],
    ['uri', (l) => ({ ...l, uri: `${l.uri}x` })],
    ['cid added', (l) => ({ ...l, cid: CID })],
    ['val', (l) => ({ ...l, val: 'comparisons' })],
    ['neg added', (l) => ({ ...l, neg: true })],
    ['cts', (l) => ({ ...l, cts: '2025-01-02T03:04:05.679Z' })],
    ['exp added', (l) => ({ ...l, exp: '2030-01-01T00:00:00.000Z' })],
    ['sig bit flipped', (l) => ({ ...l, sig: l.sig.map((b, i) => (i === 10 ? b ^ 1 : b)) })],
    ['sig truncated', (l) => ({ ...l, sig: l.sig.subarray(0, 63) })],
  ]
  test.each(tampers)('tampering with %s breaks verification', async (_name, tamper) => {
    const signed = await signLabel(base, keypair)
    expect(await verifyLabelSignature(tamper(signed), keypair.did())).toBe(false)
  })

  test('another key does not verify', async () => {
    const signed = await signLabel(base, keypair)
    const other = await Secp256k1Keypair.create()
    expect(await verifyLabelSignature(signed, other.did())).toBe(false)
  })

  test('a key that is not a did:key throws rather than answering false', async () => {
    const signed = await signLabel(base, keypair)
    await expect(verifyLabelSignature(signed, 'did:plc:notakey')).rejects.toThrow()
  })

  test('signing is repeatable for an imported key (RFC 6979)', async () => {
    const exported = await keypair.export()
    const again = await Secp256k1Keypair.import(Buffer.from(exported).toString('hex'))
    expect((await signLabel(base, again)).sig).toEqual((await signLabel(base, keypair)).sig)
  })
})

describe('JSON form', () => {
  test('sig as $bytes in unpadded standard base64', () => {
    const label: SignedLabel = { ...base, sig: new Uint8Array([0xfb, 0xff, 0xbf, 0xfb]) }
    expect(labelToJson(label)).toEqual({ ...base, sig: { $bytes: '+/+/+w' } })
  })

  test('a 64-byte signature is 86 characters without padding', async () => {
    const json = labelToJson(await signLabel(base, keypair))
    const b64 = (json.sig as { $bytes: string }).$bytes
    expect(b64).toHaveLength(86)
    expect(b64).toMatch(/^[A-Za-z0-9+/]+$/)
  })

  test('only the spec fields, absent ones left out', async () => {
    const signed = await signLabel(base, keypair)
    const json = labelToJson({ ...signed, reasons: ['x'], automatic: true } as SignedLabel)
    expect(Object.keys(json).sort()).toEqual(['cts', 'sig', 'src', 'uri', 'val', 'ver'])
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })

  test.each(variants)('round trip (%s) keeps the signature valid', async (_name, l) => {
    const signed = await signLabel(l, keypair)
    const back = labelFromJson(JSON.parse(JSON.stringify(labelToJson(signed))))
    expect(back).toEqual(signed)
    expect(await verifyLabelSignature(back, keypair.did())).toBe(true)
  })

  test('accepts padded base64 and neg: false', async () => {
    const signed = await signLabel(base, keypair)
    const json = { ...labelToJson(signed), neg: false, sig: { $bytes: Buffer.from(signed.sig).toString('base64') } }
    const back = labelFromJson(json)
    expect('neg' in back).toBe(false)
    expect(back.sig).toEqual(signed.sig)
    expect(await verifyLabelSignature(back, keypair.did())).toBe(true)
  })

  const good = () => ({ ...base, sig: { $bytes: 'AAEC' } })
  test.each<[string, unknown]>([
    ['null', null],
    ['an array', []],
    ['a string', 'label'],
    ['no ver', { ...good(), ver: undefined }],
    ['ver 2', { ...good(), ver: 2 }],
    ['ver as string', { ...good(), ver: '1' }],
    ['src not a DID', { ...good(), src: 'labeler.example' }],
    ['no uri', { ...good(), uri: undefined }],
    ['empty uri', { ...good(), uri: '' }],
    ['val of 129 bytes', { ...good(), val: 'a'.repeat(129) }],
    ['empty val', { ...good(), val: '' }],
    ['cts not a datetime', { ...good(), cts: 'yesterday' }],
    ['cts without timezone', { ...good(), cts: '2025-01-01T00:00:00' }],
    ['exp not a datetime', { ...good(), exp: 12 }],
    ['neg as string', { ...good(), neg: 'true' }],
    ['cid empty', { ...good(), cid: '' }],
    ['no sig', { ...good(), sig: undefined }],
    ['sig as bytes array', { ...good(), sig: [1, 2, 3] }],
    ['sig in url-safe base64', { ...good(), sig: { $bytes: '-_-_' } }],
    ['sig with junk', { ...good(), sig: { $bytes: 'AA!C' } }],
    ['sig of impossible length', { ...good(), sig: { $bytes: 'AAECA' } }],
    ['sig with non-zero trailing bits', { ...good(), sig: { $bytes: 'AB' } }],
    ['empty sig', { ...good(), sig: { $bytes: '' } }],
  ])('refuses %s', (_name, json) => {
    expect(() => labelFromJson(json)).toThrow(InvalidLabelError)
  })
})

describe('stream form', () => {
  test('sig becomes a CBOR byte string; bytes match an independent encoder', async () => {
    const signed = await signLabel({ ...base, cid: CID, neg: true }, keypair)
    const frameBody = encode({ seq: 7, labels: [encodeLabelForStream(signed)] })
    const independent = lexCborEncode({ seq: 7, labels: [{ ...handBuilt(signed), sig: signed.sig }] } as LexValue)
    expect(Buffer.from(frameBody).toString('hex')).toBe(Buffer.from(independent).toString('hex'))
    const decoded = decode(frameBody) as { labels: { sig: { buf: Uint8Array } }[] }
    expect(decoded.labels[0]?.sig.buf).toEqual(signed.sig)
  })

  test('no undefined fields', async () => {
    const signed = await signLabel({ ...base, cid: undefined }, keypair)
    const obj = encodeLabelForStream(signed)
    expect(Object.values(obj).includes(undefined)).toBe(false)
    expect(Object.keys(obj).sort()).toEqual(['cts', 'sig', 'src', 'uri', 'val', 'ver'])
  })
})
