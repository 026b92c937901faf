import path from 'node:path'
import { isValidDid } from '@atproto/syntax'
import { ConfigError, commonCfg, envInt, envStr, readCommonEnv, type CommonEnv } from '../shared/config/index.ts'
import { checkDatabaseUrl } from '../shared/db/index.ts'
import { loadFeedsFile, type FeedsFile } from './feeds/definitions.ts'

// Settings in three steps (STYLE.md): readEnv() maps variables, envToCfg() validates and applies
// defaults, and the result is a typed config. Tests build a FeedgenEnv directly.

export interface FeedgenEnv extends CommonEnv {
  dataDir?: string
  databaseUrl?: string
  port?: number
  hostname?: string
  serviceDid?: string
  feedsFile?: string
}

export interface FeedgenConfig {
  service: {
    port: number
    /** bind address; defaults to all interfaces */
    host?: string
    hostname: string
    did: string
    publicUrl: string
    version: string
  }
  db: { sqlitePath: string }
  firehose: { url: string }
  identity: { plcUrl: string; allowPrivateNetwork: boolean }
  feedsFile: string
  feeds: FeedsFile
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): FeedgenEnv {
  return {
    dataDir: envStr(env, 'DATA_DIR'),
    databaseUrl: envStr(env, 'DATABASE_URL'),
    ...readCommonEnv(env),
    port: envInt(env, 'FEEDGEN_PORT', { min: 0, max: 65535 }),
    hostname: envStr(env, 'FEEDGEN_HOSTNAME'),
    serviceDid: envStr(env, 'FEEDGEN_SERVICE_DID'),
    feedsFile: envStr(env, 'FEEDS_FILE'),
  }
}

export function envToCfg(env: FeedgenEnv, overrides: { feeds?: FeedsFile; host?: string } = {}): FeedgenConfig {
  checkDatabaseUrl(env.databaseUrl)
  const common = commonCfg(env)
  const hostname = env.hostname ?? 'localhost'
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(hostname)) {
    throw new ConfigError(`FEEDGEN_HOSTNAME must be a bare host name like feeds.example.org, got "${hostname}"`)
  }
  const did = env.serviceDid ?? `did:web:${hostname.replace(':', '%3A')}`
  if (!isValidDid(did)) throw new ConfigError(`FEEDGEN_SERVICE_DID is not a valid DID: "${did}"`)
  const feedsFile = path.resolve(env.feedsFile ?? './feeds.yaml')
  const feeds = overrides.feeds ?? loadFeedsFile(feedsFile)
  const dataDir = path.resolve(env.dataDir ?? './data')
  return {
    service: {
      port: env.port ?? 3000,
      host: overrides.host,
      hostname,
      did,
      publicUrl: `https://${hostname}`,
      version: '0.1.0',
    },
    db: { sqlitePath: path.join(dataDir, 'feedgen.sqlite') },
    ...common,
    feedsFile,
    feeds,
  }
}
