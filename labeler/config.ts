import path from 'node:path'
import { isValidDid } from '@atproto/syntax'
import { ConfigError, commonCfg, envInt, envList, envStr, readCommonEnv, type CommonEnv } from '../shared/config/index.ts'
import { databaseCfg, type DatabaseConfig } from '../shared/db/index.ts'
import { defaultClassifyWorkers } from './labels/classify-pool.ts'

// Settings in three steps (STYLE.md): readEnv() maps variables, envToCfg() validates and applies
// defaults. The signing key is kept apart from the rest of the config (secrets).

export interface LabelerEnv extends CommonEnv {
  dataDir?: string
  databaseUrl?: string
  poolSize?: number
  port?: number
  hostname?: string
  did?: string
  signingKey?: string
  adminPassword?: string
  langs?: string[]
  classifyWorkers?: number
}

export interface LabelerConfig {
  service: { port: number; host?: string; hostname: string; publicUrl: string; version: string }
  /** the labeler account's DID: the `src` of every label */
  did: string
  db: DatabaseConfig
  firehose: { url: string }
  identity: { plcUrl: string; allowPrivateNetwork: boolean }
  /** classify only posts in these languages (detected from the text); empty = all posts */
  langs: string[]
  /** classifier worker threads; 0 = classify on the firehose thread */
  classifyWorkers: number
}

export interface LabelerSecrets {
  /** hex secp256k1 private key */
  signingKeyHex: string
  adminPassword?: string
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): LabelerEnv {
  return {
    dataDir: envStr(env, 'DATA_DIR'),
    databaseUrl: envStr(env, 'DATABASE_URL'),
    poolSize: envInt(env, 'DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
    ...readCommonEnv(env),
    port: envInt(env, 'LABELER_PORT', { min: 0, max: 65535 }),
    hostname: envStr(env, 'LABELER_HOSTNAME'),
    did: envStr(env, 'LABELER_DID'),
    signingKey: envStr(env, 'LABELER_SIGNING_KEY'),
    adminPassword: envStr(env, 'LABELER_ADMIN_PASSWORD'),
    langs: envList(env, 'LABELER_LANGS'),
    classifyWorkers: envInt(env, 'LABELER_CLASSIFY_WORKERS', { min: 0, max: 64 }),
  }
}

const KEY_HELP = 'npm run setup-labeler creates one and prints it once'

export function envToCfg(env: LabelerEnv, overrides: { host?: string } = {}): { cfg: LabelerConfig; secrets: LabelerSecrets } {
  const db = databaseCfg(
    { databaseUrl: env.databaseUrl, poolSize: env.poolSize },
    { sqliteFile: path.join(path.resolve(env.dataDir ?? './data'), 'labeler.sqlite'), schema: 'labeler' },
  )
  if (!env.did) throw new ConfigError('LABELER_DID is not set: set it to the DID of the labeler account (labels are signed as this source)')
  if (!isValidDid(env.did)) throw new ConfigError(`LABELER_DID is not a valid DID: "${env.did}"`)
  if (!env.signingKey) throw new ConfigError(`LABELER_SIGNING_KEY is not set: it is the hex secp256k1 private key labels are signed with (${KEY_HELP})`)
  const keyHex = env.signingKey.replace(/^0x/, '').toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(keyHex)) throw new ConfigError(`LABELER_SIGNING_KEY must be 64 hexadecimal characters (a secp256k1 private key; ${KEY_HELP})`)
  const common = commonCfg(env)
  const hostname = env.hostname ?? 'localhost'
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(hostname)) throw new ConfigError(`LABELER_HOSTNAME must be a bare host name like labels.example.org, got "${hostname}"`)
  const langs = (env.langs ?? []).map((l) => l.toLowerCase())
  for (const l of langs) if (!/^[a-z]{2,3}$/.test(l)) throw new ConfigError(`LABELER_LANGS must be a comma-separated list of language codes like nl,en; got "${l}"`)
  return {
    cfg: {
      service: { port: env.port ?? 3001, host: overrides.host, hostname, publicUrl: `https://${hostname}`, version: '0.1.0' },
      did: env.did,
      db,
      ...common,
      langs,
      classifyWorkers: env.classifyWorkers ?? defaultClassifyWorkers(),
    },
    secrets: { signingKeyHex: keyHex, adminPassword: env.adminPassword },
  }
}
