// `npm run demo`: the whole of Plein on this machine in one command. A local PLC directory and PDS,
// the labeler and the feed generator on the PDS's firehose, and a seeded neighbourhood; prints the
// pages to open. Everything listens on 127.0.0.1 and lives in temp dirs that are removed on Ctrl-C.
//
//   npm run demo                      # seed, print the URLs, keep running until Ctrl-C
//   npm run demo -- --live            # and post a new message every 5 s
//   npm run demo -- --live --interval 2 --no-quiet-hours
//
// FEEDGEN_PORT / LABELER_PORT pick the ports (default 3000 / 3001 when free, else free ones).
// LOG_LEVEL (default warn) sets the services' log level.
import { parseArgs } from 'node:util'
import type { Demo } from './demo/index.ts'

const USAGE = `usage: npm run demo -- [--live] [--interval SECONDS] [--no-quiet-hours]

  --live             keep posting a new message every few seconds (some get labelled)
  --interval N       seconds between live posts (default 5)
  --no-quiet-hours   leave out the buurt feed's quiet hours (23:00-07:00), e.g. for a demo at night

  FEEDGEN_PORT, LABELER_PORT   ports (default 3000 and 3001 when free, else free ports)
  LOG_LEVEL                    the services' log level (default warn)
`

function fail(msg: string, code: number): never {
  process.stderr.write(`demo: ${msg}\n`)
  process.exit(code)
}

let args: { live?: boolean; interval?: string; 'no-quiet-hours'?: boolean; help?: boolean }
try {
  args = parseArgs({
    options: {
      live: { type: 'boolean' },
      interval: { type: 'string' },
      'no-quiet-hours': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values
} catch (err) {
  fail(`${(err as Error).message}\n\n${USAGE}`, 64)
}
if (args.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
const interval = args.interval === undefined ? 5 : Number(args.interval)
if (!Number.isFinite(interval) || interval < 0.5) fail(`--interval must be a number of seconds (at least 0.5), got "${args.interval}"`, 64)
const port = (name: string): number | undefined => {
  const v = process.env[name]
  if (v === undefined || v === '') return undefined
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) fail(`${name} must be a port number, got "${v}"`, 78)
  return Number(v)
}
const ports = { feedgen: port('FEEDGEN_PORT'), labeler: port('LABELER_PORT') }

const say = (line: string) => process.stdout.write(`${line}\n`)

// Ctrl-C during the start waits for the start to finish, then stops everything
let demo: Demo | undefined
let starting: Promise<Demo> | undefined
let stopping = false
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) {
    process.stderr.write(`demo: ${signal} again, exiting without cleaning up\n`)
    process.exit(1)
  }
  stopping = true
  say('\nstopping…')
  setTimeout(() => fail('did not stop within 15 s', 1), 15_000).unref()
  await starting?.catch(() => {})
  await demo?.close()
  say('stopped.')
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))

const { startDemo } = await import('./demo/index.ts')
starting = startDemo({
  live: args.live,
  liveIntervalMs: interval * 1000,
  ports,
  quietHours: !args['no-quiet-hours'],
  log: (line) => say(`  ${line}`),
})
try {
  demo = await starting
} catch (err) {
  if (stopping) await new Promise(() => {}) // stop() exits
  const e = err as Error
  fail(`could not start: ${e.name === 'DemoError' ? e.message : (e.stack ?? String(e))}`, 1)
}
if (!stopping) await printSummary(demo)

async function printSummary(d: Demo): Promise<void> {
  const { feedState } = await import('../feedgen/feeds/skeleton.ts')
  const feeds = d.feedgen.service.cfg.feeds.feeds
  const labelled = d.posts.filter((p) => p.labels.length > 0)
  const q = (uri: string) => encodeURIComponent(uri)
  const pad = (s: string, n: number) => s.padEnd(n)
  const lines: string[] = []
  lines.push('', 'Plein demo is running on 127.0.0.1. Stop it with Ctrl-C.', '')
  lines.push(`Feed generator   ${d.feedgenUrl}/`)
  for (const f of feeds) lines.push(`  ${pad(f.id, 14)} ${d.feedgenUrl}/feeds/${f.id}   (${f.name})`)
  lines.push(`  explain        ${d.feedgenUrl}/feeds/buurt/explain?uri=${q(d.labelledPostUri)}`)
  lines.push('')
  lines.push(`Labeler          ${d.labelerUrl}/`)
  lines.push(`  a labelled post  ${d.labelerUrl}/labels?uri=${q(d.labelledPostUri)}`)
  lines.push('')
  lines.push(
    `Seeded ${d.posts.length} posts over the last 48 hours by ${Object.keys(d.accounts).length - 1} accounts; the labeler marked ${labelled.length} of them ` +
      `(${labelled.map((p) => p.labels.join('/')).join(', ')}), which the buurt feed leaves out.`,
  )
  const buurt = feeds.find((f) => f.id === 'buurt')
  if (buurt?.wellbeing.quietHours && feedState(buurt, Date.now()).quiet) {
    lines.push(
      `The buurt feed is resting now (${buurt.wellbeing.quietHours.from}-${buurt.wellbeing.quietHours.to}, ${buurt.wellbeing.timezone}): ` +
        'it shows only its pinned post. Run with --no-quiet-hours to see its posts.',
    )
  }
  lines.push('Accounts:')
  for (const a of Object.values(d.accounts)) lines.push(`  @${pad(a.handle, 28)} ${a.displayName}`)
  lines.push(`Local PDS ${d.pdsUrl}, PLC ${d.plcUrl}`)
  if (args.live) lines.push('', `Live: a new post every ${interval} s.`)
  say(lines.join('\n'))
}
