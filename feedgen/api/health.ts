import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'
import { FIREHOSE_CURSOR_ID } from '../indexer/index.ts'

export default function register(server: HttpServer, ctx: AppContext): void {
  server.get('/xrpc/_health', async () => {
    const { version } = ctx.cfg.service
    const { role } = ctx.cfg
    if (role === 'api') {
      // an api process does not read the firehose: say how far the ingest process has written
      const row = await ctx.readDb.selectFrom('cursor').select('seq').where('id', '=', FIREHOSE_CURSOR_ID).executeTakeFirst()
      return { json: { version, role, firehose: null, indexedSeq: row === undefined ? null : Number(row.seq) } }
    }
    const m = ctx.firehose.metrics
    return {
      json: {
        version,
        role,
        firehose: { connected: m.connected, lastSeq: m.lastSeq ?? null, queue: m.queue, malformed: m.malformed, reconnects: m.reconnects },
      },
    }
  })
}
