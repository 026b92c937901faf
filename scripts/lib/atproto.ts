// What the operator scripts need from the network: find an account's PDS, log in, read a record
// publicly, and compare records.

import { AtpAgent } from '@atproto/api'
import { isValidDid, isValidHandle } from '@atproto/syntax'
import { createIdResolver, type FetchFn } from '../../shared/auth/index.ts'
import { CliError, EXIT } from './cli.ts'

export interface NetworkOpts {
  plcUrl: string
  timeoutMs?: number
}

/**
 * fetch with a timeout, and failures that say which URL could not be reached.
 * @NOTE no SSRF guard here (unlike the services): these scripts only contact the operator's own PLC
 * directory and PDS, named in their settings or in their own account's DID document
 */
function operatorFetch(timeoutMs: number): FetchFn {
  return async (input, init) => {
    try {
      return await globalThis.fetch(input, { signal: AbortSignal.timeout(timeoutMs), ...init })
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      const url = new URL(input.toString())
      throw new CliError(`could not reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`)
    }
  }
}

export class Network {
  readonly plcUrl: string
  readonly fetch: FetchFn
  readonly #idResolver: ReturnType<typeof createIdResolver>

  constructor(opts: NetworkOpts) {
    this.plcUrl = opts.plcUrl.replace(/\/+$/, '')
    this.fetch = operatorFetch(opts.timeoutMs ?? 15_000)
    this.#idResolver = createIdResolver({ plcUrl: this.plcUrl, fetch: this.fetch })
  }

  /** A DID as is, or a handle resolved to its DID. */
  async resolveIdentifier(identifier: string): Promise<string> {
    if (isValidDid(identifier)) return identifier
    const handle = identifier.replace(/^@/, '').toLowerCase()
    if (!isValidHandle(handle)) throw new CliError(`"${identifier}" is neither a DID nor a handle`, EXIT.config)
    const did = await this.#idResolver.handle.resolve(handle).catch(() => undefined)
    if (!did) throw new CliError(`could not resolve the handle ${handle} to a DID; give the DID instead`)
    return did
  }

  /** The PDS in the DID document (`#atproto_pds`), without a trailing slash. */
  async pdsOf(did: string): Promise<string> {
    let pds: string | undefined
    try {
      pds = (await this.#idResolver.did.resolveAtprotoData(did)).pds
    } catch (err) {
      throw new CliError(`could not find the PDS of ${did} in its DID document (${(err as Error).message}); set the PDS URL explicitly`)
    }
    return pds.replace(/\/+$/, '')
  }

  /** The current PLC data of a did:plc (`<PLC_URL>/<did>/data`). */
  async plcData(did: string): Promise<PlcData> {
    const res = await this.fetch(`${this.plcUrl}/${encodeURIComponent(did)}/data`, { headers: { accept: 'application/json' } })
    if (!res.ok) throw new CliError(`could not read ${did} from the PLC directory ${this.plcUrl}: HTTP ${res.status}`)
    return (await res.json()) as PlcData
  }

  /** The PLC operation log's length: how many operations the DID has had. */
  async plcLogLength(did: string): Promise<number> {
    const res = await this.fetch(`${this.plcUrl}/${encodeURIComponent(did)}/log`, { headers: { accept: 'application/json' } })
    if (!res.ok) throw new CliError(`could not read the PLC log of ${did}: HTTP ${res.status}`)
    return ((await res.json()) as unknown[]).length
  }

  /** A record as JSON (blobs as `{$type: 'blob', ref: {$link}}`), or null when there is none. */
  async getRecord(pdsUrl: string, repo: string, collection: string, rkey: string): Promise<StoredRecord | null> {
    const url = new URL(`${pdsUrl}/xrpc/com.atproto.repo.getRecord`)
    url.searchParams.set('repo', repo)
    url.searchParams.set('collection', collection)
    url.searchParams.set('rkey', rkey)
    const res = await this.fetch(url, { headers: { accept: 'application/json' } })
    if (res.ok) return (await res.json()) as StoredRecord
    const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string }
    if (body.error === 'RecordNotFound' || res.status === 404) return null
    throw new CliError(`could not read ${collection}/${rkey} from ${pdsUrl}: HTTP ${res.status} ${body.error ?? ''} ${body.message ?? ''}`.trim())
  }

  /** The rkeys of every record in a collection. */
  async listRkeys(pdsUrl: string, repo: string, collection: string): Promise<string[]> {
    const rkeys: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 50; page++) {
      const url = new URL(`${pdsUrl}/xrpc/com.atproto.repo.listRecords`)
      url.searchParams.set('repo', repo)
      url.searchParams.set('collection', collection)
      url.searchParams.set('limit', '100')
      if (cursor) url.searchParams.set('cursor', cursor)
      const res = await this.fetch(url, { headers: { accept: 'application/json' } })
      if (!res.ok) return rkeys
      const data = (await res.json()) as { records?: { uri: string }[]; cursor?: string }
      for (const r of data.records ?? []) rkeys.push(r.uri.split('/').pop() as string)
      cursor = data.cursor
      if (!cursor || !data.records?.length) break
    }
    return rkeys
  }
}

export interface PlcData {
  did: string
  rotationKeys: string[]
  alsoKnownAs: string[]
  verificationMethods: Record<string, string>
  services: Record<string, { type: string; endpoint: string }>
}

export interface StoredRecord {
  uri: string
  cid: string
  value: Record<string, unknown>
}

/** Logs in with createSession; a wrong password is a clear error that never repeats the password. */
export async function login(service: string, identifier: string, password: string): Promise<AtpAgent> {
  const agent = new AtpAgent({ service })
  try {
    await agent.login({ identifier, password })
  } catch (err) {
    const e = err as { error?: string; message?: string; status?: number }
    if (e.error === 'AuthenticationRequired' || e.status === 401) {
      throw new CliError(`could not log in as ${identifier} at ${service}: ${e.message ?? 'invalid identifier or password'}`)
    }
    if (e.error === 'AuthFactorTokenRequired') {
      throw new CliError(`${identifier} has two-factor sign-in by email; use an app password (or the emailed sign-in code is not supported by this script)`)
    }
    throw new CliError(`could not reach ${service} to log in as ${identifier}: ${e.message ?? String(err)}`)
  }
  return agent
}

/** The PDS an agent talks to after login (the DID document's PDS when the session has one). */
export function agentPds(agent: AtpAgent): string {
  return (agent.pdsUrl ?? agent.serviceUrl).toString().replace(/\/+$/, '')
}

/**
 * The session's scope from its access token: `com.atproto.access` for an account-password session,
 * `com.atproto.appPass` / `com.atproto.appPassPrivileged` for app passwords.
 */
export function sessionScope(agent: AtpAgent): string | undefined {
  const jwt = agent.session?.accessJwt
  const payload = jwt?.split('.')[1]
  if (!payload) return undefined
  try {
    const scope = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown }).scope
    return typeof scope === 'string' ? scope : undefined
  } catch {
    return undefined
  }
}

/** JSON with object keys sorted, for comparing records regardless of key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

export const sameRecord = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b)

/** Counts graphemes (what the lexicon's maxGraphemes counts). */
export function graphemes(text: string): number {
  let n = 0
  for (const _ of new Intl.Segmenter().segment(text)) n++
  return n
}
