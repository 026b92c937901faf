import { Secp256k1Keypair } from '@atproto/crypto'
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
import { LabelOutbox } from './labels/outbox.ts'
import { LabelStore } from './labels/store.ts'
import { Moderation, type RateLimit } from './moderation/index.ts'

export type { LabelerConfig, LabelerSecrets } from './config.ts'

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
  readonly classifier: Classifier
  /** subscribeLabels: catch-up and live delivery (its `stats` count shared blocks, encodings, drain waits) */
  readonly outbox: LabelOutbox
  readonly #server: HttpServer
  #started = false

  private constructor(cfg: LabelerConfig, ctx: LabelerContext, classifier: Classifier, server: HttpServer, outbox: LabelOutbox) {
    this.cfg = cfg
    this.ctx = ctx
    this.store = ctx.store
    this.classifier = classifier
    this.outbox = outbox
    this.#server = server
  }

  static async create(cfg: LabelerConfig, secrets: LabelerSecrets, opts: LabelerOptions = {}): Promise<LabelerService> {
    const logger = subsystemLogger('labeler')
    const keypair = await Secp256k1Keypair.import(secrets.signingKeyHex)
    const store = await LabelStore.open({ database: cfg.db, src: cfg.did, keypair, now: opts.now, retainEvents: opts.retainEvents })
    const classifier = Classifier.load()
    const auto = new AutoLabeler({ store, classifier, langs: cfg.langs, logger: subsystemLogger('labeler:auto') })
    const firehose = new FirehoseConsumer({
      service: cfg.firehose.url,
      collections: [POST_COLLECTION],
      getCursor: () => auto.getCursor(),
      handleBatch: (events, cursor) => auto.handleBatch(events, cursor),
      logger: subsystemLogger('labeler:firehose'),
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
      { did: cfg.did, key: keypair.did(), rules: classifier.rulesVersion, admin: secrets.adminPassword ? 'on' : 'off (LABELER_ADMIN_PASSWORD unset)' },
      'labeler ready',
    )
    return new LabelerService(cfg, ctx, classifier, server, outbox)
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
    await this.store.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
