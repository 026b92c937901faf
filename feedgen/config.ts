import path from 'node:path'
import { isValidDid } from '@atproto/syntax'
import { ConfigError, commonCfg, envInt, envStr, readCommonEnv, type CommonEnv } from '../shared/config/index.ts'
import { databaseCfg, type DatabaseConfig } from '../shared/db/index.ts'
import { loadFeedsFile, type FeedsFile } from './feeds/definitions.ts'

// Settings in three steps (STYLE.md): readEnv() maps variables, envToCfg() validates and applies
// defaults, and the result is a typed config. Tests build a FeedgenEnv directly.

/**
 * What one process does. `all`: everything (one process, SQLite or PostgreSQL). `ingest`: the firehose,
 * list sync, backfill and label subscriptions, and only /xrpc/_health over HTTP. `api`: the XRPC
 * methods and pages, read from the database; it never consumes the firehose or writes index rows.
 * `api` and `ingest` need PostgreSQL: one ingest process and any number of api processes.
 */
export type FeedgenRole = 'all' | 'api' | 'ingest'
export const ROLES: readonly FeedgenRole[] = ['all', 'api', 'ingest']

export interface FeedgenEnv extends CommonEnv {
  dataDir?: string
  databaseUrl?: string
  poolSize?: number
  /** FEEDGEN_ROLE, or --role on the command line */
  role?: string
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
  role: FeedgenRole
  db: DatabaseConfig
  firehose: { url: string }
  identity: { plcUrl: string; allowPrivateNetwork: boolean }
  feedsFile: string
  feeds: FeedsFile
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): FeedgenEnv {
  return {
    dataDir: envStr(env, 'DATA_DIR'),
    databaseUrl: envStr(env, 'DATABASE_URL'),
    poolSize: envInt(env, 'DATABASE_POOL_SIZE', { min: 1, max: 1000 }),
    role: envStr(env, 'FEEDGEN_ROLE'),
    ...readCommonEnv(env),
    port: envInt(env, 'FEEDGEN_PORT', { min: 0, max: 65535 }),
    hostname: envStr(env, 'FEEDGEN_HOSTNAME'),
    serviceDid: envStr(env, 'FEEDGEN_SERVICE_DID'),
    feedsFile: envStr(env, 'FEEDS_FILE'),
  }
}

/** Command-line arguments of `node feedgen/bin.ts`: `--role api|ingest|all` (overrides FEEDGEN_ROLE). */
export function readArgs(argv: string[]): Partial<FeedgenEnv> {
  const out: Partial<FeedgenEnv> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const m = /^--role(?:=(.*))?$/.exec(arg)
    if (!m) throw new ConfigError(`unknown argument "${arg}" (the feed generator takes --role api|ingest|all; settings are environment variables)`)
    const value = m[1] ?? argv[++i]
    if (value === undefined || value === '') throw new ConfigError('--role needs a value: api, ingest or all')
    out.role = value
  }
  return out
}

export function envToCfg(env: FeedgenEnv, overrides: { feeds?: FeedsFile; host?: string } = {}): FeedgenConfig {
  const role = (env.role ?? 'all') as FeedgenRole
  if (!ROLES.includes(role)) throw new ConfigError(`FEEDGEN_ROLE (--role) must be api, ingest or all, got "${env.role}"`)
  const dataDir = path.resolve(env.dataDir ?? './data')
  const db = databaseCfg({ databaseUrl: env.databaseUrl, poolSize: env.poolSize }, { sqliteFile: path.join(dataDir, 'feedgen.sqlite'), schema: 'feedgen' })
  if (role !== 'all' && db.kind === 'sqlite') {
    throw new ConfigError(
      `FEEDGEN_ROLE (--role) ${role} needs PostgreSQL: set DATABASE_URL=postgres://… so api and ingest processes share one database. ` +
        'With SQLite under DATA_DIR one process does both: leave the role at all.',
    )
  }
  const common = commonCfg(env)
  const hostname = env.hostname ?? 'localhost'
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(hostname)) {
    throw new ConfigError(`FEEDGEN_HOSTNAME must be a bare host name like feeds.example.org, got "${hostname}"`)
  }
  const did = env.serviceDid ?? `did:web:${hostname.replace(':', '%3A')}`
  if (!isValidDid(did)) throw new ConfigError(`FEEDGEN_SERVICE_DID is not a valid DID: "${did}"`)
  const feedsFile = path.resolve(env.feedsFile ?? './feeds.yaml')
  const feeds = overrides.feeds ?? loadFeedsFile(feedsFile)
  return {
    service: {
      port: env.port ?? 3000,
      host: overrides.host,
      hostname,
      did,
      publicUrl: `https://${hostname}`,
      version: '0.1.0',
    },
    role,
    db,
    ...common,
    feedsFile,
    feeds,
  }
}
