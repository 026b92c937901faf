import type { FeedgenTx } from '../db/schema.ts'
import type { IndexContext } from './context.ts'
import { rematchAuthor } from './rematch.ts'

/** A list item added to a configured list by the list's owner: a new member (posts fetched later). */
export async function indexListItem(
  trx: FeedgenTx,
  ctx: IndexContext,
  input: { uri: string; repo: string; record: Record<string, unknown> },
): Promise<void> {
  const { list, subject } = input.record
  if (typeof list !== 'string' || typeof subject !== 'string' || !subject.startsWith('did:')) return
  if (!ctx.membership.accepts(list, input.repo)) return
  await trx
    .insertInto('list_member')
    .values({ item_uri: input.uri, list_uri: list, subject })
    .onConflict((oc) => oc.column('item_uri').doNothing())
    .execute()
  ctx.effects.changedLists.add(list)
  if (ctx.membership.add(input.uri, list, subject)) await memberJoined(trx, ctx, subject)
}

export async function deleteListItem(trx: FeedgenTx, ctx: IndexContext, uri: string): Promise<void> {
  if (!ctx.membership.hasItem(uri)) return
  await trx.deleteFrom('list_member').where('item_uri', '=', uri).execute()
  const removed = ctx.membership.remove(uri)
  if (!removed) return
  ctx.effects.changedLists.add(removed.list)
  if (!removed.stillMember) await rematchAuthor(trx, ctx, removed.subject)
}

/** Re-evaluates what is stored and queues a fetch of recent posts, durably, in the same transaction. */
export async function memberJoined(trx: FeedgenTx, ctx: IndexContext, did: string): Promise<void> {
  await rematchAuthor(trx, ctx, did)
  const now = ctx.now()
  await trx
    .insertInto('backfill')
    .values({ did, requested_at: now, attempts: 0, next_attempt_at: 0 })
    .onConflict((oc) => oc.column('did').doUpdateSet({ requested_at: now, attempts: 0, next_attempt_at: 0 }))
    .execute()
  ctx.effects.joined.add(did)
}
