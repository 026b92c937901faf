import { InvalidRequestError, ResponseType, XRPCError } from '@atproto/xrpc-server'
import type { HttpServer } from '../../../../../shared/http/index.ts'
import type { LabelerContext } from '../../../../context.ts'
import { InvalidReportError, ReportRateLimitError, ReportRefusedError, reportView } from '../../../../moderation/index.ts'

export const NSID = 'com.atproto.moderation.createReport'

/**
 * Reports and appeals, as the Bluesky app sends them: through the reporter's PDS (`atproto-proxy:
 * <labeler did>#atproto_labeler`), which forwards them with the reporter's service-auth JWT.
 */
export default function register(server: HttpServer, ctx: LabelerContext): void {
  server.procedure(NSID, async ({ req, body }) => {
    const { did } = await ctx.authVerifier.verify(req.headers.authorization, NSID)
    try {
      const { report, duplicate } = await ctx.moderation.reports.create(body, did)
      ctx.logger.info({ report: report.id, reasonType: report.reasonType, duplicate }, duplicate ? 'duplicate report: returning the open one' : 'report received')
      return { json: reportView(report) }
    } catch (err) {
      if (err instanceof InvalidReportError) throw new InvalidRequestError(err.message)
      if (err instanceof ReportRefusedError) throw new InvalidRequestError(err.message, err.code)
      if (err instanceof ReportRateLimitError) throw new XRPCError(ResponseType.RateLimitExceeded, err.message, 'RateLimitExceeded')
      throw err
    }
  })
}
