import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenVerification, TokenVerifier } from '../../ports/token.verifier.js';

/** Longest accepted token lifetime by default (`JWT_MAX_TTL_SECONDS`): 24 hours. */
export const DEFAULT_JWT_MAX_TTL_SECONDS = 86_400;
/** Clock skew tolerated on `exp`, `nbf` and `iat` by default (`JWT_CLOCK_SKEW_SECONDS`). */
export const DEFAULT_JWT_CLOCK_SKEW_SECONDS = 30;

/** How long one JWKS fetch may take; the deployed authorizer's timeout is set well above it. */
export const JWKS_FETCH_TIMEOUT_MS = 3_000;

/** How long a token may live and how far clocks may disagree. */
export interface TokenLifetimePolicy {
  /** `exp - iat` (or `exp - now` without `iat`) must not exceed this. */
  maxTtlSeconds?: number;
  clockSkewSeconds?: number;
}

export type JoseVerifierOptions = TokenLifetimePolicy &
  (
    | /** Local/dev: HS256 with a shared secret. */
    { secret: string; issuer?: string; audience?: string }
    /** Production: keys from a JWKS URL; issuer and audience are required. */
    | { jwksUrl: string; issuer: string; audience: string }
  );

/**
 * Verifies JWTs with `jose`; the subject (`sub`) is the user id. Every token must carry `exp` (a token
 * without one would never expire) and live at most `maxTtlSeconds`.
 */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly maxTtlSeconds: number;
  private readonly clockSkewSeconds: number;

  constructor(private readonly options: JoseVerifierOptions) {
    if ('jwksUrl' in options) {
      // Cached and refreshed by jose; built once per container.
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: JWKS_FETCH_TIMEOUT_MS });
      this.algorithms = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'];
    } else {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    }
    this.maxTtlSeconds = options.maxTtlSeconds ?? DEFAULT_JWT_MAX_TTL_SECONDS;
    this.clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_JWT_CLOCK_SKEW_SECONDS;
  }

  async verify(token: string): Promise<TokenVerification> {
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: this.clockSkewSeconds,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.audience ? { audience: this.options.audience } : {}),
      });
      const now = Math.floor(Date.now() / 1000);
      const exp = payload.exp as number;
      if (payload.iat !== undefined && payload.iat > now + this.clockSkewSeconds) {
        return { valid: false, reason: 'token iat is in the future' };
      }
      const lifetime = payload.iat !== undefined ? exp - payload.iat : exp - now - this.clockSkewSeconds;
      if (lifetime > this.maxTtlSeconds) {
        return { valid: false, reason: `token lives ${lifetime} s, more than the ${this.maxTtlSeconds} s allowed` };
      }
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { valid: false, reason: 'token has no sub' };
      const groups = Array.isArray(payload.groups) ? payload.groups.filter((g): g is string => typeof g === 'string') : undefined;
      return { valid: true, subject: payload.sub, ...(groups ? { groups } : {}) };
    } catch (error) {
      return { valid: false, reason: error instanceof Error ? error.message : 'invalid token' };
    }
  }
}
