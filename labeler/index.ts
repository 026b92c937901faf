import { Secp256k1Keypair } from '@atproto/crypto'
import { sql } from 'kysely'
import { createFetch, createIdResolver } from '../shared/auth/index.ts'
import { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import { HttpServer } from '../shared/http/index.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { registerRoutes } from './api/index.ts'
import { LabelerAuthVerifier } from './auth.ts'
import { Classifier } from './classify/index.ts'
import type { LabelerConfig, LabelerSecrets } from './config.ts'
import type { LabelerContext } from './context.ts'
import { AutoLabeler, POST_COLLECTION } from './labels/auto-labeler.ts'
import { ClassifyPool } from './labels/classify-pool.ts'
import { LabelOutbox } from './labels/outbox.ts'
import { LabelStore } from './labels/store.ts'
import { Moderation, type RateLimit } from './moderation/index.ts'

export type { LabelerConfig, LabelerSecrets } from './config.ts'

/** firehose events decoded ahead of the writer before the socket is paused (two batches of 1,000: the
 *  next batch is ready when the worker returns the current one) */
export const LABELER_MAX_QUEUE = 2_000
/**
 * The labeler's SQLite page cache, KiB (the shared default is 32 MB per connection). Its writes append
 * to the label tables and look up a post's current labels by URI. 2 MB instead of 32 measured 255
 * instead of 268 MB peak RSS over 1M replayed events (docs/benchmarks.md, Memory, session 4).
 */
export const LABELER_SQLITE_CACHE_KB = 2_000

export interface LabelerOptions {
  now?: () => number
  firehose?: { batchSize?: number; maxQueue?: number; minBackoffMs?: number; maxBackoffMs?: number }
  /** keep only the newest N label events for subscribeLabels catch-up (@default all) */
  retainEvents?: number
  /** createReport: new reports per reporter per window; @default { max: 10, windowMs: one hour } */
  reportRateLimit?: Partial<RateLimit>
}

/**
 * The labeler: firehose → classifier → signed labels in SQLite, served through
 * com.atproto.label.queryLabels and com.atproto.label.subscribeLabels; reports and appeals through
 * com.atproto.moderation.createReport into a review queue; moderators act through the admin API.
 * `LabelerService.create(cfg, secrets)` → `start()` → `destroy()`.
 */
export class LabelerService implements AsyncDisposable {
  readonly cfg: LabelerConfig
  readonly ctx: LabelerContext
  readonly store: LabelStore
  readonly #classifier: { value: Classifier | undefined }
  /** subscribeLabels: catch-up and live delivery (its `stats` count shared blocks, encodings, drain waits) */
  readonly outbox: LabelOutbox
  /** the classifier's worker threads (undefined when it runs on the firehose thread) */
  readonly classifyPool: ClassifyPool | undefined
  readonly #server: HttpServer
  #started = false

  private constructor(cfg: LabelerConfig, ctx: LabelerContext, classifier: Classifier | undefined, server: HttpServer, outbox: LabelOutbox, pool: ClassifyPool | undefined) {
    this.cfg = cfg
    this.ctx = ctx
    this.store = ctx.store
    this.#classifier = { value: classifier }
    this.outbox = outbox
    this.#server = server
    this.classifyPool = pool
  }

  static async create(cfg: LabelerConfig, secrets: LabelerSecrets, opts: LabelerOptions = {}): Promise<LabelerService> {
    const logger = subsystemLogger('labeler')
    const keypair = await Secp256k1Keypair.import(secrets.signingKeyHex)
    const store = await LabelStore.open({ database: cfg.db, src: cfg.did, keypair, now: opts.now, retainEvents: opts.retainEvents })
    if (cfg.db.kind === 'sqlite') await sql`pragma cache_size = ${sql.raw(String(-LABELER_SQLITE_CACHE_KB))}`.execute(store.db)
    // the classifier runs in worker threads (LABELER_CLASSIFY_WORKERS) while this thread reads the next
    // frames; this thread then does not load it (its tables would cost ~10 MB twice)
    let pool: ClassifyPool | undefined
    let classifier: Classifier | undefined
    let rulesVersion: string
    if (cfg.classifyWorkers > 0) {
      pool = new ClassifyPool({ workers: cfg.classifyWorkers, langs: cfg.langs, logger: subsystemLogger('labeler:classify') })
      try {
        rulesVersion = await pool.ready()
      } catch (err) {
        await pool.close()
        await store.close()
        throw err
      }
    } else {
      classifier = Classifier.load()
      rulesVersion = classifier.rulesVersion
    }
    const auto = new AutoLabeler({ store, classifier: pool ?? (classifier as Classifier), langs: cfg.langs, logger: subsystemLogger('labeler:auto') })
    const firehose = new FirehoseConsumer({
      service: cfg.firehose.url,
      collections: [POST_COLLECTION],
      getCursor: () => auto.getCursor(),
      // a batch's posts are classified (on the pool's workers) while the batch before is written
      prepareBatch: (events) => auto.prepare(events),
      handleBatch: (events, cursor, prepared) => auto.handleBatch(events, cursor, prepared),
      logger: subsystemLogger('labeler:firehose'),
      // with the classifier in a worker this thread decodes faster than batches are written: hold at most
      // two batches of decoded events (the consumer's default, 20,000, held ~90 MB more RSS, 4,000 ~10 MB)
      maxQueue: LABELER_MAX_QUEUE,
      ...opts.firehose,
    })
    const moderation = new Moderation(store, { now: opts.now, reportRateLimit: opts.reportRateLimit })
    const idResolver = createIdResolver({ plcUrl: cfg.identity.plcUrl, fetch: createFetch({ allowPrivateNetwork: cfg.identity.allowPrivateNetwork }) })
    const authVerifier = new LabelerAuthVerifier(cfg.did, idResolver)
    const ctx: LabelerContext = { cfg, store, firehose, logger, moderation, authVerifier }
    const server = new HttpServer(subsystemLogger('labeler:http'))
    const outbox = new LabelOutbox(store, subsystemLogger('labeler:outbox'))
    registerRoutes(server, ctx, outbox, { adminPassword: secrets.adminPassword })
    logger.info(
      { did: cfg.did, key: keypair.did(), rules: rulesVersion, classifyWorkers: pool?.size ?? 0, admin: secrets.adminPassword ? 'on' : 'off (LABELER_ADMIN_PASSWORD unset)' },
      'labeler ready',
    )
    return new LabelerService(cfg, ctx, classifier, server, outbox, pool)
  }

  /** the classifier (loaded in this thread on first use when it runs in worker threads) */
  get classifier(): Classifier {
    this.#classifier.value ??= Classifier.load()
    return this.#classifier.value
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
    this.ctx.logger.info({ port: this.port }, 'labeler listening')
    await this.ctx.firehose.start()
  }

  async destroy(): Promise<void> {
    await this.ctx.firehose.stop()
    await this.#server.close()
    await this.classifyPool?.close()
    await this.store.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
