import type SqliteDatabase from 'better-sqlite3'
import { createFetch, createIdResolver, ServiceAuthVerifier } from '../shared/auth/index.ts'
import { migrateToLatestOrThrow, openSqlite } from '../shared/db/index.ts'
import { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import { HttpServer } from '../shared/http/index.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { RepoClient } from '../shared/repo-client.ts'
import { registerRoutes } from './api/index.ts'
import type { FeedgenConfig } from './config.ts'
import type { AppContext } from './context.ts'
import { migrations } from './db/migrations/index.ts'
import type { FeedgenDb, FeedgenSchema } from './db/schema.ts'
import { DEFAULT_BACKFILL_WINDOW_MS } from './feeds/definitions.ts'
import { ListSync } from './feeds/list-sync.ts'
import { FeedMatcher } from './feeds/matcher.ts'
import { Membership } from './feeds/membership.ts'
import { Backfiller } from './indexer/backfill.ts'
import type { BatchEffects } from './indexer/context.ts'
import { Indexer } from './indexer/index.ts'
import { Pruner } from './indexer/prune.ts'
import { LabelSubscriber } from './labels/subscriber.ts'

export type { FeedgenConfig } from './config.ts'

export interface FeedgenOptions {
  /** clock for tests; @default Date.now */
  now?: () => number
  /** firehose consumer tuning (tests and benchmarks) */
  firehose?: { batchSize?: number; maxQueue?: number; minBackoffMs?: number; maxBackoffMs?: number }
}

/**
 * The feed generator: firehose → indexer → SQLite, and the XRPC API that serves the feeds.
 * `FeedgenService.create(cfg)` → `start()` → `destroy()`.
 */
export class FeedgenService implements AsyncDisposable {
  readonly cfg: FeedgenConfig
  readonly ctx: AppContext
  readonly db: FeedgenDb
  readonly indexer: Indexer
  readonly membership: Membership
  readonly listSync: ListSync
  readonly backfiller: Backfiller
  /** one subscription per labeler that a feed trusts (exclude.labels) */
  readonly labelers: LabelSubscriber[]
  readonly #server: HttpServer
  readonly #raws: SqliteDatabase.Database[]
  #pruner: Pruner | undefined
  #started = false

  private constructor(parts: {
    cfg: FeedgenConfig
    ctx: AppContext
    db: FeedgenDb
    indexer: Indexer
    membership: Membership
    listSync: ListSync
    backfiller: Backfiller
    labelers: LabelSubscriber[]
    server: HttpServer
    raws: SqliteDatabase.Database[]
  }) {
    this.cfg = parts.cfg
    this.ctx = parts.ctx
    this.db = parts.db
    this.indexer = parts.indexer
    this.membership = parts.membership
    this.listSync = parts.listSync
    this.backfiller = parts.backfiller
    this.labelers = parts.labelers
    this.#server = parts.server
    this.#raws = parts.raws
  }

  static async create(cfg: FeedgenConfig, opts: FeedgenOptions = {}): Promise<FeedgenService> {
    const now = opts.now ?? Date.now
    const logger = subsystemLogger('feedgen')
    const writer = openSqlite<FeedgenSchema>(cfg.db.sqlitePath)
    await migrateToLatestOrThrow(writer.db, migrations)
    const reader = openSqlite<FeedgenSchema>(cfg.db.sqlitePath, { readonly: true })

    const fetch = createFetch({ allowPrivateNetwork: cfg.identity.allowPrivateNetwork })
    const idResolver = createIdResolver({ plcUrl: cfg.identity.plcUrl, fetch })
    const repoClient = new RepoClient(idResolver, fetch)
    const feeds = cfg.feeds.feeds
    const membership = new Membership(new Set(feeds.flatMap((f) => f.include.lists)))
    await membership.load(writer.db)
    const matcher = new FeedMatcher(feeds, membership)

    const windowMs = Math.max(...feeds.map((f) => f.wellbeing.windowMs ?? DEFAULT_BACKFILL_WINDOW_MS))
    const backfiller = new Backfiller({
      db: writer.db,
      membership,
      matcher,
      repoClient,
      logger: subsystemLogger('feedgen:backfill'),
      now,
      windowMs,
      reposts: feeds.some((f) => f.reposts),
    })
    let listSync: ListSync
    const onEffects = (effects: BatchEffects) => {
      if (effects.joined.size > 0) backfiller.wake()
      for (const list of effects.changedLists) listSync.schedule(list)
    }
    listSync = new ListSync({ db: writer.db, membership, matcher, repoClient, logger: subsystemLogger('feedgen:lists'), now, onEffects })
    const indexer = new Indexer({ db: writer.db, matcher, membership, logger: subsystemLogger('feedgen:indexer'), now, onEffects })
    const firehose = new FirehoseConsumer({
      service: cfg.firehose.url,
      collections: Indexer.collections,
      getCursor: () => indexer.getCursor(),
      handleBatch: (events, cursor) => indexer.handleBatch(events, cursor),
      logger: subsystemLogger('feedgen:firehose'),
      ...opts.firehose,
    })
    const ctx: AppContext = {
      cfg,
      readDb: reader.db,
      writeDb: writer.db,
      feedsByUri: new Map(feeds.map((f) => [f.uri, f])),
      matcher,
      authVerifier: new ServiceAuthVerifier(cfg.service.did, idResolver),
      idResolver,
      repoClient,
      firehose,
      logger,
      now,
    }
    const labelerDids = [...new Set(feeds.flatMap((f) => f.exclude.labels.map((l) => l.labeler)))]
    const labelers = labelerDids.map(
      (did) =>
        new LabelSubscriber({
          did,
          db: writer.db,
          idResolver,
          logger: subsystemLogger('feedgen:labels'),
          minBackoffMs: opts.firehose?.minBackoffMs,
          maxBackoffMs: opts.firehose?.maxBackoffMs,
        }),
    )
    const server = new HttpServer(subsystemLogger('feedgen:http'))
    registerRoutes(server, ctx)
    return new FeedgenService({ cfg, ctx, db: writer.db, indexer, membership, listSync, backfiller, labelers, server, raws: [writer.raw, reader.raw] })
  }

  get port(): number {
    return this.#server.port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    await this.#server.listen(this.cfg.service.port, this.cfg.service.host)
    this.ctx.logger.info({ port: this.port, did: this.cfg.service.did, feeds: this.cfg.feeds.feeds.map((f) => f.id) }, 'feed generator listening')
    this.listSync.startAll()
    this.backfiller.start()
    for (const l of this.labelers) l.start()
    this.#pruner = new Pruner(this.db, this.cfg.feeds.feeds, this.ctx.now, subsystemLogger('feedgen:prune'))
    await this.ctx.firehose.start()
  }

  async destroy(): Promise<void> {
    await this.ctx.firehose.stop()
    await this.listSync.stop()
    await this.backfiller.stop()
    for (const l of this.labelers) await l.stop()
    await this.#pruner?.stop()
    await this.#server.close()
    await this.ctx.readDb.destroy()
    await this.db.destroy()
    for (const raw of this.#raws) if (raw.open) raw.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
