import type { IdResolver } from '@atproto/identity'
import type { FetchFn } from './auth/index.ts'

export interface ListedRecord {
  uri: string
  cid: string
  value: Record<string, unknown>
}

export class RepoClientError extends Error {
  override name = 'RepoClientError'
}

/**
 * Reads public records from a user's own PDS (found through their DID document) with
 * com.atproto.repo.listRecords.
 */
export class RepoClient {
  readonly #idResolver: IdResolver
  readonly #fetch: FetchFn

  constructor(idResolver: IdResolver, fetch: FetchFn) {
    this.#idResolver = idResolver
    this.#fetch = fetch
  }

  async pdsOf(did: string): Promise<string> {
    const doc = await this.#idResolver.did.resolve(did)
    if (!doc) throw new RepoClientError(`could not resolve ${did}`)
    const svc = (doc.service ?? []).find((s) => s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`)
    const endpoint = typeof svc?.serviceEndpoint === 'string' ? svc.serviceEndpoint : undefined
    if (!endpoint || !/^https?:\/\//.test(endpoint)) throw new RepoClientError(`${did} has no PDS in its DID document`)
    return endpoint.replace(/\/+$/, '')
  }

  /** One record from its author's PDS (com.atproto.repo.getRecord); undefined when it does not exist. */
  async getRecord(uri: string): Promise<ListedRecord | undefined> {
    const m = /^at:\/\/(did:[^/]+)\/([^/]+)\/([^/]+)$/.exec(uri)
    if (!m) throw new RepoClientError(`not a record URI: ${uri}`)
    const [, did, collection, rkey] = m as unknown as [string, string, string, string]
    const pds = await this.pdsOf(did)
    const url = new URL(`${pds}/xrpc/com.atproto.repo.getRecord`)
    url.searchParams.set('repo', did)
    url.searchParams.set('collection', collection)
    url.searchParams.set('rkey', rkey)
    const res = await this.#fetch(url, { headers: { accept: 'application/json' } })
    if (res.status === 400 || res.status === 404) return undefined
    if (!res.ok) throw new RepoClientError(`getRecord ${uri}: HTTP ${res.status}`)
    const data = (await res.json()) as { uri?: unknown; cid?: unknown; value?: unknown }
    if (typeof data.value !== 'object' || data.value === null) return undefined
    return { uri, cid: typeof data.cid === 'string' ? data.cid : '', value: data.value as Record<string, unknown> }
  }

  /**
   * Pages through a collection, newest first (listRecords' default order). `onPage` returns false to
   * stop early (e.g. once records are older than a window).
   */
  async listRecords(
    did: string,
    collection: string,
    onPage: (records: ListedRecord[]) => boolean | Promise<boolean>,
    opts: { maxPages?: number } = {},
  ): Promise<void> {
    const pds = await this.pdsOf(did)
    let cursor: string | undefined
    for (let page = 0; page < (opts.maxPages ?? 100); page++) {
      const url = new URL(`${pds}/xrpc/com.atproto.repo.listRecords`)
      url.searchParams.set('repo', did)
      url.searchParams.set('collection', collection)
      url.searchParams.set('limit', '100')
      if (cursor) url.searchParams.set('cursor', cursor)
      const res = await this.#fetch(url, { headers: { accept: 'application/json' } })
      if (!res.ok) {
        const body = await res.text().catch(() => '')
        throw new RepoClientError(`listRecords ${collection} of ${did} at ${pds}: HTTP ${res.status} ${body.slice(0, 200)}`)
      }
      const data = (await res.json()) as { records?: unknown; cursor?: unknown }
      const records = Array.isArray(data.records)
        ? data.records.filter(
            (r): r is ListedRecord =>
              typeof r?.uri === 'string' && typeof r?.cid === 'string' && typeof r?.value === 'object' && r.value !== null,
          )
        : []
      const more = await onPage(records)
      cursor = typeof data.cursor === 'string' && records.length > 0 ? data.cursor : undefined
      if (!more || !cursor) return
    }
  }
}
