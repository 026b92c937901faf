import { createFetch, createIdResolver, ServiceAuthVerifier } from '../shared/auth/index.ts'
import { migrateToLatestOrThrow, openDatabase, type CheckpointStats, type DatabaseHandle, type WalCheckpointMode } from '../shared/db/index.ts'
import { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import type { FirehoseEvent } from '../shared/firehose/events.ts'
import { HttpServer } from '../shared/http/index.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { RepoClient } from '../shared/repo-client.ts'
import { registerRoutes } from './api/index.ts'
import type { FeedgenConfig } from './config.ts'
import type { AppContext } from './context.ts'
import { migrations } from './db/migrations/index.ts'
import type { FeedgenDb, FeedgenSchema } from './db/schema.ts'
import { FeedChanges } from './feeds/changes.ts'
import { DEFAULT_BACKFILL_WINDOW_MS } from './feeds/definitions.ts'
import { ListSync } from './feeds/list-sync.ts'
import { FeedMatcher } from './feeds/matcher.ts'
import { Membership } from './feeds/membership.ts'
import { FeedPageCache } from './feeds/page-cache.ts'
import { Backfiller } from './indexer/backfill.ts'
import type { BatchEffects } from './indexer/context.ts'
import { Indexer } from './indexer/index.ts'
import { Pruner } from './indexer/prune.ts'
import { LabelSubscriber } from './labels/subscriber.ts'
import { timeSection } from './sections.ts'

export type { FeedgenConfig } from './config.ts'

export interface FeedgenOptions {
  /** clock for tests; @default Date.now */
  now?: () => number
  /** firehose consumer tuning (tests and benchmarks) */
  firehose?: { batchSize?: number; maxQueue?: number; minBackoffMs?: number; maxBackoffMs?: number }
  /**
   * SQLite: who copies the WAL into the database. `background` (default): a worker thread, so that no
   * commit on the event loop that serves reads runs a checkpoint; `auto`: SQLite, inside commits.
   */
  walCheckpoint?: WalCheckpointMode
}

/** How often an `api` process re-reads list membership (written by the ingest process), for explanations. */
const MEMBERSHIP_REFRESH_MS = 30_000
/**
 * The writer connection's SQLite page cache, KiB (readers keep the shared 32 MB: they serve the pages).
 * The writer appends posts and feed items and looks rows up by key, so a small cache costs it little,
 * while a 32 MB one filled up with freshly written pages and stayed in the RSS: over 1M replayed events
 * (`npm run bench:rss -- --only feedgen`) 323–381 MB with 32 MB against 297–327 MB with 8 MB.
 */
export const FEEDGEN_WRITER_CACHE_KIB = 8_000

/**
 * The feed generator: firehose → indexer → database (SQLite or PostgreSQL), and the XRPC API that
 * serves the feeds. `FeedgenService.create(cfg)` → `start()` → `destroy()`. `cfg.role` decides what
 * this process does: `all` (both), `ingest` (writes; HTTP only for health) or `api` (reads).
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
  readonly #handles: DatabaseHandle<FeedgenSchema>[]
  #pruner: Pruner | undefined
  #membershipTimer: NodeJS.Timeout | undefined
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
    handles: DatabaseHandle<FeedgenSchema>[]
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
    this.#handles = parts.handles
  }

  static async create(cfg: FeedgenConfig, opts: FeedgenOptions = {}): Promise<FeedgenService> {
    const now = opts.now ?? Date.now
    const logger = subsystemLogger('feedgen')
    // @NOTE the writer is one connection on both databases (SQLite's single writer; on PostgreSQL a pool
    // of one): the indexer, list sync, backfill and label subscriptions never interleave transactions,
    // exactly as on SQLite. Readers get their own connection (SQLite) or pool (PostgreSQL).
    // @NOTE with SQLite, the WAL is checkpointed on a worker thread (shared/db/checkpointer.ts): an
    // auto-checkpoint inside an ingest commit held the event loop that serves getFeedSkeleton
    const writer = await openDatabase<FeedgenSchema>(cfg.db, {
      poolSize: 1,
      name: `plein-feedgen-${cfg.role}-writer`,
      walCheckpoint: cfg.role === 'api' ? 'auto' : (opts.walCheckpoint ?? 'background'),
      cacheKiB: FEEDGEN_WRITER_CACHE_KIB,
    })
    let reader: DatabaseHandle<FeedgenSchema> | undefined
    try {
      // every role migrates: on PostgreSQL the migrator holds an advisory lock, so processes starting together take turns
      await migrateToLatestOrThrow(writer.db, migrations)
      reader = await openDatabase<FeedgenSchema>(cfg.db, { readonly: true, name: `plein-feedgen-${cfg.role}` })
    } catch (err) {
      await writer.close()
      throw err
    }

    const fetch = createFetch({ allowPrivateNetwork: cfg.identity.allowPrivateNetwork })
    const idResolver = createIdResolver({ plcUrl: cfg.identity.plcUrl, fetch })
    const repoClient = new RepoClient(idResolver, fetch)
    const feeds = cfg.feeds.feeds
    const membership = new Membership(new Set(feeds.flatMap((f) => f.include.lists)))
    await membership.load(writer.db)
    const matcher = new FeedMatcher(feeds, membership)

    // writes in this process report the feeds they changed; a process that only serves (--role api)
    // sees no writes, so it reads every page from the database
    const feedChanges = new FeedChanges()
    // (on PostgreSQL, API processes may write readers' "show less" choices: those are then read per request)
    const pageCache = cfg.role === 'api' ? undefined : new FeedPageCache(reader.db, feedChanges, { cacheMutes: writer.kind === 'sqlite' })
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
      feedChanges,
    })
    let listSync: ListSync
    const onEffects = (effects: BatchEffects) => {
      if (effects.joined.size > 0) backfiller.wake()
      for (const list of effects.changedLists) listSync.schedule(list)
    }
    listSync = new ListSync({ db: writer.db, membership, matcher, repoClient, logger: subsystemLogger('feedgen:lists'), now, onEffects, feedChanges })
    const indexer = new Indexer({ db: writer.db, matcher, membership, logger: subsystemLogger('feedgen:indexer'), now, onEffects, feedChanges, isolateOnError: writer.kind === 'postgres' })
    const firehose = new FirehoseConsumer({
      service: cfg.firehose.url,
      collections: Indexer.collections,
      getCursor: () => indexer.getCursor(),
      // firehose batches wait while the checkpointer holds writes to start the WAL over (a few ms), and
      // are written in transactions of at most ~TX_BUDGET_US of CPU each (see writeInParts)
      handleBatch: (events, cursor) =>
        writeInParts(events, cursor, (part, partCursor) => {
          const write = () => timeSection('ingest batch', () => indexer.handleBatch(part, partCursor))
          return writer.checkpointer ? writer.checkpointer.write(write) : write()
        }),
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
      feedChanges,
      pageCache,
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
          // the feeds that exclude this labeler's labels
          onCommit: () => feedChanges.labelsChanged(feeds.filter((f) => f.exclude.labels.some((l) => l.labeler === did)).map((f) => f.id)),
        }),
    )
    const server = new HttpServer(subsystemLogger('feedgen:http'))
    registerRoutes(server, ctx)
    return new FeedgenService({ cfg, ctx, db: writer.db, indexer, membership, listSync, backfiller, labelers, server, handles: [reader, writer] })
  }

  /** SQLite with checkpoints on a worker thread: what they did so far */
  get walCheckpoints(): CheckpointStats | undefined {
    return this.#handles.find((h) => h.checkpointer)?.checkpointer?.stats
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
    const { role } = this.cfg
    this.ctx.logger.info({ port: this.port, did: this.cfg.service.did, role, db: this.cfg.db.kind, feeds: this.cfg.feeds.feeds.map((f) => f.id) }, 'feed generator listening')
    if (role === 'api') {
      // list membership changes are written by the ingest process; explanations read them from here
      this.#membershipTimer = setInterval(() => {
        this.membership.load(this.ctx.readDb).catch((err: unknown) => this.ctx.logger.warn({ err }, 'could not re-read list membership'))
      }, MEMBERSHIP_REFRESH_MS)
      this.#membershipTimer.unref()
      return
    }
    this.listSync.startAll()
    this.backfiller.start()
    for (const l of this.labelers) l.start()
    this.#pruner = new Pruner(this.db, this.cfg.feeds.feeds, this.ctx.now, subsystemLogger('feedgen:prune'))
    await this.ctx.firehose.start()
  }

  async destroy(): Promise<void> {
    clearInterval(this.#membershipTimer)
    await this.ctx.firehose.stop()
    await this.listSync.stop()
    await this.backfiller.stop()
    for (const l of this.labelers) await l.stop()
    await this.#pruner?.stop()
    await this.#server.close()
    for (const h of this.#handles) await h.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/**
 * A transaction's CPU budget on the event loop that also serves reads. After a pause (a burst of
 * replayed events, a slow moment) the consumer hands over hundreds of events at once, and one
 * transaction over all of them held the event loop for 5–20 ms (bench:feed-read, 2,000 events/s).
 */
const TX_BUDGET_US = 3_000
/** the smallest part worth a transaction of its own */
const MIN_PART = 32
/** CPU µs per event of the recent transactions (a moving average), to size the parts */
let usPerEvent = 20

/**
 * Writes a firehose batch in consecutive parts sized to TX_BUDGET_US, each in its own transaction with
 * the cursor of its last event (so a crash between two parts resumes after the first, as with smaller
 * batches), with a turn of the event loop between parts.
 */
async function writeInParts(events: FirehoseEvent[], cursor: number, write: (part: FirehoseEvent[], cursor: number) => Promise<void>): Promise<void> {
  // a batch of skipped events only (commits with nothing wanted) still saves its cursor
  if (events.length === 0) return await write(events, cursor)
  for (let i = 0; i < events.length; ) {
    const n = Math.max(MIN_PART, Math.floor(TX_BUDGET_US / usPerEvent))
    const last = i + n >= events.length
    const part = i === 0 && last ? events : events.slice(i, i + n)
    if (i > 0) await new Promise((r) => setImmediate(r))
    const t0 = process.threadCpuUsage()
    await write(part, last ? cursor : (part[part.length - 1] as FirehoseEvent).seq)
    const t = process.threadCpuUsage(t0)
    usPerEvent = 0.8 * usPerEvent + (0.2 * (t.user + t.system)) / part.length
    i += part.length
  }
}
