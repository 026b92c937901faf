import type { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import type { PreparedBatch } from './labels/auto-labeler.ts'
import type { Logger } from '../shared/logger.ts'
import type { LabelerAuthVerifier } from './auth.ts'
import type { LabelerConfig } from './config.ts'
import type { LabelStore } from './labels/store.ts'
import type { Moderation } from './moderation/index.ts'

export interface LabelerContext {
  cfg: LabelerConfig
  store: LabelStore
  firehose: FirehoseConsumer<Promise<PreparedBatch>>
  logger: Logger
  /** reports intake, review queue, moderator actions, audit log */
  moderation: Moderation
  /** service-auth JWTs addressed to this labeler (createReport) */
  authVerifier: LabelerAuthVerifier
}
