import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'
import describeFeedGenerator from './app/bsky/feed/describeFeedGenerator.ts'
import getFeedSkeleton from './app/bsky/feed/getFeedSkeleton.ts'
import explain from './explain.ts'
import health from './health.ts'
import pages from './pages.ts'
import sendInteractions from './app/bsky/feed/sendInteractions.ts'
import wellKnown from './well-known.ts'

/** Every route for the `all` and `api` roles; an `ingest` process answers only /xrpc/_health. */
export function registerRoutes(server: HttpServer, ctx: AppContext): void {
  health(server, ctx)
  if (ctx.cfg.role === 'ingest') return
  getFeedSkeleton(server, ctx)
  describeFeedGenerator(server, ctx)
  sendInteractions(server, ctx)
  explain(server, ctx, ctx.matcher)
  pages(server, ctx)
  wellKnown(server, ctx)
}
