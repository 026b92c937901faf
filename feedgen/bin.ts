import { runService } from '../shared/http/lifecycle.ts'
import { envToCfg, readArgs, readEnv } from './config.ts'
import { FeedsFileError } from './feeds/definitions.ts'
import { FeedgenService } from './index.ts'

// node feedgen/bin.ts [--role api|ingest|all]
await runService('feedgen', async () => FeedgenService.create(envToCfg({ ...readEnv(), ...readArgs(process.argv.slice(2)) })), (err) => err instanceof FeedsFileError)
