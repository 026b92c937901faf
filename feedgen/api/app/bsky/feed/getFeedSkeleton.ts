import { AtUri } from '@atproto/syntax'
import { InvalidRequestError } from '@atproto/xrpc-server'
import { InvalidCursorError } from '../../../../../shared/db/index.ts'
import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { AppContext } from '../../../../context.ts'
import { readSkeleton } from '../../../../feeds/skeleton.ts'

export const NSID = 'app.bsky.feed.getFeedSkeleton'

export default function register(server: HttpServer, ctx: AppContext): void {
  server.query(NSID, async ({ params, req }) => {
    const feedParam = params.get('feed')
    if (!feedParam) throw new InvalidRequestError('feed is required (an at:// URI of a feed generator record)')
    let feedUri: string
    try {
      feedUri = new AtUri(feedParam).toString()
    } catch {
      throw new InvalidRequestError('feed must be an at:// URI')
    }
    const feed = ctx.feedsByUri.get(feedUri)
    if (!feed) throw new InvalidRequestError(`unknown feed: ${feedUri}`, 'UnknownFeed')
    const limitParam = params.get('limit')
    let limit = 50
    if (limitParam !== null) {
      if (!/^\d{1,3}$/.test(limitParam) || Number(limitParam) < 1 || Number(limitParam) > 100) {
        throw new InvalidRequestError('limit must be a whole number from 1 to 100')
      }
      limit = Number(limitParam)
    }
    const cursor = params.get('cursor') ?? undefined
    // anonymous requests are served; a token that is present must be valid
    const auth = await ctx.authVerifier.verifyOptional(req.headers.authorization, NSID)
    try {
      const opts = { limit, cursor: cursor === '' ? undefined : cursor, now: ctx.now(), reader: auth?.did }
      const page = ctx.pageCache ? await ctx.pageCache.read(feed, opts) : await readSkeleton(ctx.readDb, feed, opts)
      return { json: page }
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new InvalidRequestError('malformed cursor')
      throw err
    }
  })
}
