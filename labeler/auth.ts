import { AuthRequiredError } from '@atproto/xrpc-server'
import { ServiceAuthVerifier, type VerifiedServiceAuth } from '../shared/auth/index.ts'
import type { IdResolver } from '@atproto/identity'

export const LABELER_SERVICE_ID = 'atproto_labeler'

/**
 * Service-auth JWTs addressed to this labeler. A PDS that proxies a call (`atproto-proxy:
 * <did>#atproto_labeler`) signs it with `aud` = the bare DID (what @atproto/pds does today); the
 * service-auth update moves to `<did>#atproto_labeler`. Both are accepted, nothing else.
 */
export class LabelerAuthVerifier {
  readonly #bare: ServiceAuthVerifier
  readonly #withService: ServiceAuthVerifier

  constructor(did: string, idResolver: IdResolver) {
    this.#bare = new ServiceAuthVerifier(did, idResolver)
    this.#withService = new ServiceAuthVerifier(`${did}#${LABELER_SERVICE_ID}`, idResolver)
  }

  async verify(authorization: string | undefined, lxm: string): Promise<VerifiedServiceAuth> {
    try {
      return await this.#bare.verify(authorization, lxm)
    } catch (err) {
      // @NOTE the audience is checked before the signature, so this costs no second key lookup
      if (err instanceof AuthRequiredError && err.payload.error === 'BadJwtAudience') return await this.#withService.verify(authorization, lxm)
      throw err
    }
  }
}
