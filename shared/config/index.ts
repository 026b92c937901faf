// Environment helpers. readEnv() functions map variables with these; validation happens in envToCfg()
// so that a bad setting fails at start with a message that names it.

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

export function envStr(env: Env, name: string): string | undefined {
  const v = env[name]
  if (v === undefined) return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

export function envInt(env: Env, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = envStr(env, name)
  if (v === undefined) return undefined
  if (!/^-?\d+$/.test(v)) throw new ConfigError(`${name} must be a whole number, got "${v}"`)
  const n = Number(v)
  if (opts.min !== undefined && n < opts.min) throw new ConfigError(`${name} must be at least ${opts.min}, got ${n}`)
  if (opts.max !== undefined && n > opts.max) throw new ConfigError(`${name} must be at most ${opts.max}, got ${n}`)
  return n
}

export function envBool(env: Env, name: string): boolean | undefined {
  const v = envStr(env, name)
  if (v === undefined) return undefined
  if (/^(1|true|yes|on)$/i.test(v)) return true
  if (/^(0|false|no|off)$/i.test(v)) return false
  throw new ConfigError(`${name} must be true or false, got "${v}"`)
}

export function envList(env: Env, name: string): string[] | undefined {
  const v = envStr(env, name)
  if (v === undefined) return undefined
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** Checks a URL setting; `protocols` like ['ws:', 'wss:']. */
export function checkUrl(name: string, value: string, protocols: string[]): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${value}"`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}, got "${value}"`)
  }
  return url
}

/** Parses durations like "48h", "90m", "2d", "30s" into milliseconds. */
export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim())
  if (!m) return undefined
  const n = Number(m[1])
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd']
  return n * unit
}

/** Settings both services read the same way. */
export interface CommonEnv {
  firehoseUrl?: string
  plcUrl?: string
  allowPrivateNetwork?: boolean
}

export function readCommonEnv(env: Env): CommonEnv {
  return {
    firehoseUrl: envStr(env, 'FIREHOSE_URL'),
    plcUrl: envStr(env, 'PLC_URL'),
    allowPrivateNetwork: envBool(env, 'ALLOW_PRIVATE_NETWORK'),
  }
}

/** FIREHOSE_URL, PLC_URL and ALLOW_PRIVATE_NETWORK, checked, with their defaults. */
export function commonCfg(env: CommonEnv): { firehose: { url: string }; identity: { plcUrl: string; allowPrivateNetwork: boolean } } {
  const url = env.firehoseUrl ?? 'wss://bsky.network'
  checkUrl('FIREHOSE_URL', url, ['ws:', 'wss:', 'http:', 'https:'])
  const plcUrl = (env.plcUrl ?? 'https://plc.directory').replace(/\/+$/, '')
  checkUrl('PLC_URL', plcUrl, ['http:', 'https:'])
  return { firehose: { url }, identity: { plcUrl, allowPrivateNetwork: env.allowPrivateNetwork ?? false } }
}
