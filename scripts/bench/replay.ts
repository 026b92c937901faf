// Child process for the benchmarks: generates a firehose (scripts/bench/firehose.ts) and replays it
// over WebSocket, in its own process so that neither its CPU nor its memory is counted with the
// service being measured. Started by the benchmarks through lib.ts startChild():
//
//   node scripts/bench/replay.ts --pool 200000 [--events 1000000] [--rate 0] [--seed 1]
//                                [--labeller-texts] [--labelled-share 0.02] [--unlabelled-share 0.2]
//
// Messages to the parent: { type: 'ready', port, ... } once serving; { type: 'sent', sent } and
// { type: 'cpu', us } on request ({ type: 'sent' }, { type: 'cpu' }); { type: 'close' } stops it.

import { parseArgs } from 'node:util'
import { generateFirehose, type GenStats } from './firehose.ts'
import { nonNegNumber, posInt, toParent } from './lib.ts'
import { withLabellerTexts, type TextStats } from './replay-frames.ts'
import { serveReplay } from './replay-server.ts'

export interface ReplayReady {
  type: 'ready'
  port: number
  url: string
  /** events this server serves (the pool, repeated in rounds when larger) */
  events: number
  pool: number
  stats: GenStats
  texts: TextStats | null
  benchAuthors: string[]
  publisher: string
  genMs: number
}

export type ReplayMessage = ReplayReady | { type: 'sent'; sent: number } | { type: 'cpu'; us: number }

const { values: args } = parseArgs({
  options: {
    pool: { type: 'string', default: '200000' },
    events: { type: 'string' },
    rate: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'labeller-texts': { type: 'boolean', default: false },
    'labelled-share': { type: 'string', default: '0.02' },
    'unlabelled-share': { type: 'string', default: '0.2' },
  },
})

const pool = posInt('pool', args.pool)
const events = args.events === undefined ? pool : posInt('events', args.events)
const rate = nonNegNumber('rate', args.rate)

const t0 = performance.now()
const gen = await generateFirehose({ events: pool, seed: posInt('seed', args.seed) })
const texts = args['labeller-texts']
  ? await withLabellerTexts(gen, { labelled: nonNegNumber('labelled-share', args['labelled-share']), unlabelled: nonNegNumber('unlabelled-share', args['unlabelled-share']) })
  : null
const genMs = performance.now() - t0
const server = await serveReplay(gen.frames, { events, rate })

const ready: ReplayReady = {
  type: 'ready',
  port: server.port,
  url: server.url,
  events,
  pool,
  stats: gen.stats,
  texts,
  benchAuthors: gen.benchAuthors,
  publisher: gen.publisher,
  genMs,
}
toParent(ready as unknown as { type: string } & Record<string, unknown>)

process.on('message', (msg: { type?: string }) => {
  if (msg?.type === 'sent') toParent({ type: 'sent', sent: server.sent() })
  else if (msg?.type === 'cpu') {
    const u = process.cpuUsage()
    toParent({ type: 'cpu', us: u.user + u.system })
  } else if (msg?.type === 'close') {
    void server.close().then(() => process.exit(0))
  }
})
process.on('disconnect', () => process.exit(0))
