import type { FeedgenTx } from '../db/schema.ts'
import type { IndexContext } from './context.ts'

/**
 * Re-evaluates an author's stored posts and reposts after their list membership changed: items for
 * feeds they no longer belong to go, items for feeds they now match come in.
 */
export async function rematchAuthor(trx: FeedgenTx, ctx: IndexContext, did: string): Promise<void> {
  ctx.effects.allFeeds = true
  const posts = await trx.selectFrom('post').selectAll().where('author', '=', did).execute()
  for (const p of posts) {
    const matches = ctx.matcher.match({
      author: p.author,
      text: p.text,
      langs: JSON.parse(p.langs) as string[],
      tags: JSON.parse(p.tags) as string[],
      isReply: p.is_reply === 1,
    })
    const want = new Map(matches.map((m) => [m.feed, m.reason]))
    const have = await trx.selectFrom('feed_item').select('feed').where('uri', '=', p.uri).where('reposter', 'is', null).execute()
    const gone = have.map((h) => h.feed).filter((f) => !want.has(f))
    if (gone.length > 0) {
      await trx.deleteFrom('feed_item').where('uri', '=', p.uri).where('feed', 'in', gone).execute()
    }
    for (const h of have) want.delete(h.feed)
    if (want.size > 0) {
      await trx
        .insertInto('feed_item')
        .values([...want].map(([feed, reason]) => ({ feed, uri: p.uri, post_uri: p.uri, author: p.author, reposter: null, sort_at: p.sort_at, indexed_at: Number(p.indexed_at), reason })))
        .onConflict((oc) => oc.columns(['feed', 'uri']).doNothing())
        .execute()
    }
    if (matches.length === 0) await trx.deleteFrom('post').where('uri', '=', p.uri).execute()
  }
  const reposts = await trx.selectFrom('feed_item').select(['feed', 'uri']).where('reposter', '=', did).execute()
  const allowed = new Set(ctx.matcher.matchRepost(did).map((m) => m.feed))
  for (const r of reposts) {
    if (!allowed.has(r.feed)) await trx.deleteFrom('feed_item').where('feed', '=', r.feed).where('uri', '=', r.uri).execute()
  }
}
