import { sql } from 'kysely'
import { isPostgresStatementError, isTransientDbError } from '../../shared/db/index.ts'
import type { FirehoseEvent, RepoOp } from '../../shared/firehose/events.ts'
import type { Logger } from '../../shared/logger.ts'
import type { FeedgenDb, FeedgenTx } from '../db/schema.ts'
import type { FeedChanges } from '../feeds/changes.ts'
import type { FeedMatcher } from '../feeds/matcher.ts'
import type { Membership } from '../feeds/membership.ts'
import { indexAccount } from './account.ts'
import { BatchEffects, COLLECTIONS, type IndexContext } from './context.ts'
import { deleteListItem, indexListItem } from './listitem.ts'
import { deletePost, indexPost } from './post.ts'
import { deleteRepost, indexRepost } from './repost.ts'
import { statement } from './statements.ts'

export const FIREHOSE_CURSOR_ID = 'firehose'

export interface IndexerDeps {
  db: FeedgenDb
  matcher: FeedMatcher
  membership: Membership
  logger: Logger
  now: () => number
  /** told after a batch commits which feeds it changed (the page cache's versions) */
  feedChanges?: FeedChanges
  /** called after a batch commits with what it changed */
  onEffects?: (effects: BatchEffects) => void
  /**
   * PostgreSQL: a failed statement aborts its whole transaction (SQLite undoes just the statement). A
   * batch in which a record's write fails is written again with a savepoint around every record, so
   * that record is skipped and the rest of the batch still goes in. @default false
   */
  isolateOnError?: boolean
}

/** A record's write failed inside the batch's transaction on PostgreSQL: write the batch again, record by record. */
class IsolateBatchError extends Error {
  override name = 'IsolateBatchError'
}

/**
 * Firehose events → rows. One transaction per batch writes the rows and the cursor together, so a
 * crash at any point either keeps both or neither: nothing lost, nothing doubled.
 */
export class Indexer {
  readonly #deps: IndexerDeps

  constructor(deps: IndexerDeps) {
    this.#deps = deps
  }

  static readonly collections = [COLLECTIONS.post, COLLECTIONS.repost, COLLECTIONS.listitem]

  async getCursor(): Promise<number | undefined> {
    const row = await this.#deps.db.selectFrom('cursor').select('seq').where('id', '=', FIREHOSE_CURSOR_ID).executeTakeFirst()
    return row === undefined ? undefined : Number(row.seq)
  }

  async handleBatch(events: FirehoseEvent[], cursor: number): Promise<void> {
    try {
      await this.#writeBatch(events, cursor, false)
    } catch (err) {
      if (!(err instanceof IsolateBatchError)) throw err
      await this.#writeBatch(events, cursor, true)
    }
  }

  async #writeBatch(events: FirehoseEvent[], cursor: number, isolate: boolean): Promise<void> {
    const { db, membership } = this.#deps
    const effects = new BatchEffects()
    const ctx: IndexContext = { matcher: this.#deps.matcher, membership, now: this.#deps.now, effects }
    try {
      await db.transaction().execute(async (trx) => {
        for (const evt of events) await this.#indexEvent(trx, ctx, evt, isolate)
        await saveCursor(trx, FIREHOSE_CURSOR_ID, cursor)
      })
    } catch (err) {
      // the in-memory membership may hold changes from the rolled-back batch
      await membership.load(db)
      throw err
    }
    this.#deps.feedChanges?.apply(effects)
    if (effects.joined.size > 0 || effects.changedLists.size > 0) this.#deps.onEffects?.(effects)
  }

  async #indexEvent(trx: FeedgenTx, ctx: IndexContext, evt: FirehoseEvent, isolate: boolean): Promise<void> {
    switch (evt.type) {
      case 'commit':
        for (const op of evt.ops) {
          if (isolate) await sql`savepoint index_op`.execute(trx)
          try {
            await this.#indexOp(trx, ctx, evt.did, op)
            if (isolate) await sql`release savepoint index_op`.execute(trx)
          } catch (err) {
            // a record that breaks a plugin is skipped, not retried forever; the rest of the batch goes on
            if (isTransientDbError(err)) throw err
            if (isolate) await sql`rollback to savepoint index_op`.execute(trx)
            else if (this.#deps.isolateOnError && isPostgresStatementError(err)) throw new IsolateBatchError('a record could not be written', { cause: err })
            this.#deps.logger.warn({ err, uri: op.uri }, 'skipping a record that could not be indexed')
          }
        }
        return
      case 'account':
        return await indexAccount(trx, evt, ctx.now(), ctx.effects)
      default:
        return
    }
  }

  async #indexOp(trx: FeedgenTx, ctx: IndexContext, did: string, op: RepoOp): Promise<void> {
    const del = op.action === 'delete'
    switch (op.collection) {
      case COLLECTIONS.post:
        if (del) return await deletePost(trx, op.uri, ctx.effects)
        if (!op.record || !op.cid) return
        await indexPost(trx, ctx, { uri: op.uri, cid: op.cid, author: did, record: op.record }, op.action === 'update')
        return
      case COLLECTIONS.repost:
        if (del) return await deleteRepost(trx, op.uri, ctx.effects)
        if (op.record) await indexRepost(trx, ctx, { uri: op.uri, reposter: did, record: op.record })
        return
      case COLLECTIONS.listitem:
        if (del) return await deleteListItem(trx, ctx, op.uri)
        if (op.record) await indexListItem(trx, ctx, { uri: op.uri, repo: did, record: op.record })
        return
    }
  }
}

const upsertCursor = statement<[id: string, seq: number, seq2: number], unknown>((trx, arg) =>
  trx
    .insertInto('cursor')
    .values({ id: arg(0), seq: arg(1) })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seq: arg(2) })),
)

export async function saveCursor(trx: FeedgenTx, id: string, seq: number): Promise<void> {
  await upsertCursor(trx, id, seq, seq)
}
