import { GROUP_NAME_PATTERN } from '../model/audience.js';
import { userIdProblem } from '../shared/user-id.js';
import type { TokenVerifier } from '../../ports/token.verifier.js';

export type AuthorizationDecision =
  /** `groups`: the valid group names (or `*`) of the token's `groups` claim: the groups the socket may join. */
  | { allowed: true; userId: string; groups: string[] }
  | { allowed: false; reason: string };

/** Decides whether a client may open a socket: its token must be valid and name a usable user id (`sub`). */
export class AuthorizeConnectionUseCase {
  constructor(private readonly verifier: TokenVerifier) {}

  async execute(token: string | undefined): Promise<AuthorizationDecision> {
    if (!token) return { allowed: false, reason: 'no token' };
    const verification = await this.verifier.verify(token);
    if (!verification.valid) return { allowed: false, reason: verification.reason };
    const userId = verification.subject;
    // The same rule as everywhere else: a `sub` that is not a user id is refused here (401), never later.
    const problem = userIdProblem(userId);
    if (problem) return { allowed: false, reason: `sub ${problem}` };
    const groups = (verification.groups ?? []).filter((g) => g === '*' || GROUP_NAME_PATTERN.test(g));
    return { allowed: true, userId, groups };
  }
}
