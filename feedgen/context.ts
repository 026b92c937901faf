import type { IdResolver } from '@atproto/identity'
import type { ServiceAuthVerifier } from '../shared/auth/index.ts'
import type { FirehoseConsumer } from '../shared/firehose/consumer.ts'
import type { Logger } from '../shared/logger.ts'
import type { RepoClient } from '../shared/repo-client.ts'
import type { FeedgenConfig } from './config.ts'
import type { FeedgenDb } from './db/schema.ts'
import type { FeedChanges } from './feeds/changes.ts'
import type { FeedDefinition } from './feeds/definitions.ts'
import type { FeedMatcher } from './feeds/matcher.ts'
import type { FeedPageCache } from './feeds/page-cache.ts'

/** Everything a route needs, built once from the config. */
export interface AppContext {
  cfg: FeedgenConfig
  /** read-only connection for the API (WAL: never blocked by the ingest writer) */
  readDb: FeedgenDb
  /** the writer, for the few things readers write (their "show less" choices) */
  writeDb: FeedgenDb
  feedsByUri: Map<string, FeedDefinition>
  /** the feeds' include rules, for explanations */
  matcher: FeedMatcher
  authVerifier: ServiceAuthVerifier
  idResolver: IdResolver
  /** reads records from users' own PDSes (e.g. a pinned post the feed does not store) */
  repoClient: RepoClient
  firehose: FirehoseConsumer
  logger: Logger
  now: () => number
  /** committed changes per feed (the writers report them; the page cache reads them) */
  feedChanges: FeedChanges
  /** pages served from memory; absent in a process that does not write (`--role api`), which reads every page from the database */
  pageCache: FeedPageCache | undefined
}
