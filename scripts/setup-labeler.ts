// Sets up the labeler account: a signing key, the DID document entries (#atproto_label key and
// #atproto_labeler service, through the PDS's PLC-operation flow with an emailed code) and the
// app.bsky.labeler.service record. Safe to run again: what is already right is left alone.
//
//   npm run setup-labeler                          interactive: asks for what is missing
//   npm run setup-labeler -- --token CODE          the code from the email (also PLC_TOKEN)
//   npm run setup-labeler -- --dry-run             print the plan; change nothing, send no email
//
// Settings: LABELER_IDENTIFIER (handle or DID; else LABELER_DID), LABELER_PASSWORD (the account
// password: app passwords cannot sign PLC operations), LABELER_DID, LABELER_SIGNING_KEY (else a new key
// is created and printed once), LABELER_HOSTNAME or --endpoint, LABELER_PDS_URL, PLC_URL.

import { parseArgs } from 'node:util'
import { Secp256k1Keypair } from '@atproto/crypto'
import type { AtpAgent } from '@atproto/api'
import { readEnv } from '../labeler/config.ts'
import { checkUrl, ConfigError } from '../shared/config/index.ts'
import { agentPds, login, Network, sameRecord, sessionScope, type PlcData } from './lib/atproto.ts'
import { CliError, EXIT, isInteractive, prompt, runMain, settingOrPrompt } from './lib/cli.ts'
import { buildServiceRecord, LABEL_KEY_ID, LABELER_SERVICE, planPlc, type PlcPlan } from './lib/labeler-setup.ts'

const SCRIPT = 'setup-labeler'

const USAGE = `Usage: npm run setup-labeler [-- options]

Gives the labeler account its signing key and service endpoint in its DID document (PLC operation,
confirmed with a code the PDS emails to the account) and publishes its app.bsky.labeler.service record.
  --token CODE     the code from the email (or PLC_TOKEN); without it the email is requested
  --endpoint URL   the labeler's public URL (default https://<LABELER_HOSTNAME>)
  --new-key        replace a label key already in the DID document by a new one
  --dry-run        print the planned changes and the record; change nothing, send no email, no login
  --help           this text

Settings: LABELER_IDENTIFIER, LABELER_PASSWORD (the account password), LABELER_DID, LABELER_SIGNING_KEY,
LABELER_HOSTNAME, LABELER_PDS_URL, PLC_URL, PLC_TOKEN.
`

const out = (line = '') => process.stdout.write(`${line}\n`)

function labelerEndpoint(flag: string | undefined, hostname: string | undefined): string {
  if (flag === undefined && hostname === undefined) {
    throw new CliError("set LABELER_HOSTNAME to the labeler's public host name (its endpoint is https://<hostname>), or pass --endpoint URL", EXIT.config)
  }
  if (flag === undefined && !/^[a-z0-9.-]+(:\d+)?$/i.test(hostname as string)) {
    throw new CliError(`LABELER_HOSTNAME must be a bare host name like labels.example.org, got "${hostname}"`, EXIT.config)
  }
  const raw = flag ?? `https://${hostname}`
  let url: URL
  try {
    url = checkUrl(flag === undefined ? 'LABELER_HOSTNAME' : '--endpoint', raw, ['http:', 'https:'])
  } catch (err) {
    throw new CliError((err as Error).message, flag === undefined ? EXIT.config : EXIT.usage)
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new CliError(`--endpoint must be the labeler's origin like https://labels.example.org, got "${raw}"`, EXIT.usage)
  }
  return url.origin
}

async function importKey(hex: string): Promise<Secp256k1Keypair> {
  const keyHex = hex.replace(/^0x/, '').toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(keyHex)) {
    throw new ConfigError('LABELER_SIGNING_KEY must be 64 hexadecimal characters (a secp256k1 private key); unset it to create a new one')
  }
  return await Secp256k1Keypair.import(keyHex, { exportable: false })
}

function printPlc(plan: PlcPlan): void {
  if (!plan.needed) {
    out('PLC: the DID document already has this label key and endpoint: no PLC operation needed (no email sent)')
    return
  }
  out('PLC: operation needed:')
  for (const c of plan.changes) out(`  ${c}`)
}

const keyInDocMessage = (did: string, oldKey: string) =>
  `the DID document of ${did} already has a label key (${oldKey}). Set LABELER_SIGNING_KEY to that key to keep it, ` +
  'or pass --new-key to replace it (labels already signed with the old key will then no longer verify)'

