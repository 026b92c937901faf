import { isValidDid } from '@atproto/syntax'
import { InvalidRequestError } from '@atproto/xrpc-server'
import { InvalidCursorError } from '../../../../../shared/db/index.ts'
import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { LabelerContext } from '../../../../context.ts'
import { labelToJson } from '../../../../../shared/labels/signing.ts'

export const NSID = 'com.atproto.label.queryLabels'

/**
 * Current labels for URIs: `uriPatterns` are exact URIs or prefixes ending in `*` (the only
 * wildcard); `sources` filters by labeler DID; expired and negated labels are not served.
 */
export default function register(server: HttpServer, ctx: LabelerContext): void {
  server.query(NSID, async ({ params }) => {
    const uriPatterns = params.getAll('uriPatterns')
    if (uriPatterns.length === 0) throw new InvalidRequestError('uriPatterns is required (one or more URIs, or prefixes ending in *)')
    if (uriPatterns.length > 100) throw new InvalidRequestError('at most 100 uriPatterns')
    for (const p of uriPatterns) {
      if (p === '' || p.length > 3000) throw new InvalidRequestError('each uriPattern must be 1–3000 characters')
      if (p.slice(0, -1).includes('*')) throw new InvalidRequestError(`"*" is only allowed at the end of a pattern: ${p}`)
    }
    const sources = params.getAll('sources')
    for (const s of sources) if (!isValidDid(s)) throw new InvalidRequestError(`sources must be DIDs, got "${s}"`)
    const limitParam = params.get('limit')
    let limit = 50
    if (limitParam !== null) {
      if (!/^\d{1,3}$/.test(limitParam) || Number(limitParam) < 1 || Number(limitParam) > 250) {
        throw new InvalidRequestError('limit must be a whole number from 1 to 250')
      }
      limit = Number(limitParam)
    }
    const cursor = params.get('cursor') || undefined
    try {
      const res = await ctx.store.queryLabels({ uriPatterns, sources: sources.length > 0 ? sources : undefined, limit, cursor })
      const body: { labels: Record<string, unknown>[]; cursor?: string } = { labels: res.labels.map(labelToJson) }
      if (res.cursor) body.cursor = res.cursor
      return { json: body }
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new InvalidRequestError('malformed cursor')
      throw err
    }
  }, { repeatable: ['uriPatterns', 'sources'] })
}
