import type { Logger } from '../../shared/logger.ts'
import type { FeedgenDb } from '../db/schema.ts'
import type { FeedDefinition } from '../feeds/definitions.ts'

/**
 * Store only what a feed needs: items older than their feed's window are never served again, so they
 * are deleted, and posts that no feed holds any more go with them. Feeds without a window keep
 * everything.
 */
/** How long a reader's "show less" choice is kept (it is also removed when they choose "show more"). */
export const READER_CHOICE_RETENTION_MS = 365 * 86_400_000

export async function pruneExpired(db: FeedgenDb, feeds: FeedDefinition[], now: number): Promise<{ items: number; posts: number }> {
  let items = 0
  let posts = 0
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('reader_mute').where('created_at', '<', now - READER_CHOICE_RETENTION_MS).execute()
    await trx.deleteFrom('feed_label').where('exp_at', '<', now).execute()
    for (const f of feeds) {
      if (f.wellbeing.windowMs === undefined) continue
      const res = await trx
        .deleteFrom('feed_item')
        .where('feed', '=', f.id)
        .where('sort_at', '<', now - f.wellbeing.windowMs)
        .executeTakeFirst()
      items += Number(res.numDeletedRows)
    }
    if (items > 0) {
      const res = await trx
        .deleteFrom('post')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('feed_item').select('feed_item.feed').whereRef('feed_item.post_uri', '=', 'post.uri'))))
        .executeTakeFirst()
      posts = Number(res.numDeletedRows)
    }
  })
  return { items, posts }
}

export class Pruner {
  readonly #timer: NodeJS.Timeout
  #running: Promise<unknown> | undefined

  constructor(db: FeedgenDb, feeds: FeedDefinition[], now: () => number, logger: Logger, everyMs = 10 * 60_000) {
    this.#timer = setInterval(() => {
      if (this.#running) return
      this.#running = pruneExpired(db, feeds, now())
        .then((r) => {
          if (r.items > 0) logger.info(r, 'removed posts older than their feed window')
        })
        .catch((err: unknown) => logger.error({ err }, 'pruning failed'))
        .finally(() => (this.#running = undefined))
    }, everyMs)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }
}
