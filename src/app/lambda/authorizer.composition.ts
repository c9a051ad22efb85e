import { JoseTokenVerifier } from '../../adapters/auth/jose-token.verifier.js';
import { AuthorizeConnectionUseCase } from '../../domain/use-cases/authorize-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import type { TokenVerifier } from '../../ports/token.verifier.js';
import { loadAuthorizerConfig } from '../config.js';
import { lambdaLogger, lambdaMetrics } from './lambda-environment.js';

/** The `$connect` authorizer's dependencies: a token verifier and a logger; no storage, no messenger. */
export function composeAuthorizer(): { authorize: AuthorizeConnectionUseCase; logger: Logger; metrics: LambdaMetrics } {
  return { authorize: new AuthorizeConnectionUseCase(tokenVerifier()), logger: lambdaLogger(), metrics: lambdaMetrics() };
}

/** HS256 with JWT_SECRET, or JWKS + issuer + audience. */
function tokenVerifier(): TokenVerifier {
  const jwt = loadAuthorizerConfig();
  const lifetime = { maxTtlSeconds: jwt.maxTtlSeconds, clockSkewSeconds: jwt.clockSkewSeconds };
  if (jwt.jwksUrl) return new JoseTokenVerifier({ ...lifetime, jwksUrl: jwt.jwksUrl, issuer: jwt.issuer ?? '', audience: jwt.audience ?? '' });
  return new JoseTokenVerifier({
    ...lifetime,
    secret: jwt.secret ?? '',
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  });
}
