import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { AppContext } from '../../../../context.ts'

export const NSID = 'app.bsky.feed.describeFeedGenerator'

export default function register(server: HttpServer, ctx: AppContext): void {
  server.query(NSID, () => ({
    json: {
      did: ctx.cfg.service.did,
      feeds: ctx.cfg.feeds.feeds.map((f) => ({ uri: f.uri })),
    },
  }))
}
