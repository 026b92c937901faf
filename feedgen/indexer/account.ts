import type { AccountEvent } from '../../shared/firehose/events.ts'
import type { FeedgenTx } from '../db/schema.ts'

/**
 * #account: an inactive account (takendown, suspended, deactivated, …) is hidden from every feed;
 * reactivation shows its posts again. A deleted account's posts are removed for good.
 */
export async function indexAccount(trx: FeedgenTx, evt: AccountEvent, now: number): Promise<void> {
  if (evt.active) {
    await trx.deleteFrom('account_status').where('did', '=', evt.did).execute()
    return
  }
  const status = evt.status ?? 'inactive'
  await trx
    .insertInto('account_status')
    .values({ did: evt.did, status, updated_at: now })
    .onConflict((oc) => oc.column('did').doUpdateSet({ status, updated_at: now }))
    .execute()
  if (status === 'deleted') {
    await trx.deleteFrom('feed_item').where((eb) => eb.or([eb('author', '=', evt.did), eb('reposter', '=', evt.did)])).execute()
    await trx.deleteFrom('post').where('author', '=', evt.did).execute()
    await trx.deleteFrom('backfill').where('did', '=', evt.did).execute()
  }
}
