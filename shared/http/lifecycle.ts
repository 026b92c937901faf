import { ConfigError } from '../config/index.ts'
import { subsystemLogger } from '../logger.ts'

export interface Service {
  start(): Promise<void>
  destroy(): Promise<void>
}

/**
 * The `bin.ts` of a service: builds it, starts it, and stops it gracefully on SIGINT/SIGTERM. A
 * configuration error is printed as plain text on stderr (the first thing an operator sees) and exits
 * with code 78 (EX_CONFIG). Errors that `isConfigError` recognises count as configuration errors too.
 */
export async function runService(name: string, create: () => Promise<Service>, isConfigError: (err: unknown) => boolean = () => false): Promise<void> {
  const log = subsystemLogger(name)
  let service: Service
  try {
    service = await create()
  } catch (err) {
    if (err instanceof ConfigError || isConfigError(err)) {
      process.stderr.write(`${name}: configuration error: ${(err as Error).message}\n`)
      process.exitCode = 78
      return
    }
    throw err
  }
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    await service.destroy()
    log.info('stopped')
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
  await service.start()
}
