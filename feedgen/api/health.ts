import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'

export default function register(server: HttpServer, ctx: AppContext): void {
  server.get('/xrpc/_health', () => {
    const m = ctx.firehose.metrics
    return {
      json: {
        version: ctx.cfg.service.version,
        firehose: { connected: m.connected, lastSeq: m.lastSeq ?? null, queue: m.queue, malformed: m.malformed, reconnects: m.reconnects },
      },
    }
  })
}
