// Child process for the benchmarks: runs one service (the feed generator or the labeler) alone in its
// process, so its memory and CPU can be measured apart from the replay server and the load generator.
// Started through lib.ts startChild('service.ts', [JSON config]).
//
// Messages to the parent: { type: 'ready', port, pid } once listening and consuming; { type: 'status',
// ... } on request ({ type: 'status' }); { type: 'snapshot', file } after { type: 'snapshot', file }
// (a V8 heap snapshot); { type: 'close' } stops the service and exits.

import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import { toParent } from './lib.ts'

export type ServiceConfig =
  | {
      kind: 'feedgen'
      dataDir: string
      firehoseUrl: string
      plcUrl?: string
      feedsYaml: string
      hostname?: string
      /** firehose consumer tuning */
      firehose?: { batchSize?: number; maxQueue?: number }
      /** SQLite WAL checkpoints: SQLite's own after commits, or on a worker thread (FeedgenOptions.walCheckpoint) */
      walCheckpoint?: 'auto' | 'background'
    }
  | {
      kind: 'labeler'
      dataDir: string
      firehoseUrl: string
      plcUrl?: string
      did: string
      signingKey: string
      firehose?: { batchSize?: number; maxQueue?: number }
    }

export interface ServiceStatus {
  type: 'status'
  lastSeq: number
  frames: number
  events: number
  queue: number
  connected: boolean
  malformed: number
  handlerErrors: number
  memory: NodeJS.MemoryUsage
  /** committed size of each V8 heap space, bytes */
  spaces: Record<string, number>
  cpuUs: number
  /** feed generator: its synchronous sections' CPU time and counted events (feedgen/sections.ts) */
  sections?: {
    stats: Record<string, import('../../feedgen/sections.ts').SectionStat>
    events: Record<string, number>
    checkpoints?: import('../../shared/db/index.ts').CheckpointStats
  }
}

export type ServiceMessage = { type: 'ready'; port: number; pid: number } | ServiceStatus | { type: 'snapshot'; file: string }

process.env.LOG_LEVEL ??= 'silent'
const cfgJson = process.argv[2]
if (!cfgJson) throw new Error('service.ts needs its configuration as a JSON argument')
const config = JSON.parse(cfgJson) as ServiceConfig

interface Running {
  port: number
  metrics: () => { lastSeq: number | undefined; frames: number; events: number; queue: number; connected: boolean; malformed: number; handlerErrors: number }
  destroy: () => Promise<void>
  sections?: () => NonNullable<ServiceStatus['sections']>
}

async function start(): Promise<Running> {
  if (config.kind === 'feedgen') {
    const { envToCfg } = await import('../../feedgen/config.ts')
    const { parseFeedsFile } = await import('../../feedgen/feeds/definitions.ts')
    const { FeedgenService } = await import('../../feedgen/index.ts')
    const cfg = envToCfg(
      {
        dataDir: config.dataDir,
        firehoseUrl: config.firehoseUrl,
        plcUrl: config.plcUrl ?? 'http://127.0.0.1:1',
        port: 0,
        hostname: config.hostname ?? 'feeds.bench',
        allowPrivateNetwork: true,
      },
      { feeds: parseFeedsFile(config.feedsYaml, 'bench feeds'), host: '127.0.0.1' },
    )
    const sections = await import('../../feedgen/sections.ts')
    sections.startLoopMonitor()
    const service = await FeedgenService.create(cfg, { firehose: config.firehose, walCheckpoint: config.walCheckpoint })
    await service.start()
    return {
      port: service.port,
      metrics: () => service.ctx.firehose.metrics,
      destroy: () => service.destroy(),
      sections: () => ({ stats: sections.sectionStats(), events: sections.eventCounts(), checkpoints: service.walCheckpoints }),
    }
  }
  const { envToCfg } = await import('../../labeler/config.ts')
  const { LabelerService } = await import('../../labeler/index.ts')
  const { cfg, secrets } = envToCfg(
    {
      dataDir: config.dataDir,
      firehoseUrl: config.firehoseUrl,
      plcUrl: config.plcUrl ?? 'http://127.0.0.1:1',
      port: 0,
      hostname: 'labels.bench',
      did: config.did,
      signingKey: config.signingKey,
      allowPrivateNetwork: true,
    },
    { host: '127.0.0.1' },
  )
  const service = await LabelerService.create(cfg, secrets, { firehose: config.firehose })
  await service.start()
  return { port: service.port, metrics: () => service.ctx.firehose.metrics, destroy: () => service.destroy() }
}

const running = await start()
toParent({ type: 'ready', port: running.port, pid: process.pid })

process.on('message', (msg: { type?: string; file?: string }) => {
  if (msg?.type === 'status') {
    const m = running.metrics()
    const cpu = process.cpuUsage()
    const status: ServiceStatus = {
      type: 'status',
      lastSeq: m.lastSeq ?? 0,
      frames: m.frames,
      events: m.events,
      queue: m.queue,
      connected: m.connected,
      malformed: m.malformed,
      handlerErrors: m.handlerErrors,
      memory: process.memoryUsage(),
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size])),
      cpuUs: cpu.user + cpu.system,
      sections: running.sections?.(),
    }
    toParent(status as unknown as { type: string } & Record<string, unknown>)
  } else if (msg?.type === 'snapshot' && msg.file) {
    const file = writeHeapSnapshot(msg.file)
    toParent({ type: 'snapshot', file })
  } else if (msg?.type === 'close') {
    void running.destroy().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
})
process.on('disconnect', () => {
  void running.destroy().finally(() => process.exit(0))
})
