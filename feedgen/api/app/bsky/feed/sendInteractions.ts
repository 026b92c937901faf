import { AtUri } from '@atproto/syntax'
import { InvalidRequestError } from '@atproto/xrpc-server'
import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { AppContext } from '../../../../context.ts'
import type { FeedDefinition } from '../../../../feeds/definitions.ts'

export const NSID = 'app.bsky.feed.sendInteractions'

const REQUEST_LESS = 'app.bsky.feed.defs#requestLess'
const REQUEST_MORE = 'app.bsky.feed.defs#requestMore'

/**
 * Readers' own control: "show less like this" on a post hides that post's author from this reader in
 * this feed; "show more" undoes it. Every other interaction (seen, liked, clicked…) is accepted and
 * dropped: no engagement signal is stored.
 */
export default function register(server: HttpServer, ctx: AppContext): void {
  server.procedure(NSID, async ({ req, body }) => {
    const { did: reader } = await ctx.authVerifier.verify(req.headers.authorization, NSID)
    if (typeof body !== 'object' || body === null) throw new InvalidRequestError('body must be a JSON object with interactions')
    const input = body as { feed?: unknown; interactions?: unknown }
    if (!Array.isArray(input.interactions)) throw new InvalidRequestError('interactions must be a list')
    if (input.interactions.length > 100) throw new InvalidRequestError('at most 100 interactions at a time')
    let bodyFeed: FeedDefinition | undefined
    if (input.feed !== undefined) {
      if (typeof input.feed !== 'string') throw new InvalidRequestError('feed must be an at:// URI')
      bodyFeed = ctx.feedsByUri.get(input.feed)
      if (!bodyFeed) throw new InvalidRequestError(`unknown feed: ${input.feed}`, 'UnknownFeed')
    }
    const now = ctx.now()
    const changes: { feed: string; author: string; less: boolean }[] = []
    for (const [i, raw] of input.interactions.entries()) {
      if (typeof raw !== 'object' || raw === null) throw new InvalidRequestError(`interactions[${i}] must be an object`)
      const it = raw as { item?: unknown; event?: unknown; feedContext?: unknown }
      if (it.event !== REQUEST_LESS && it.event !== REQUEST_MORE) continue
      if (typeof it.item !== 'string') throw new InvalidRequestError(`interactions[${i}].item must be a post URI`)
      let author: string
      try {
        const uri = new AtUri(it.item)
        if (!uri.host.startsWith('did:') || uri.collection !== 'app.bsky.feed.post') throw new Error()
        author = uri.host
      } catch {
        throw new InvalidRequestError(`interactions[${i}].item must be an at:// URI of a post`)
      }
      // which feed: the request's `feed`, or the feed id we put in feedContext ("<feed id>|<why>")
      const fromContext = typeof it.feedContext === 'string' ? ctx.cfg.feeds.feeds.find((f) => f.id === (it.feedContext as string).split('|')[0]) : undefined
      const feed = bodyFeed ?? fromContext
      if (!feed) throw new InvalidRequestError(`interactions[${i}]: say which feed (feed, or the feedContext this service sent)`, 'UnknownFeed')
      changes.push({ feed: feed.id, author, less: it.event === REQUEST_LESS })
    }
    if (changes.length > 0) {
      await ctx.writeDb.transaction().execute(async (trx) => {
        for (const c of changes) {
          if (c.less) {
            await trx
              .insertInto('reader_mute')
              .values({ feed: c.feed, reader, author: c.author, created_at: now })
              .onConflict((oc) => oc.columns(['feed', 'reader', 'author']).doUpdateSet({ created_at: now }))
              .execute()
          } else {
            await trx.deleteFrom('reader_mute').where('feed', '=', c.feed).where('reader', '=', reader).where('author', '=', c.author).execute()
          }
        }
      })
      for (const c of changes) ctx.pageCache?.forgetMutes(c.feed, reader)
    }
    return { json: {} }
  })
}
