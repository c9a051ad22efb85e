/** Outcome of checking a client's token: a bad token is an expected outcome, not an exception. */
export type TokenVerification =
  /** `groups`: the token's `groups` claim (the groups its socket may join), when it has one. */
  | { valid: true; subject: string; groups?: string[] }
  | { valid: false; reason: string };

/** Verifies the bearer token a WebSocket client presents at `$connect`. */
export interface TokenVerifier {
  verify(token: string): Promise<TokenVerification>;
}

export const TOKEN_VERIFIER = Symbol.for('socketpost.TokenVerifier');
