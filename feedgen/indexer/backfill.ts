import type { Logger } from '../../shared/logger.ts'
import type { RepoClient, ListedRecord } from '../../shared/repo-client.ts'
import type { FeedgenDb } from '../db/schema.ts'
import type { FeedMatcher } from '../feeds/matcher.ts'
import type { Membership } from '../feeds/membership.ts'
import type { FeedChanges } from '../feeds/changes.ts'
import { BatchEffects, COLLECTIONS, parseCreatedAt, type IndexContext } from './context.ts'
import { indexPost } from './post.ts'
import { indexRepost } from './repost.ts'

export interface BackfillDeps {
  db: FeedgenDb
  membership: Membership
  matcher: FeedMatcher
  repoClient: RepoClient
  logger: Logger
  now: () => number
  /** how far back to fetch (the longest feed window, or 48 h) */
  windowMs: number
  /** also fetch reposts (some feed shows reposts) */
  reposts: boolean
  /** told after each commit which feeds changed (the page cache's versions) */
  feedChanges?: FeedChanges
}

const MAX_ATTEMPTS = 12

/**
 * When an author joins a list, fetches their recent posts from their own PDS so the feed is not empty
 * until they post again. Work items live in the `backfill` table (written with the membership change),
 * so a restart resumes them; failures retry with backoff.
 */
export class Backfiller {
  readonly #deps: BackfillDeps
  #stopped = false
  #wake: (() => void) | undefined
  #loop: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(deps: BackfillDeps) {
    this.#deps = deps
  }

  start(): void {
    this.#loop = this.#run()
  }

  wake(): void {
    this.#wake?.()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.wake()
    await this.#loop
  }

  async #run(): Promise<void> {
    const { db, logger } = this.#deps
    while (!this.#stopped) {
      const now = this.#deps.now()
      let next: { did: string; attempts: number } | undefined
      try {
        next = await db
          .selectFrom('backfill')
          .select(['did', 'attempts'])
          .where('next_attempt_at', '<=', now)
          .orderBy('requested_at')
          .limit(1)
          .executeTakeFirst()
      } catch (err) {
        logger.error({ err }, 'backfill queue read failed')
      }
      if (!next) {
        const soonest = await db.selectFrom('backfill').select('next_attempt_at').orderBy('next_attempt_at').limit(1).executeTakeFirst().catch(() => undefined)
        const wait = soonest ? Math.max(50, Math.min(60_000, Number(soonest.next_attempt_at) - now)) : 60_000
        await new Promise<void>((resolve) => {
          this.#wake = resolve
          this.#timer = setTimeout(resolve, wait)
        })
        clearTimeout(this.#timer)
        this.#wake = undefined
        continue
      }
      try {
        await this.backfillAuthor(next.did)
        await db.deleteFrom('backfill').where('did', '=', next.did).execute()
      } catch (err) {
        if (this.#stopped) return
        const attempts = next.attempts + 1
        if (attempts >= MAX_ATTEMPTS) {
          logger.error({ did: next.did, err: (err as Error).message }, 'giving up on fetching recent posts')
          await db.deleteFrom('backfill').where('did', '=', next.did).execute()
        } else {
          const delay = Math.min(3_600_000, 2_000 * 2 ** attempts)
          logger.warn({ did: next.did, err: (err as Error).message, retryInMs: delay }, 'could not fetch recent posts; will retry')
          await db
            .updateTable('backfill')
            .set({ attempts, next_attempt_at: this.#deps.now() + delay })
            .where('did', '=', next.did)
            .execute()
        }
      }
    }
  }

  /** Fetches one author's posts (and reposts) from the last window and indexes them like firehose events. */
  async backfillAuthor(did: string): Promise<number> {
    const { repoClient, db, windowMs } = this.#deps
    const since = this.#deps.now() - windowMs
    const collect = async (collection: string): Promise<ListedRecord[]> => {
      const out: ListedRecord[] = []
      await repoClient.listRecords(
        did,
        collection,
        (records) => {
          let older = false
          for (const r of records) {
            // a PDS answers for its own user only: anything else in the listing is ignored
            if (!r.uri.startsWith(`at://${did}/${collection}/`)) continue
            const created = parseCreatedAt(r.value.createdAt)
            if (created !== undefined && created < since) older = true
            else out.push(r)
          }
          return !older
        },
        { maxPages: 20 },
      )
      return out
    }
    const posts = await collect(COLLECTIONS.post)
    const reposts = this.#deps.reposts ? await collect(COLLECTIONS.repost) : []
    if (this.#stopped) return 0
    const ctx: IndexContext = { matcher: this.#deps.matcher, membership: this.#deps.membership, now: this.#deps.now, effects: new BatchEffects() }
    let stored = 0
    await db.transaction().execute(async (trx) => {
      for (const r of posts) {
        const m = await indexPost(trx, ctx, { uri: r.uri, cid: r.cid, author: did, record: r.value }, false)
        if (m.length > 0) stored++
      }
      for (const r of reposts) await indexRepost(trx, ctx, { uri: r.uri, reposter: did, record: r.value })
    })
    this.#deps.feedChanges?.apply(ctx.effects)
    this.#deps.logger.info({ did, fetched: posts.length, stored }, 'fetched recent posts of a new member')
    return stored
  }
}
