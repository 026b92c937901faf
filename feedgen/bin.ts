import { ConfigError } from '../shared/config/index.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { envToCfg, readEnv } from './config.ts'
import { FeedsFileError } from './feeds/definitions.ts'
import { FeedgenService } from './index.ts'

const log = subsystemLogger('feedgen')

async function main(): Promise<void> {
  let service: FeedgenService
  try {
    service = await FeedgenService.create(envToCfg(readEnv()))
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FeedsFileError) {
      // plain text on stderr: the first thing an operator sees when the start fails
      process.stderr.write(`feedgen: configuration error: ${err.message}\n`)
      process.exitCode = 78
      return
    }
    throw err
  }
  const stop = async (signal: string) => {
    log.info({ signal }, 'stopping')
    await service.destroy()
    log.info('stopped')
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
  await service.start()
}

await main()
