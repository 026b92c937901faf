import { runService } from '../shared/http/lifecycle.ts'
import { envToCfg, readEnv } from './config.ts'
import { FeedsFileError } from './feeds/definitions.ts'
import { FeedgenService } from './index.ts'

await runService('feedgen', () => FeedgenService.create(envToCfg(readEnv())), (err) => err instanceof FeedsFileError)
