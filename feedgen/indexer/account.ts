import type { AccountEvent } from '../../shared/firehose/events.ts'
import type { FeedgenTx } from '../db/schema.ts'
import type { BatchEffects } from './context.ts'

/**
 * #account: an inactive account (takendown, suspended, deactivated, …) is hidden from every feed;
 * reactivation shows its posts again. A deleted account's posts are removed for good.
 */
export async function indexAccount(trx: FeedgenTx, evt: AccountEvent, now: number, effects: BatchEffects): Promise<void> {
  const before = await trx.selectFrom('account_status').select('status').where('did', '=', evt.did).executeTakeFirst()
  // pages change only when the account turns from active to inactive or back: those of the feeds that hold its items
  if ((before === undefined) === !evt.active) {
    const held = await trx
      .selectFrom('feed_item')
      .select('feed')
      .distinct()
      .where((eb) => eb.or([eb('author', '=', evt.did), eb('reposter', '=', evt.did)]))
      .execute()
    for (const r of held) effects.feeds.add(r.feed)
  }
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
      .returning(['feed', 'uri'])
      .execute()
    for (const r of gone) effects.item(r.feed, r.uri)
    await trx.deleteFrom('post').where('author', '=', evt.did).execute()
    await trx.deleteFrom('backfill').where('did', '=', evt.did).execute()
  }
}
