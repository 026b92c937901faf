import type { HttpServer } from '../../shared/http/index.ts'
import type { LabelerContext } from '../context.ts'
import type { LabelOutbox } from '../labels/outbox.ts'
import admin from './admin.ts'
import queryLabels from './com/atproto/label/queryLabels.ts'
import subscribeLabels from './com/atproto/label/subscribeLabels.ts'
import createReport from './com/atproto/moderation/createReport.ts'
import pages from './pages.ts'

export function registerRoutes(server: HttpServer, ctx: LabelerContext, outbox: LabelOutbox, opts: { adminPassword?: string } = {}): void {
  queryLabels(server, ctx)
  subscribeLabels(server, ctx, outbox)
  createReport(server, ctx)
  admin(server, ctx, opts.adminPassword)
  pages(server, ctx)
  server.get('/xrpc/_health', async () => {
    const m = ctx.firehose.metrics
    return {
      json: {
        version: ctx.cfg.service.version,
        did: ctx.cfg.did,
        latestSeq: await ctx.store.getLatestSeq(),
        firehose: { connected: m.connected, lastSeq: m.lastSeq ?? null, queue: m.queue, malformed: m.malformed, reconnects: m.reconnects },
      },
    }
  })
}
