import type { Logger } from '../../shared/logger.ts'
import type { RepoClient } from '../../shared/repo-client.ts'
import type { FeedgenDb } from '../db/schema.ts'
import type { FeedChanges } from './changes.ts'
import { BatchEffects, COLLECTIONS, type IndexContext } from '../indexer/context.ts'
import { memberJoined } from '../indexer/listitem.ts'
import { rematchAuthor } from '../indexer/rematch.ts'
import type { FeedMatcher } from './matcher.ts'
import type { Membership } from './membership.ts'

export interface ListSyncDeps {
  db: FeedgenDb
  membership: Membership
  matcher: FeedMatcher
  repoClient: RepoClient
  logger: Logger
  now: () => number
  onEffects: (effects: BatchEffects) => void
  /** told after each commit which feeds changed (the page cache's versions) */
  feedChanges?: FeedChanges
}

/**
 * Reads each configured list from its owner's PDS (com.atproto.repo.listRecords) at start and again
 * shortly after the firehose shows it changed, so missed events (downtime, relay gaps) are repaired.
 * Retries with backoff while the network is unreachable.
 */
export class ListSync {
  readonly #deps: ListSyncDeps
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #attempts = new Map<string, number>()
  readonly #running = new Map<string, Promise<void>>()
  #stopped = false
  /** lists whose first full read has succeeded */
  readonly synced = new Set<string>()

  constructor(deps: ListSyncDeps) {
    this.#deps = deps
  }

  startAll(): void {
    for (const list of this.#deps.membership.lists) this.schedule(list, 0)
  }

  /** Re-reads a list after `delayMs` (debounced: many changes in a row cause one read). */
  schedule(list: string, delayMs = 2_000): void {
    if (this.#stopped) return
    clearTimeout(this.#timers.get(list))
    this.#timers.set(
      list,
      setTimeout(() => {
        this.#timers.delete(list)
        void this.#run(list)
      }, delayMs),
    )
  }

  async #run(list: string): Promise<void> {
    const prev = this.#running.get(list)
    if (prev) {
      // one read at a time per list; read again after the current one
      await prev
      return this.schedule(list, 0)
    }
    const p = this.syncList(list)
      .then(() => {
        this.#attempts.delete(list)
        this.synced.add(list)
      })
      .catch((err: unknown) => {
        const n = (this.#attempts.get(list) ?? 0) + 1
        this.#attempts.set(list, n)
        const delay = Math.min(300_000, 1_000 * 2 ** Math.min(n, 9)) * (0.5 + Math.random() / 2)
        this.#deps.logger.warn({ list, err: (err as Error).message, retryInMs: Math.round(delay) }, 'could not read list; retrying')
        this.schedule(list, delay)
      })
      .finally(() => this.#running.delete(list))
    this.#running.set(list, p)
    await p
  }

  async syncList(list: string): Promise<void> {
    const { db, membership, repoClient, logger } = this.#deps
    const owner = membership.ownerOf(list)
    if (!owner) return
    const items = new Map<string, string>()
    await repoClient.listRecords(owner, COLLECTIONS.listitem, (records) => {
      for (const r of records) {
        if (r.value.list === list && typeof r.value.subject === 'string' && r.value.subject.startsWith('did:')) {
          items.set(r.uri, r.value.subject)
        }
      }
      return true
    })
    if (this.#stopped) return
    const effects = new BatchEffects()
    const ctx: IndexContext = { matcher: this.#deps.matcher, membership, now: this.#deps.now, effects }
    let added = 0
    let removed = 0
    try {
      await db.transaction().execute(async (trx) => {
        const current = membership.itemsOf(list)
        for (const [uri] of current) {
          if (items.has(uri)) continue
          await trx.deleteFrom('list_member').where('item_uri', '=', uri).execute()
          const r = membership.remove(uri)
          removed++
          if (r && !r.stillMember) await rematchAuthor(trx, ctx, r.subject)
        }
        for (const [uri, subject] of items) {
          if (current.has(uri)) continue
          await trx.insertInto('list_member').values({ item_uri: uri, list_uri: list, subject }).onConflict((oc) => oc.column('item_uri').doNothing()).execute()
          added++
          if (membership.add(uri, list, subject)) await memberJoined(trx, ctx, subject)
        }
      })
    } catch (err) {
      await membership.load(db)
      throw err
    }
    this.#deps.feedChanges?.apply(effects)
    logger.info({ list, members: membership.members(list).length, added, removed }, 'list read from its PDS')
    if (effects.joined.size > 0) this.#deps.onEffects(effects)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const t of this.#timers.values()) clearTimeout(t)
    this.#timers.clear()
    await Promise.allSettled([...this.#running.values()])
  }
}
