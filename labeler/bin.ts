import { ConfigError } from '../shared/config/index.ts'
import { subsystemLogger } from '../shared/logger.ts'
import { envToCfg, readEnv } from './config.ts'
import { LabelerService } from './index.ts'

const log = subsystemLogger('labeler')

async function main(): Promise<void> {
  let service: LabelerService
  try {
    const { cfg, secrets } = envToCfg(readEnv())
    service = await LabelerService.create(cfg, secrets)
  } catch (err) {
    if (err instanceof ConfigError) {
      // plain text on stderr: the first thing an operator sees when the start fails
      process.stderr.write(`labeler: configuration error: ${err.message}\n`)
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
