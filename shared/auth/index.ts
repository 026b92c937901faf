import { safeFetchWrap } from '@atproto-labs/fetch-node'
import { IdResolver, MemoryCache, type IdentityResolverOpts } from '@atproto/identity'
import { AuthRequiredError, verifyJwt } from '@atproto/xrpc-server'
import { verifyJwtSignature } from './verify-signature.ts'

export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>

/**
 * The fetch used for everything a DID document or another user decides (PDS endpoints, did:web):
 * SSRF-protected unless the operator allows private networks (local development and tests only).
 */
export function createFetch(opts: { allowPrivateNetwork: boolean; timeoutMs?: number }): FetchFn {
  if (opts.allowPrivateNetwork) {
    const timeout = opts.timeoutMs ?? 15_000
    return (input, init) => globalThis.fetch(input, { signal: AbortSignal.timeout(timeout), ...init })
  }
  const safe = safeFetchWrap({ responseMaxSize: 8 * 1024 * 1024, timeout: opts.timeoutMs ?? 15_000, allowImplicitRedirect: true })
  return (input, init) => safe(input, init)
}

export function createIdResolver(opts: { plcUrl: string; fetch: FetchFn }): IdResolver {
  // @NOTE DID documents are cached for an hour (stale after 5 minutes, then refreshed in the background);
  // a signature that fails against a cached key is retried once with a fresh document (verifyJwt does this)
  return new IdResolver({
    plcUrl: opts.plcUrl,
    didCache: new MemoryCache(5 * 60_000, 60 * 60_000),
    fetch: opts.fetch as IdentityResolverOpts['fetch'],
  })
}

export interface VerifiedServiceAuth {
  /** the requesting user's DID (the JWT's iss, without a #service fragment) */
  did: string
}

/**
 * Verifies atproto service-auth JWTs: signature against the issuer's DID document key, `aud` equal
 * to this service's DID, `lxm` equal to the method called, and expiry. Errors are AuthRequiredError
 * with the atproto names (BadJwt, BadJwtSignature, BadJwtAudience, BadJwtLexiconMethod, JwtExpired).
 */
export class ServiceAuthVerifier {
  readonly #serviceDid: string
  readonly #idResolver: IdResolver

  constructor(serviceDid: string, idResolver: IdResolver) {
    this.#serviceDid = serviceDid
    this.#idResolver = idResolver
  }

  /** Returns null when the request carries no Authorization header (anonymous). */
  async verifyOptional(authorization: string | undefined, lxm: string): Promise<VerifiedServiceAuth | null> {
    if (authorization === undefined || authorization === '') return null
    return await this.verify(authorization, lxm)
  }

  async verify(authorization: string | undefined, lxm: string): Promise<VerifiedServiceAuth> {
    if (!authorization) throw new AuthRequiredError('authentication required: send a service-auth JWT', 'AuthMissing')
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim())
    if (!m) throw new AuthRequiredError('Authorization must be "Bearer <service-auth JWT>"', 'BadJwt')
    const token = m[1] as string
    const payload = await verifyJwt(token, this.#serviceDid, lxm, async (iss, forceRefresh) => {
      const did = iss.split('#')[0] as string
      try {
        return await this.#idResolver.did.resolveAtprotoKey(did, forceRefresh)
      } catch (err) {
        throw new AuthRequiredError(`could not resolve the signing key of ${did}`, 'BadJwtSignature', { cause: err })
      }
    }, verifyJwtSignature).catch((err: unknown) => {
      if (err instanceof AuthRequiredError) throw err
      throw new AuthRequiredError('poorly formatted jwt', 'BadJwt')
    })
    return { did: payload.iss.split('#')[0] as string }
  }
}
