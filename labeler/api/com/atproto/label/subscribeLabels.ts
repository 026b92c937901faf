import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { LabelerContext } from '../../../../context.ts'
import { errorFrame, type LabelOutbox } from '../../../../labels/outbox.ts'

export const NSID = 'com.atproto.label.subscribeLabels'

export default function register(server: HttpServer, ctx: LabelerContext, outbox: LabelOutbox): void {
  server.subscription(NSID, (ws, { params }) => {
    const raw = params.get('cursor')
    let cursor: number | undefined
    if (raw !== null) {
      if (!/^\d{1,15}$/.test(raw)) {
        ws.send(errorFrame('InvalidRequest', 'cursor must be a non-negative whole number'))
        ws.close(1008)
        return
      }
      cursor = Number(raw)
    }
    void outbox.serve(ws, cursor).catch((err: unknown) => {
      ctx.logger.error({ err }, 'subscribeLabels failed')
      ws.close(1011)
    })
  })
}
