import { safeFetchWrap } from '@atproto-labs/fetch-node'
import { IdResolver, MemoryCache, type IdentityResolverOpts } from '@atproto/identity'
import { AuthRequiredError, verifyJwt } from '@atproto/xrpc-server'
import { verifyJwtSignature } from './verify-signature.ts'
import { setBounded } from '../bounded-map.ts'

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

/** DID documents are refreshed after this long (the signing keys and verified tokens below are kept as long) */
const DID_STALE_MS = 5 * 60_000
const MAX_CACHED_KEYS = 10_000
const MAX_CACHED_TOKENS = 10_000

export function createIdResolver(opts: { plcUrl: string; fetch: FetchFn }): IdResolver {
  // @NOTE DID documents are cached for an hour (stale after 5 minutes, then refreshed in the background);
  // a signature that fails against a cached key is retried once with a fresh document (verifyJwt does this)
  return new IdResolver({
    plcUrl: opts.plcUrl,
    didCache: new MemoryCache(DID_STALE_MS, 60 * 60_000),
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
  /** DID → its signing key (did:key) as resolved at `at`: reading it from the cached document parses the key again each time */
  readonly #keys = new Map<string, { key: string; at: number }>()
  /** `lxm token` → the issuer of a token whose every check passed, the key that verified it, its `exp` (seconds) */
  readonly #verified = new Map<string, { did: string; key: string; exp: number; at: number }>()

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
    // @NOTE a token that passed every check (aud, lxm, exp, signature) is accepted again, byte for byte
    // the same string, until it expires, while the key that verified it is still the issuer's known key
    // (a rotation seen since refuses it) and for at most as long as DID documents are cached: the
    // AppView sends a reader's token with each of their requests. A changed byte is another key.
    // Measured (bench:feed-read): the check was ~10% of an authenticated request's CPU.
    const cacheKey = `${lxm} ${token}`
    const now = Date.now()
    const hit = this.#verified.get(cacheKey)
    if (hit) {
      if (now / 1000 <= hit.exp && now - hit.at < DID_STALE_MS && this.#keys.get(hit.did)?.key === hit.key) return { did: hit.did }
      this.#verified.delete(cacheKey)
    }
    // the key that verified the signature: the last one verifyJwt asked for (a retry asks for a fresh one)
    let usedKey: string | undefined
    const signingKey = async (iss: string, forceRefresh: boolean) => (usedKey = await this.#signingKey(iss.split('#')[0] as string, forceRefresh))
    const payload = await verifyJwt(token, this.#serviceDid, lxm, signingKey, verifyJwtSignature).catch((err: unknown) => {
      if (err instanceof AuthRequiredError) throw err
      throw new AuthRequiredError('poorly formatted jwt', 'BadJwt')
    })
    const did = payload.iss.split('#')[0] as string
    if (usedKey !== undefined) {
      setBounded(this.#verified, cacheKey, { did, key: usedKey, exp: payload.exp, at: now }, MAX_CACHED_TOKENS)
    }
    return { did }
  }

  async #signingKey(did: string, forceRefresh: boolean): Promise<string> {
    const now = Date.now()
    const cached = this.#keys.get(did)
    if (cached && !forceRefresh && now - cached.at < DID_STALE_MS) return cached.key
    let key: string
    try {
      key = await this.#idResolver.did.resolveAtprotoKey(did, forceRefresh)
    } catch (err) {
      throw new AuthRequiredError(`could not resolve the signing key of ${did}`, 'BadJwtSignature', { cause: err })
    }
    setBounded(this.#keys, did, { key, at: now }, MAX_CACHED_KEYS)
    return key
  }
}
