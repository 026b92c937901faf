import { AtUri } from '@atproto/syntax'
import type { FeedgenTx } from '../db/schema.ts'
import { parseCreatedAt, type BatchEffects, type IndexContext } from './context.ts'
import { statement } from './statements.ts'

const removeRepostItems = statement<[uri: string], { feed: string }>((trx, arg) =>
  trx.deleteFrom('feed_item').where('uri', '=', arg(0)).where('reposter', 'is not', null).returning('feed'),
)

/** A repost by an included author shows the reposted post in feeds with `reposts: true`. */
export async function indexRepost(
  trx: FeedgenTx,
  ctx: IndexContext,
  input: { uri: string; reposter: string; record: Record<string, unknown> },
): Promise<void> {
  const matches = ctx.matcher.matchRepost(input.reposter)
  if (matches.length === 0) return
  const subject = input.record.subject as { uri?: unknown } | undefined
  if (typeof subject?.uri !== 'string') return
  let postUri: AtUri
  try {
    postUri = new AtUri(subject.uri)
  } catch {
    return
  }
  if (postUri.collection !== 'app.bsky.feed.post' || !postUri.host.startsWith('did:')) return
  const now = ctx.now()
  const createdAt = parseCreatedAt(input.record.createdAt)
  const sortAt = createdAt === undefined ? now : Math.min(createdAt, now)
  await trx
    .insertInto('feed_item')
    .values(
      matches.map((m) => ({
        feed: m.feed,
        uri: input.uri,
        post_uri: postUri.toString(),
        author: postUri.host,
        reposter: input.reposter,
        sort_at: sortAt,
        indexed_at: now,
        reason: 'repost',
      })),
    )
    .onConflict((oc) => oc.columns(['feed', 'uri']).doNothing())
    .execute()
  for (const m of matches) ctx.effects.item(m.feed, input.uri)
}

export async function deleteRepost(trx: FeedgenTx, uri: string, effects: BatchEffects): Promise<void> {
  const gone = await removeRepostItems(trx, uri)
  for (const r of gone) effects.item(r.feed, uri)
}
