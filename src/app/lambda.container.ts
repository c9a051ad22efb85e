import type { DependencyContainer } from 'tsyringe';
import { JoseTokenVerifier } from '../adapters/auth/jose-token.verifier.js';
import type { TokenVerifier } from '../ports/token.verifier.js';
import { loadAuthorizerConfig, loadCoreConfig } from './config.js';
import { createContainer } from './container.js';

let container: DependencyContainer | undefined;

/** One container per Lambda execution environment, from the validated environment. */
export function lambdaContainer(): DependencyContainer {
  return (container ??= createContainer(loadCoreConfig()));
}

/** The authorizer's token verifier: HS256 with JWT_SECRET, or JWKS + issuer + audience. */
export function lambdaTokenVerifier(): TokenVerifier {
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
