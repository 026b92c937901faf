import { pino, type Logger } from 'pino'

// One root logger; subsystems get a child with a name ("feedgen:indexer", "shared:firehose", …).
// Secrets are redacted wherever they might end up in a log object.
export const rootLogger: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  base: undefined,
  redact: {
    paths: ['*.password', '*.signingKey', '*.adminPassword', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
    censor: '[redacted]',
  },
})

export function subsystemLogger(name: string): Logger {
  return rootLogger.child({ name })
}

export type { Logger }
