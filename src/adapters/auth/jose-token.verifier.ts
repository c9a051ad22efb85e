import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenVerification, TokenVerifier } from '../../ports/token.verifier.js';

export type JoseVerifierOptions =
  /** Local/dev: HS256 with a shared secret. */
  | { secret: string; issuer?: string; audience?: string }
  /** Production: keys from a JWKS URL; issuer and audience are required. */
  | { jwksUrl: string; issuer: string; audience: string };

/** Verifies JWTs with `jose`; the subject (`sub`) is the user id. */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: JoseVerifierOptions) {
    if ('jwksUrl' in options) {
      // Cached and refreshed by jose; built once per container.
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'];
    } else {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string): Promise<TokenVerification> {
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.audience ? { audience: this.options.audience } : {}),
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { valid: false, reason: 'token has no sub' };
      const groups = Array.isArray(payload.groups) ? payload.groups.filter((g): g is string => typeof g === 'string') : undefined;
      return { valid: true, subject: payload.sub, ...(groups ? { groups } : {}) };
    } catch (error) {
      return { valid: false, reason: error instanceof Error ? error.message : 'invalid token' };
    }
  }
}
