import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { decodeFirst, decode } from '@atcute/cbor'
import { Secp256k1Keypair } from '@atproto/crypto'
import WebSocket from 'ws'
import { envToCfg, type LabelerEnv } from '../../labeler/config.ts'
import { LabelerService, type LabelerOptions } from '../../labeler/index.ts'
import { databaseUrlFor } from './database.ts'
import type { TestAccount, TestNetwork } from './network.ts'

export interface LabelerIdentity {
  account: TestAccount
  keypair: Secp256k1Keypair
  keyHex: string
  /** the #atproto_labeler endpoint written into the DID document */
  endpoint: string
}

/**
 * Gives an account a labeler identity on the local PLC the way an operator does: the PDS's PLC
 * operation flow (requestPlcOperationSignature → emailed token → signPlcOperation →
 * submitPlcOperation) adds an #atproto_label signing key and an #atproto_labeler service.
 */
export async function setupLabelerIdentity(net: TestNetwork, account: TestAccount, endpoint: string): Promise<LabelerIdentity> {
  const keypair = await Secp256k1Keypair.create({ exportable: true })
  const keyHex = Buffer.from(await keypair.export()).toString('hex')
  await account.agent.com.atproto.identity.requestPlcOperationSignature()
  // the PDS "emails" the token: read it from its account store, as the user would from their inbox
  const row = await net.pds.ctx.accountManager.db.db
    .selectFrom('email_token')
    .select('token')
    .where('did', '=', account.did as never)
    .where('purpose', '=', 'plc_operation')
    .executeTakeFirstOrThrow()
  const current = (await (await fetch(`${net.plcUrl}/${account.did}/data`)).json()) as {
    verificationMethods: Record<string, string>
    services: Record<string, { type: string; endpoint: string }>
  }
  const signed = await account.agent.com.atproto.identity.signPlcOperation({
    token: row.token,
    verificationMethods: { ...current.verificationMethods, atproto_label: keypair.did() },
    services: { ...current.services, atproto_labeler: { type: 'AtprotoLabeler', endpoint } },
  })
  await account.agent.com.atproto.identity.submitPlcOperation({ operation: signed.data.operation })
  return { account, keypair, keyHex, endpoint }
}

export interface StartedLabeler {
  service: LabelerService
  dataDir: string
  url: string
  close: () => Promise<void>
}

export async function startLabeler(
  net: TestNetwork,
  id: LabelerIdentity,
  opts: LabelerOptions & { dataDir?: string; port?: number; env?: Partial<LabelerEnv> } = {},
): Promise<StartedLabeler> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'plein-labeler-')))
  const { cfg, secrets } = envToCfg(
    {
      dataDir,
      databaseUrl: await databaseUrlFor(dataDir),
      firehoseUrl: net.firehoseUrl,
      plcUrl: net.plcUrl,
      port: opts.port ?? 0,
      hostname: 'labels.test',
      did: id.account.did,
      signingKey: id.keyHex,
      allowPrivateNetwork: true,
      ...opts.env,
    },
    { host: '127.0.0.1' },
  )
  const service = await LabelerService.create(cfg, secrets, { firehose: { minBackoffMs: 50, maxBackoffMs: 500 }, ...opts })
  await service.start()
  const started = Date.now()
  while (!service.ctx.firehose.metrics.connected && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20))
  return {
    service,
    dataDir,
    url: service.url,
    close: async () => {
      await service.destroy()
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export interface StreamFrame {
  header: { op: number; t?: string }
  body: Record<string, unknown>
}

/** A subscribeLabels client that records every frame it receives. */
export class LabelStreamClient {
  readonly frames: StreamFrame[] = []
  readonly ws: WebSocket
  closed = false
  readonly opened: Promise<void>

  constructor(baseUrl: string, cursor?: number) {
    const url = new URL(`${baseUrl.replace(/^http/, 'ws')}/xrpc/com.atproto.label.subscribeLabels`)
    if (cursor !== undefined) url.searchParams.set('cursor', String(cursor))
    this.ws = new WebSocket(url)
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('message', (data: Buffer) => {
      const [header, rest] = decodeFirst(new Uint8Array(data))
      this.frames.push({ header, body: decode(rest) })
    })
    this.ws.on('close', () => (this.closed = true))
    this.ws.on('error', () => {})
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
  }

  /** the #labels frames' seqs, in arrival order */
  get seqs(): number[] {
    return this.frames.filter((f) => f.header.t === '#labels').map((f) => f.body.seq as number)
  }

  get labels(): Record<string, unknown>[] {
    return this.frames.filter((f) => f.header.t === '#labels').flatMap((f) => f.body.labels as Record<string, unknown>[])
  }

  close(): void {
    this.ws.close()
  }
}

/** Waits until the labeler has labelled everything the PDS has emitted so far. */
export async function labelerCaughtUp(net: TestNetwork, lab: { service: LabelerService }, timeoutMs = 15_000): Promise<void> {
  const { pdsSeq } = await import('./network.ts')
  const { waitFor } = await import('./feedgen.ts')
  const target = await pdsSeq(net)
  await waitFor(async () => ((await lab.service.store.getCursor('firehose')) ?? 0) >= target, `labeler to reach seq ${target}`, timeoutMs)
}
