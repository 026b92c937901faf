import { sql } from 'kysely'
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/db/index.ts'
import type { FeedgenDb } from '../db/schema.ts'
import type { FeedDefinition } from './definitions.ts'

export interface SkeletonItem {
  post: string
  reason?: { $type: 'app.bsky.feed.defs#skeletonReasonRepost'; repost: string }
  feedContext?: string
}

export interface SkeletonPage {
  feed: SkeletonItem[]
  /** absent when the reader has reached the end of the feed */
  cursor?: string
}

/**
 * One page of a feed, newest first by sort_at then uri (keyset pagination: posts that share a
 * timestamp are never skipped or repeated). Hidden accounts and posts outside the window are left out.
 * Reads one extra row to know whether there is a next page: the last page carries no cursor, so the
 * app shows the end of the feed.
 */
export async function readSkeleton(
  db: FeedgenDb,
  feed: FeedDefinition,
  opts: { limit: number; cursor?: string; now: number },
): Promise<SkeletonPage> {
  const after = opts.cursor === undefined ? undefined : decodeTimeCursor(opts.cursor)
  let q = db
    .selectFrom('feed_item as fi')
    .select(['fi.uri', 'fi.post_uri', 'fi.sort_at', 'fi.reposter', 'fi.reason'])
    .where('fi.feed', '=', feed.id)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('account_status as a').select(sql.lit(1).as('one')).whereRef('a.did', '=', 'fi.author'))))
    .where((eb) =>
      eb.or([
        eb('fi.reposter', 'is', null),
        eb.not(eb.exists(eb.selectFrom('account_status as r').select(sql.lit(1).as('one')).whereRef('r.did', '=', 'fi.reposter'))),
      ]),
    )
  if (feed.wellbeing.windowMs !== undefined) q = q.where('fi.sort_at', '>=', opts.now - feed.wellbeing.windowMs)
  if (after) {
    q = q.where((eb) => eb.or([eb('fi.sort_at', '<', after.ms), eb.and([eb('fi.sort_at', '=', after.ms), eb('fi.uri', '<', after.uri)])]))
  }
  const rows = await q
    .orderBy('fi.sort_at', 'desc')
    .orderBy('fi.uri', 'desc')
    .limit(opts.limit + 1)
    .execute()
  const more = rows.length > opts.limit
  const page = more ? rows.slice(0, opts.limit) : rows
  const items: SkeletonItem[] = page.map((r) => {
    const item: SkeletonItem = { post: r.post_uri }
    if (r.reposter !== null) item.reason = { $type: 'app.bsky.feed.defs#skeletonReasonRepost', repost: r.uri }
    return item
  })
  const last = page[page.length - 1]
  return more && last ? { feed: items, cursor: encodeTimeCursor(Number(last.sort_at), last.uri) } : { feed: items }
}