async function dryRun(network: Network, opts: { did?: string; pdsUrl?: string; key?: Secp256k1Keypair; endpoint: string; newKey: boolean }): Promise<void> {
  out('dry run: nothing is changed, no email is requested')
  const { did, key, endpoint } = opts
  out(`labeler account: ${did ?? '(unknown: set LABELER_DID or LABELER_IDENTIFIER to compare with its current state)'}`)
  out(`signing key: ${key ? `${key.did()} (from LABELER_SIGNING_KEY)` : 'a new key would be created and printed once'}`)
  out(`endpoint: ${endpoint}`)
  let existing: Awaited<ReturnType<Network['getRecord']>> | undefined
  if (did?.startsWith('did:plc:')) {
    const current = await network.plcData(did)
    const oldKey = current.verificationMethods[LABEL_KEY_ID]
    if (!key && oldKey && !opts.newKey) out(`stop: ${keyInDocMessage(did, oldKey)}`)
    printPlc(planPlc(current, key?.did(), endpoint))
  } else if (did) {
    out(`PLC: ${did} is not a did:plc; its DID document must be edited by hand (see the README)`)
  } else {
    printPlc(planPlc({ verificationMethods: {}, services: {} }, key?.did(), endpoint))
  }
  if (did) {
    try {
      existing = await network.getRecord(opts.pdsUrl ?? (await network.pdsOf(did)), did, LABELER_SERVICE, 'self')
    } catch (err) {
      out(`(current record not read: ${(err as Error).message})`)
    }
  }
  const createdAt = typeof existing?.value.createdAt === 'string' ? existing.value.createdAt : new Date().toISOString()
  const record = buildServiceRecord(createdAt)
  const action = existing === undefined ? 'create or update' : existing === null ? 'create' : sameRecord(existing.value, record) ? 'unchanged' : 'update'
  out(`record: ${action} ${did ? `at://${did}/${LABELER_SERVICE}/self` : `${LABELER_SERVICE}/self`}`)
  out(JSON.stringify(record, null, 2))
}

/** Runs the PLC operation (requesting the emailed code when none is given); a new key is printed once. */
async function updateDidDocument(
  agent: AtpAgent,
  network: Network,
  did: string,
  current: PlcData,
  opts: { key?: Secp256k1Keypair; endpoint: string; token?: string },
): Promise<void> {
  const scope = sessionScope(agent)
  if (scope !== undefined && scope !== 'com.atproto.access') {
    throw new CliError(
      'the PLC operation needs a session with the account password, and this is an app password: ' +
        "set LABELER_PASSWORD to the labeler account's own password (it is only used for this session)",
      EXIT.config,
    )
  }
  let token = opts.token
  if (!token) {
    await agent.com.atproto.identity.requestPlcOperationSignature()
    out("A confirmation code was emailed to the labeler account's email address.")
    if (!isInteractive()) {
      throw new CliError(
        'run again with --token CODE (or PLC_TOKEN=CODE), with the code from the email' +
          (opts.key ? '' : '; no key was created yet: it is created, and shown once, in that run'),
        EXIT.retry,
      )
    }
    token = await prompt('Paste the code from the email: ')
    if (!token) throw new CliError('no code given; run again to get a new one')
  }
  const keypair = opts.key ?? (await Secp256k1Keypair.create({ exportable: true }))
  const plan = planPlc(current, keypair.did(), opts.endpoint)
  let operation: unknown
  try {
    const res = await agent.com.atproto.identity.signPlcOperation({ token, verificationMethods: plan.verificationMethods, services: plan.services })
    operation = res.data.operation
  } catch (err) {
    const e = err as { error?: string; message?: string }
    throw new CliError(
      `the PDS did not sign the PLC operation (${e.error ?? ''}${e.message ? `: ${e.message}` : ''}). ` +
        'If the code is wrong or expired, run again without --token to get a new one.',
    )
  }
  if (!opts.key) {
    // @NOTE printed once, before the operation is submitted: from here on the DID document may name it
    const hex = Buffer.from(await keypair.export()).toString('hex')
    out()
    out("New label signing key. Store this as LABELER_SIGNING_KEY; it will not be shown again:")
    out(`LABELER_SIGNING_KEY=${hex}`)
    out(`(its public key: ${keypair.did()})`)
    out()
  }
  try {
    await agent.com.atproto.identity.submitPlcOperation({ operation: operation as never })
  } catch (err) {
    throw new CliError(
      `the PLC operation was not accepted: ${(err as Error).message}` + (opts.key ? '' : '; the key printed above was not put in the DID document: discard it'),
    )
  }
  const after = await network.plcData(did)
  if (planPlc(after, keypair.did(), opts.endpoint).needed) {
    throw new CliError(`the PLC operation was submitted, but ${network.plcUrl} does not show it yet; check with \`curl ${network.plcUrl}/${did}/data\``)
  }
  out(`PLC: updated ${did}: #${LABEL_KEY_ID} ${keypair.did()}, #atproto_labeler ${opts.endpoint}`)
}

async function main(): Promise<number | void> {
  const { values } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      token: { type: 'string' },
      endpoint: { type: 'string' },
      'new-key': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const env = process.env
  const lenv = readEnv(env)
  const plcUrl = (lenv.plcUrl ?? 'https://plc.directory').replace(/\/+$/, '')
  checkUrl('PLC_URL', plcUrl, ['http:', 'https:'])
  const endpoint = labelerEndpoint(values.endpoint, lenv.hostname)
  const key = lenv.signingKey ? await importKey(lenv.signingKey) : undefined
  const network = new Network({ plcUrl })
  const pdsSetting = env.LABELER_PDS_URL?.trim().replace(/\/+$/, '') || undefined
  if (pdsSetting) checkUrl('LABELER_PDS_URL', pdsSetting, ['http:', 'https:'])
  const identifierSetting = env.LABELER_IDENTIFIER?.trim() || undefined

  if (values['dry-run']) {
    const did = lenv.did ?? (identifierSetting ? await network.resolveIdentifier(identifierSetting) : undefined)
    await dryRun(network, { did, pdsUrl: pdsSetting, key, endpoint, newKey: values['new-key'] })
    return
  }

  const identifier = identifierSetting ?? lenv.did ?? (await settingOrPrompt(env, 'LABELER_IDENTIFIER', 'Handle or DID of the labeler account: ', { help: 'or LABELER_DID' }))
  const pds = pdsSetting ?? (await network.pdsOf(lenv.did ?? (await network.resolveIdentifier(identifier))))
  // @NOTE an app password (LABELER_APP_PASSWORD) is enough when the DID document is already right
  const password =
    env.LABELER_PASSWORD?.trim() ||
    env.LABELER_APP_PASSWORD?.trim() ||
    (await settingOrPrompt(env, 'LABELER_PASSWORD', `Account password for ${identifier} (not an app password): `, {
      hidden: true,
      help: "the labeler account's password: the PLC operation cannot be done with an app password",
    }))
  const agent = await login(pds, identifier, password)
  const did = agent.session?.did as string
  if (lenv.did && lenv.did !== did) {
    throw new CliError(`logged in as ${did} (${agent.session?.handle}), but LABELER_DID is ${lenv.did}: log in as the labeler account, or fix LABELER_DID`, EXIT.config)
  }
  out(`labeler account: ${did} (${agent.session?.handle})`)
  if (!did.startsWith('did:plc:')) {
    throw new CliError(
      `${did} is not a did:plc: add the #${LABEL_KEY_ID} key and the #atproto_labeler service (AtprotoLabeler, ${endpoint}) to its DID document by hand`,
    )
  }

  const current = await network.plcData(did)
  const oldKey = current.verificationMethods[LABEL_KEY_ID]
  if (!key && oldKey && !values['new-key']) throw new CliError(keyInDocMessage(did, oldKey), EXIT.config)
  const plan = planPlc(current, key?.did(), endpoint)
  printPlc(plan)
  if (plan.needed) {
    await updateDidDocument(agent, network, did, current, { key, endpoint, token: values.token ?? (env.PLC_TOKEN?.trim() || undefined) })
  } else if (values.token) {
    out('(--token was not needed)')
  }

  const repoPds = agentPds(agent)
  const existing = await network.getRecord(repoPds, did, LABELER_SERVICE, 'self')
  const createdAt = typeof existing?.value.createdAt === 'string' ? existing.value.createdAt : new Date().toISOString()
  const record = buildServiceRecord(createdAt)
  const uri = `at://${did}/${LABELER_SERVICE}/self`
  if (existing && sameRecord(existing.value, record)) {
    out(`unchanged  ${uri}`)
  } else {
    await agent.com.atproto.repo.putRecord({
      repo: did,
      collection: LABELER_SERVICE,
      rkey: 'self',
      record,
      ...(existing ? { swapRecord: existing.cid } : {}),
    })
    out(`${existing ? 'updated  ' : 'created  '}  ${uri}`)
  }
  out(`Done. Run the labeler with LABELER_DID=${did}, LABELER_SIGNING_KEY and LABELER_HOSTNAME set: npm run start:labeler`)
}

runMain(SCRIPT, main)
