// `npm run setup-labeler` (scripts/setup-labeler.ts) as a child process against a real PDS and PLC on
// loopback: the PDS "emails" the PLC-operation code into its account store, where the test reads it
// as the operator would from their inbox.
import { runScript, type ScriptRun } from './helpers/children.ts'
import { Secp256k1Keypair } from '@atproto/crypto'
import { getDidKeyFromMultibase } from '@atproto/identity'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LABEL_DEFINITIONS } from '../labeler/classify/label-defs.ts'
import { REASON_TYPES } from '../scripts/lib/labeler-setup.ts'
import { TestNetwork, type TestAccount } from './helpers/network.ts'

const ENDPOINT = 'http://127.0.0.1:45678'
const SERVICE = 'app.bsky.labeler.service'

let net: TestNetwork
let labeler: TestAccount
let other: TestAccount
/** the key the first complete run printed */
let keyHex: string

/** Runs `node scripts/setup-labeler.ts` with only the given settings (stdin is not a terminal). */
async function setup(args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  const run = await runScript('scripts/setup-labeler.ts', args, { PLC_URL: net.plcUrl, ...env })
  for (const secret of [labeler.password, other.password]) {
    expect(run.stdout).not.toContain(secret)
    expect(run.stderr).not.toContain(secret)
  }
  return run
}

const asLabeler = (extra: Record<string, string> = {}) => ({
  LABELER_PDS_URL: net.pdsUrl,
  LABELER_IDENTIFIER: labeler.handle,
  LABELER_PASSWORD: labeler.password,
  ...extra,
})

async function emailedToken(did: string): Promise<string | undefined> {
  const row = await net.pds.ctx.accountManager.db.db
    .selectFrom('email_token')
    .select('token')
    .where('did', '=', did as never)
    .where('purpose', '=', 'plc_operation')
    .executeTakeFirst()
  return row?.token
}

interface PlcData {
  verificationMethods: Record<string, string>
  services: Record<string, { type: string; endpoint: string }>
}
const plcData = async (did: string) => (await (await fetch(`${net.plcUrl}/${did}/data`)).json()) as PlcData
const plcOps = async (did: string) => ((await (await fetch(`${net.plcUrl}/${did}/log`)).json()) as unknown[]).length

async function serviceRecord(did = labeler.did): Promise<{ cid: string; value: Record<string, unknown> } | null> {
  const res = await fetch(`${net.pdsUrl}/xrpc/com.atproto.repo.getRecord?repo=${did}&collection=${SERVICE}&rkey=self`)
  if (res.status !== 200) return null
  return (await res.json()) as { cid: string; value: Record<string, unknown> }
}

const hexKeys = (text: string) => text.match(/\b[0-9a-f]{64}\b/g) ?? []

beforeAll(async () => {
  net = await TestNetwork.create()
  labeler = await net.createAccount('welzijnlabels')
  other = await net.createAccount('iemandanders')
})

afterAll(async () => {
  await net?.close()
})

