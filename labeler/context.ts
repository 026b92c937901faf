import type { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import type { Logger } from '../shared/logger.ts'
import type { LabelerConfig } from './config.ts'
import type { LabelStore } from './labels/store.ts'

export interface LabelerContext {
  cfg: LabelerConfig
  store: LabelStore
  firehose: FirehoseConsumer
  logger: Logger
}
