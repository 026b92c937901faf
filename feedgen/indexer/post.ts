import type { FeedMatch, PostFacts } from '../feeds/matcher.ts'
import { extractTags } from '../feeds/text.ts'
import type { FeedgenTx } from '../db/schema.ts'
import { parseCreatedAt, type BatchEffects, type IndexContext } from './context.ts'
import { statement } from './statements.ts'

const deletePostRow = statement<[uri: string], unknown>((trx, arg) => trx.deleteFrom('post').where('uri', '=', arg(0)))
const sortAtOf = statement<[uri: string], { sort_at: number }>((trx, arg) => trx.selectFrom('post').select('sort_at').where('uri', '=', arg(0)))
const insertPostRow = statement<
  [uri: string, cid: string, author: string, createdAt: number, indexedAt: number, sortAt: number, text: string, langs: string, tags: string, isReply: number, cid2: string, text2: string, langs2: string, tags2: string, isReply2: number],
  unknown
>((trx, arg) =>
  trx
    .insertInto('post')
    .values({ uri: arg(0), cid: arg(1), author: arg(2), created_at: arg(3), indexed_at: arg(4), sort_at: arg(5), text: arg(6), langs: arg(7), tags: arg(8), is_reply: arg(9) })
    .onConflict((oc) => oc.column('uri').doUpdateSet({ cid: arg(10), text: arg(11), langs: arg(12), tags: arg(13), is_reply: arg(14) })),
)
const insertPostItem = statement<[feed: string, uri: string, postUri: string, author: string, sortAt: number, indexedAt: number, reason: string], unknown>((trx, arg) =>
  trx
    .insertInto('feed_item')
    .values({ feed: arg(0), uri: arg(1), post_uri: arg(2), author: arg(3), reposter: null, sort_at: arg(4), indexed_at: arg(5), reason: arg(6) })
    .onConflict((oc) => oc.columns(['feed', 'uri']).doNothing()),
)
const removeItems = statement<[postUri: string], { feed: string; uri: string }>((trx, arg) =>
  trx.deleteFrom('feed_item').where('post_uri', '=', arg(0)).returning(['feed', 'uri']),
)
const removeOwnItems = statement<[postUri: string], { feed: string; uri: string }>((trx, arg) =>
  trx.deleteFrom('feed_item').where('post_uri', '=', arg(0)).where('reposter', 'is', null).returning(['feed', 'uri']),
)

export interface PostInput {
  uri: string
  cid: string
  author: string
  record: Record<string, unknown>
}

const MAX_TEXT = 3000

export function postFacts(author: string, record: Record<string, unknown>): PostFacts & { createdAt: number | undefined } {
  const text = typeof record.text === 'string' ? record.text.slice(0, MAX_TEXT) : ''
  const langs = Array.isArray(record.langs) ? record.langs.filter((l): l is string => typeof l === 'string').slice(0, 3) : []
  return {
    author,
    text,
    langs,
    tags: extractTags(record, text),
    isReply: typeof record.reply === 'object' && record.reply !== null,
    createdAt: parseCreatedAt(record.createdAt),
  }
}

/**
 * Stores a post when it matches at least one feed, tagged with those feeds. Idempotent: a replayed
 * create changes nothing; an update re-evaluates the post.
 */
export async function indexPost(trx: FeedgenTx, ctx: IndexContext, input: PostInput, update: boolean): Promise<FeedMatch[]> {
  const facts = postFacts(input.author, input.record)
  const matches = ctx.matcher.match(facts)
  if (update) await removePostItems(trx, input.uri, false, ctx.effects)
  if (matches.length === 0) {
    if (update) await deletePostRow(trx, input.uri)
    return matches
  }
  const indexedAt = ctx.now()
  const sortAt = facts.createdAt === undefined ? indexedAt : Math.min(facts.createdAt, indexedAt)
  const existing = update ? undefined : (await sortAtOf(trx, input.uri))[0]
  const row = {
    uri: input.uri,
    cid: input.cid,
    author: input.author,
    created_at: facts.createdAt ?? 0,
    indexed_at: indexedAt,
    sort_at: existing?.sort_at ?? sortAt,
    text: facts.text,
    langs: JSON.stringify(facts.langs),
    tags: JSON.stringify(facts.tags),
    is_reply: facts.isReply ? 1 : 0,
  }
  if (!existing) {
    await insertPostRow(trx, row.uri, row.cid, row.author, row.created_at, row.indexed_at, row.sort_at, row.text, row.langs, row.tags, row.is_reply, row.cid, row.text, row.langs, row.tags, row.is_reply)
  }
  for (const m of matches) await insertPostItem(trx, m.feed, input.uri, input.uri, input.author, row.sort_at, indexedAt, m.reason)
  for (const m of matches) ctx.effects.item(m.feed, input.uri)
  return matches
}

/** Removes a post's own feed items (and, with `withReposts`, reposts of it too). */
export async function removePostItems(trx: FeedgenTx, uri: string, withReposts: boolean, effects: BatchEffects): Promise<void> {
  for (const r of await (withReposts ? removeItems : removeOwnItems)(trx, uri)) effects.item(r.feed, r.uri)
}

export async function deletePost(trx: FeedgenTx, uri: string, effects: BatchEffects): Promise<void> {
  await deletePostRow(trx, uri)
  await removePostItems(trx, uri, true, effects)
}