describe('setup-labeler', () => {
  test('--dry-run without credentials prints the plan and the record, changes nothing and sends no email', async () => {
    const opsBefore = await plcOps(labeler.did)
    const res = await setup(['--dry-run', '--endpoint', ENDPOINT], { LABELER_DID: labeler.did })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('dry run: nothing is changed')
    expect(res.stdout).toContain('a new key would be created and printed once')
    expect(res.stdout).toContain('PLC: operation needed:')
    expect(res.stdout).toContain('#atproto_label: (none) → (a new key, created when the operation is signed)')
    expect(res.stdout).toContain(`#atproto_labeler: (none) → AtprotoLabeler ${ENDPOINT}`)
    expect(res.stdout).toContain(`record: create at://${labeler.did}/${SERVICE}/self`)
    const record = JSON.parse(res.stdout.slice(res.stdout.indexOf('\n{') + 1)) as Record<string, unknown>
    expect(record).toMatchObject({ $type: SERVICE, subjectTypes: ['record', 'account'], subjectCollections: ['app.bsky.feed.post'] })
    expect(hexKeys(res.stdout)).toEqual([])

    expect(await plcOps(labeler.did)).toBe(opsBefore)
    expect(await emailedToken(labeler.did)).toBeUndefined()
    expect(await serviceRecord()).toBeNull()
  })

  test('without a code and without a terminal: the email is requested and the run stops, asking for --token; no key yet', async () => {
    const res = await setup(['--endpoint', ENDPOINT], asLabeler())
    expect(res.code).toBe(75)
    expect(res.stdout).toContain('PLC: operation needed:')
    expect(res.stdout).toContain('A confirmation code was emailed')
    expect(res.stderr).toContain('run again with --token CODE')
    expect(hexKeys(res.stdout + res.stderr)).toEqual([])
    expect(await emailedToken(labeler.did)).toBeDefined()
    expect(await serviceRecord()).toBeNull()
  })

  test('with --token: a new key is printed once, the DID document gets the key and endpoint, and the service record is published', async () => {
    const token = (await emailedToken(labeler.did)) as string
    const res = await setup(['--endpoint', ENDPOINT, '--token', token], asLabeler())
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain("Store this as LABELER_SIGNING_KEY; it will not be shown again")
    const keys = hexKeys(res.stdout)
    expect(keys).toHaveLength(1)
    keyHex = keys[0] as string
    expect(res.stdout).toContain(`LABELER_SIGNING_KEY=${keyHex}\n`)
    expect(res.stdout).toContain(`created    at://${labeler.did}/${SERVICE}/self`)

    // the printed key is the one in the DID document
    const keyDid = (await Secp256k1Keypair.import(keyHex)).did()
    const data = await plcData(labeler.did)
    expect(data.verificationMethods.atproto_label).toBe(keyDid)
    expect(data.services.atproto_labeler).toEqual({ type: 'AtprotoLabeler', endpoint: ENDPOINT })
    // ...and in the resolved DID document, next to the untouched PDS entries
    const doc = (await (await fetch(`${net.plcUrl}/${labeler.did}`)).json()) as {
      verificationMethod: { id: string; type: string; publicKeyMultibase: string }[]
      service: { id: string; type: string; serviceEndpoint: string }[]
    }
    const label = doc.verificationMethod.find((m) => m.id.endsWith('#atproto_label'))
    expect(label && getDidKeyFromMultibase(label)).toBe(keyDid)
    expect(doc.verificationMethod.some((m) => m.id.endsWith('#atproto'))).toBe(true)
    expect(doc.service).toContainEqual({ id: '#atproto_labeler', type: 'AtprotoLabeler', serviceEndpoint: ENDPOINT })
    expect(doc.service).toContainEqual({ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: net.pdsUrl })

    const record = (await serviceRecord())?.value as {
      policies: { labelValues: string[]; labelValueDefinitions: { identifier: string; locales: { lang: string }[] }[] }
      reasonTypes: string[]
      subjectTypes: string[]
      subjectCollections: string[]
      createdAt: string
    }
    expect(record.policies.labelValues).toEqual(['pro-ed', 'diet-culture', 'body-comparison', 'lifestyle-flex', 'outrage-bait', 'self-harm'])
    expect(record.policies.labelValueDefinitions).toEqual(LABEL_DEFINITIONS)
    for (const def of record.policies.labelValueDefinitions) expect(def.locales.map((l) => l.lang)).toEqual(['nl', 'en'])
    expect(record.reasonTypes).toEqual([...REASON_TYPES])
    for (const r of ['Other', 'Violation', 'Rude', 'Appeal']) expect(record.reasonTypes).toContain(`com.atproto.moderation.defs#reason${r}`)
    expect(record.subjectTypes).toEqual(['record', 'account'])
    expect(record.subjectCollections).toEqual(['app.bsky.feed.post'])
    expect(Number.isNaN(Date.parse(record.createdAt))).toBe(false)
  })

  test('running again with LABELER_SIGNING_KEY changes nothing: no PLC operation, no email, the record unchanged, the key not printed', async () => {
    const opsBefore = await plcOps(labeler.did)
    const recordBefore = await serviceRecord()
    // the PDS is found through the DID document this time, and the labeler's DID is checked
    const res = await setup(['--endpoint', ENDPOINT], {
      LABELER_DID: labeler.did,
      LABELER_IDENTIFIER: labeler.handle,
      LABELER_PASSWORD: labeler.password,
      LABELER_SIGNING_KEY: keyHex,
    })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('no PLC operation needed (no email sent)')
    expect(res.stdout).toContain(`unchanged  at://${labeler.did}/${SERVICE}/self`)
    expect(res.stdout).not.toContain(keyHex)
    expect(await plcOps(labeler.did)).toBe(opsBefore)
    expect(await emailedToken(labeler.did)).toBeUndefined()
    expect((await serviceRecord())?.cid).toBe(recordBefore?.cid)

    // a dry run now has nothing to do either
    const dry = await setup(['--dry-run', '--endpoint', ENDPOINT], { LABELER_DID: labeler.did, LABELER_SIGNING_KEY: keyHex })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('no PLC operation needed')
    expect(dry.stdout).toContain(`record: unchanged at://${labeler.did}/${SERVICE}/self`)
    expect(dry.stdout).not.toContain(keyHex)
  })

  test('a record changed elsewhere is put back, keeping its createdAt', async () => {
    const before = (await serviceRecord())?.value as Record<string, unknown>
    await labeler.agent.com.atproto.repo.putRecord({
      repo: labeler.did,
      collection: SERVICE,
      rkey: 'self',
      record: { ...before, reasonTypes: ['com.atproto.moderation.defs#reasonSpam'] },
    })
    const res = await setup(['--endpoint', ENDPOINT], asLabeler({ LABELER_SIGNING_KEY: keyHex }))
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`updated    at://${labeler.did}/${SERVICE}/self`)
    const after = (await serviceRecord())?.value as Record<string, unknown>
    expect(after).toEqual(before)
  })

  test('--dry-run with another key and endpoint shows the change, and changes nothing', async () => {
    const opsBefore = await plcOps(labeler.did)
    const recordBefore = await serviceRecord()
    const newKey = await Secp256k1Keypair.create({ exportable: true })
    const newHex = Buffer.from(await newKey.export()).toString('hex')
    const res = await setup(['--dry-run', '--endpoint', 'https://labels.example.org'], { LABELER_IDENTIFIER: labeler.did, LABELER_SIGNING_KEY: newHex })
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`#atproto_label: ${(await Secp256k1Keypair.import(keyHex)).did()} → ${newKey.did()}`)
    expect(res.stdout).toContain(`#atproto_labeler: AtprotoLabeler ${ENDPOINT} → AtprotoLabeler https://labels.example.org`)
    expect(await plcOps(labeler.did)).toBe(opsBefore)
    expect(await emailedToken(labeler.did)).toBeUndefined()
    expect((await serviceRecord())?.cid).toBe(recordBefore?.cid)
    expect((await plcData(labeler.did)).services.atproto_labeler?.endpoint).toBe(ENDPOINT)
  })

  test('without LABELER_SIGNING_KEY, a key already in the DID document is not replaced unless --new-key is given', async () => {
    const opsBefore = await plcOps(labeler.did)
    const res = await setup(['--endpoint', ENDPOINT], asLabeler())
    expect(res.code).toBe(78)
    expect(res.stderr).toContain('already has a label key')
    expect(res.stderr).toContain('--new-key')
    expect(hexKeys(res.stdout + res.stderr)).toEqual([])
    expect(await plcOps(labeler.did)).toBe(opsBefore)
    expect(await emailedToken(labeler.did)).toBeUndefined()
  })

  test('an app password cannot change the DID document: a clear error, nothing changed', async () => {
    const appPassword = (await labeler.agent.com.atproto.server.createAppPassword({ name: 'setup' })).data.password
    const opsBefore = await plcOps(labeler.did)
    const res = await setup(['--endpoint', 'https://labels.example.org'], asLabeler({ LABELER_PASSWORD: appPassword, LABELER_SIGNING_KEY: keyHex }))
    expect(res.code).toBe(78)
    expect(res.stderr).toContain('app password')
    expect(res.stderr).toContain('LABELER_PASSWORD')
    expect(res.stderr).not.toContain(appPassword)
    expect(await plcOps(labeler.did)).toBe(opsBefore)
    expect(await emailedToken(labeler.did)).toBeUndefined()
  })

  test('--new-key replaces the key (code from PLC_TOKEN): the new key is printed once and is in the DID document', async () => {
    const first = await setup(['--endpoint', ENDPOINT, '--new-key'], asLabeler())
    expect(first.code).toBe(75)
    const token = (await emailedToken(labeler.did)) as string
    const res = await setup(['--endpoint', ENDPOINT, '--new-key'], asLabeler({ PLC_TOKEN: token }))
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const keys = hexKeys(res.stdout)
    expect(keys).toHaveLength(1)
    expect(keys[0]).not.toBe(keyHex)
    expect((await plcData(labeler.did)).verificationMethods.atproto_label).toBe((await Secp256k1Keypair.import(keys[0] as string)).did())
    expect(res.stdout).toContain(`unchanged  at://${labeler.did}/${SERVICE}/self`)
    keyHex = keys[0] as string
  })

  test('LABELER_DID of another account, missing settings and a bad key are clear errors', async () => {
    const wrong = await setup(['--endpoint', ENDPOINT], asLabeler({ LABELER_DID: other.did, LABELER_SIGNING_KEY: keyHex }))
    expect(wrong.code).toBe(78)
    expect(wrong.stderr).toContain(`logged in as ${labeler.did}`)
    expect(wrong.stderr).toContain(`LABELER_DID is ${other.did}`)

    const noHost = await setup([], asLabeler({ LABELER_SIGNING_KEY: keyHex }))
    expect(noHost.code).toBe(78)
    expect(noHost.stderr).toContain('LABELER_HOSTNAME')

    const noPassword = await setup(['--endpoint', ENDPOINT], { LABELER_PDS_URL: net.pdsUrl, LABELER_IDENTIFIER: labeler.handle })
    expect(noPassword.code).toBe(78)
    expect(noPassword.stderr).toContain('LABELER_PASSWORD is not set, and there is no terminal to ask for it')

    const badKey = await setup(['--endpoint', ENDPOINT], asLabeler({ LABELER_SIGNING_KEY: 'abc' }))
    expect(badKey.code).toBe(78)
    expect(badKey.stderr).toContain('LABELER_SIGNING_KEY must be 64 hexadecimal characters')

    const badEndpoint = await setup(['--endpoint', 'https://labels.example.org/pad'], asLabeler())
    expect(badEndpoint.code).toBe(64)
  })
})
