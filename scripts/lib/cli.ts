// Small pieces shared by the operator scripts (publish-feeds, setup-labeler): argument errors, exit
// codes, terminal prompts (with hidden input for passwords) and the top-level error handler.

import { createInterface } from 'node:readline/promises'
import { ConfigError } from '../../shared/config/index.ts'

/** sysexits(3) codes, as the services use them (78 = configuration error). */
export const EXIT = {
  failure: 1,
  /** bad command-line arguments */
  usage: 64,
  /** try again later / run again with more input (e.g. the emailed code) */
  retry: 75,
  /** a missing or bad setting */
  config: 78,
} as const

/** An error meant for the operator: printed without a stack, with its exit code. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message)
    this.exitCode = exitCode
  }
}

export interface Io {
  stdin: NodeJS.ReadStream
  /** prompts go here, so stdout stays the script's output */
  stderr: NodeJS.WriteStream
}

const defaultIo = (): Io => ({ stdin: process.stdin, stderr: process.stderr })

export function isInteractive(io: Io = defaultIo()): boolean {
  return io.stdin.isTTY === true
}

/** Asks a question on the terminal; the answer is trimmed. */
export async function prompt(question: string, io: Io = defaultIo()): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true })
  try {
    return (await rl.question(question)).trim()
  } finally {
    rl.close()
  }
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptHidden(question: string, io: Io = defaultIo()): Promise<string> {
  const { stdin, stderr } = io
  // @NOTE raw mode before the question: input typed (or pasted) right after it is never echoed
  stdin.setRawMode(true)
  stderr.write(question)
  return await new Promise<string>((resolve, reject) => {
    let value = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      stderr.write('\n')
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish()
          resolve(value.trim())
          return
        }
        if (ch === '\u0003') {
          finish()
          reject(new CliError('cancelled', 130))
          return
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('')
        else if (ch >= ' ') value += ch
      }
    }
    stdin.resume()
    stdin.on('data', onData)
  })
}

/**
 * A setting from the environment, else asked on the terminal. Without a terminal a missing setting
 * is a clear configuration error (never a hanging prompt).
 */
export async function settingOrPrompt(
  env: NodeJS.ProcessEnv,
  name: string,
  question: string,
  opts: { hidden?: boolean; help?: string; io?: Io } = {},
): Promise<string> {
  const value = env[name]?.trim()
  if (value) return value
  const io = opts.io ?? defaultIo()
  if (!isInteractive(io)) {
    throw new CliError(`${name} is not set, and there is no terminal to ask for it: set ${name}${opts.help ? ` (${opts.help})` : ''}`, EXIT.config)
  }
  const answer = opts.hidden ? await promptHidden(question, io) : await prompt(question, io)
  if (!answer) throw new CliError(`no ${name} given`, EXIT.config)
  return answer
}

/** The message and exit code for any error that reaches the top of a script. */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode }
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'FeedsFileError')) {
    return { message: `configuration error: ${err.message}`, exitCode: EXIT.config }
  }
  const code = (err as { code?: unknown } | null)?.code
  if (err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return { message: `${err.message} (see --help)`, exitCode: EXIT.usage }
  }
  if (err instanceof Error) {
    // XRPC errors carry the lexicon error name (e.g. InvalidToken, RecordNotFound)
    const name = (err as { error?: unknown }).error
    return { message: typeof name === 'string' && name !== err.message ? `${name}: ${err.message}` : err.message, exitCode: EXIT.failure }
  }
  return { message: String(err), exitCode: EXIT.failure }
}

/** Runs a script's main function: errors become one line on stderr and an exit code. */
export function runMain(script: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code
    },
    (err: unknown) => {
      const { message, exitCode } = describeError(err)
      process.stderr.write(`${script}: ${message}\n`)
      process.exitCode = exitCode
    },
  )
}
