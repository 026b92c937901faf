import type { AccountEvent } from '../../shared/firehose/events.ts'
import type { FeedgenTx } from '../db/schema.ts'
import type { BatchEffects } from './context.ts'

/**
 * #account: an inactive account (takendown, suspended, deactivated, …) is hidden from every feed;
 * reactivation shows its posts again. A deleted account's posts are removed for good.
 */
export async function indexAccount(trx: FeedgenTx, evt: AccountEvent, now: number, effects: BatchEffects): Promise<void> {
  const before = await trx.selectFrom('account_status').select('status').where('did', '=', evt.did).executeTakeFirst()
  // pages change only when the account turns from active to inactive or back, and only if it has items
  if ((before === undefined) === !evt.active && (await holdsItems(trx, evt.did))) effects.allFeeds = true
  if (evt.active) {
    if (before !== undefined) await trx.deleteFrom('account_status').where('did', '=', evt.did).execute()
    return
  }
  const status = evt.status ?? 'inactive'
  await trx
    .insertInto('account_status')
    .values({ did: evt.did, status, updated_at: now })
    .onConflict((oc) => oc.column('did').doUpdateSet({ status, updated_at: now }))
    .execute()
  if (status === 'deleted') {
    const gone = await trx
      .deleteFrom('feed_item')
      .where((eb) => eb.or([eb('author', '=', evt.did), eb('reposter', '=', evt.did)]))
      .returning('feed')
      .execute()
    for (const r of gone) effects.feeds.add(r.feed)
    await trx.deleteFrom('post').where('author', '=', evt.did).execute()
    await trx.deleteFrom('backfill').where('did', '=', evt.did).execute()
  }
}

/** Does any feed hold a post or a repost of this account? (two index-only probes) */
async function holdsItems(trx: FeedgenTx, did: string): Promise<boolean> {
  const own = await trx.selectFrom('feed_item').select('author').where('author', '=', did).limit(1).executeTakeFirst()
  if (own) return true
  return (await trx.selectFrom('feed_item').select('reposter').where('reposter', '=', did).limit(1).executeTakeFirst()) !== undefined
}
