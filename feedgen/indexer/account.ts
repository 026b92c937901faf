import type { AccountEvent } from '../../shared/firehose/events.ts'
import type { FeedgenTx } from '../db/schema.ts'
import type { BatchEffects } from './context.ts'
import { statement } from './statements.ts'

const statusOf = statement<[did: string], { status: string }>((trx, arg) => trx.selectFrom('account_status').select('status').where('did', '=', arg(0)))
const feedsHolding = statement<[did: string, did2: string], { feed: string }>((trx, arg) =>
  trx
    .selectFrom('feed_item')
    .select('feed')
    .distinct()
    .where((eb) => eb.or([eb('author', '=', arg(0)), eb('reposter', '=', arg(1))])),
)
const clearStatus = statement<[did: string], unknown>((trx, arg) => trx.deleteFrom('account_status').where('did', '=', arg(0)))
const setStatus = statement<[did: string, status: string, now: number, status2: string, now2: number], unknown>((trx, arg) =>
  trx
    .insertInto('account_status')
    .values({ did: arg(0), status: arg(1), updated_at: arg(2) })
    .onConflict((oc) => oc.column('did').doUpdateSet({ status: arg(3), updated_at: arg(4) })),
)

/**
 * #account: an inactive account (takendown, suspended, deactivated, …) is hidden from every feed;
 * reactivation shows its posts again. A deleted account's posts are removed for good.
 */
export async function indexAccount(trx: FeedgenTx, evt: AccountEvent, now: number, effects: BatchEffects): Promise<void> {
  const before = (await statusOf(trx, evt.did))[0]
  // pages change only when the account turns from active to inactive or back: those of the feeds that hold its items
  if ((before === undefined) === !evt.active) {
    const held = await feedsHolding(trx, evt.did, evt.did)
    for (const r of held) effects.account(r.feed, evt.did)
  }
  if (evt.active) {
    if (before !== undefined) await clearStatus(trx, evt.did)
    return
  }
  const status = evt.status ?? 'inactive'
  await setStatus(trx, evt.did, status, now, status, now)
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
