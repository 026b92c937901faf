import type { HttpServer } from '../../shared/http/index.ts'
import type { AppContext } from '../context.ts'

/** did:web document for the service DID, with the #bsky_fg service the AppView looks for. */
export default function register(server: HttpServer, ctx: AppContext): void {
  server.get('/.well-known/did.json', () => {
    const { did, publicUrl } = ctx.cfg.service
    if (!did.startsWith('did:web:')) {
      return { status: 404, json: { error: 'NotFound', message: `the service DID ${did} is not a did:web` } }
    }
    return {
      json: {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: publicUrl }],
      },
    }
  })
}
