// Real peers for integration tests: an in-memory PLC directory (@did-plc/server) and the reference PDS
// (@atproto/pds) on loopback. Start one per test file and share it; each start costs ~200 ms after a
// one-off module import of a few seconds.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Secp256k1Keypair, randomStr } from '@atproto/crypto'
import { AtpAgent } from '@atproto/api'
import * as pds from '@atproto/pds'
import * as plc from '@did-plc/server'

export const ADMIN_PASSWORD = 'admin-pass'

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface TestAccount {
  did: string
  handle: string
  password: string
  agent: AtpAgent
}

export class TestNetwork {
  #accounts = 0
  readonly plcUrl: string
  readonly pdsUrl: string
  readonly pdsPort: number
  readonly plcServer: plc.PlcServer
  pds: pds.PDS
  #env: pds.ServerEnvironment | undefined
  readonly dirs: string[]

  private constructor(plcUrl: string, pdsUrl: string, pdsPort: number, plcServer: plc.PlcServer, server: pds.PDS, dirs: string[]) {
    this.plcUrl = plcUrl
    this.pdsUrl = pdsUrl
    this.pdsPort = pdsPort
    this.plcServer = plcServer
    this.pds = server
    this.dirs = dirs
  }

  /** The PDS's firehose (com.atproto.sync.subscribeRepos) as a ws:// base URL. */
  get firehoseUrl(): string {
    return this.pdsUrl.replace(/^http/, 'ws')
  }

  static async create(): Promise<TestNetwork> {
    const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: await freePort() })
    const plcListener = await plcServer.start()
    const plcUrl = `http://localhost:${(plcListener.address() as AddressInfo).port}`

    const plcRotationKey = await Secp256k1Keypair.create({ exportable: true })
    const plcRotationPriv = Buffer.from(await plcRotationKey.export()).toString('hex')
    const recoveryKey = (await Secp256k1Keypair.create()).did()
    // @NOTE the PDS derives its public URL from the port, so pick a free one first (port 0 breaks it)
    const port = await freePort()
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'plein-pds-'))
    const blobstore = await mkdtemp(path.join(os.tmpdir(), 'plein-blobs-'))
    const env: pds.ServerEnvironment = {
      devMode: true,
      port,
      hostname: 'localhost',
      dataDirectory,
      blobstoreDiskLocation: blobstore,
      recoveryDidKey: recoveryKey,
      adminPassword: ADMIN_PASSWORD,
      jwtSecret: 'jwt-secret',
      dpopSecret: randomStr(32, 'hex'),
      serviceHandleDomains: ['.test'],
      bskyAppViewUrl: 'https://appview.invalid',
      bskyAppViewDid: 'did:example:invalid',
      bskyAppViewCdnUrlPattern: 'http://cdn.appview.invalid/%s/%s/%s',
      modServiceUrl: 'https://moderator.invalid',
      modServiceDid: 'did:example:invalid',
      plcRotationKeyK256PrivateKeyHex: plcRotationPriv,
      inviteRequired: false,
      disableSsrfProtection: true,
      didPlcUrl: plcUrl,
    } as pds.ServerEnvironment
    const cfg = pds.envToCfg(env)
    const secrets = pds.envToSecrets(env)
    const server = await pds.PDS.create(cfg, secrets)
    await server.start()
    const net = new TestNetwork(plcUrl, `http://localhost:${port}`, port, plcServer, server, [dataDirectory, blobstore])
    net.#env = env
    return net
  }

  /** Stops the PDS and starts it again on the same port and data (its firehose history survives). */
  async restartPds(downMs = 0): Promise<void> {
    const env = this.#env as pds.ServerEnvironment
    await this.pds.destroy()
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs))
    const server = await pds.PDS.create(pds.envToCfg(env), pds.envToSecrets(env))
    await server.start()
    this.pds = server
  }

  /** A real account on the PDS (handle gets `.test`), logged in. */
  async createAccount(name: string): Promise<TestAccount> {
    const n = ++this.#accounts
    const handle = `${name}${n}`.toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(3, 'x') + '.test'
    const agent = new AtpAgent({ service: this.pdsUrl })
    const password = `pw-${randomStr(8, 'base32')}`
    const res = await agent.createAccount({ handle, email: `${handle}@example.com`, password })
    return { did: res.data.did, handle, password, agent }
  }

  async close(): Promise<void> {
    await this.pds.destroy()
    await this.plcServer.destroy()
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true })
  }
}

/** The PDS's latest firehose seq. */
export async function pdsSeq(net: TestNetwork): Promise<number> {
  return (await net.pds.ctx.sequencer.curr()) ?? 0
}
