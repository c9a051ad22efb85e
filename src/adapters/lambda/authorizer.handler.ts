import type { AuthorizeConnectionUseCase } from '../../domain/use-cases/authorize-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import { composeAuthorizer } from '../../app/lambda/authorizer.composition.js';
import type { AuthorizerHandler } from './lambda-events.js';
import { observeAuthorizer, refusalCategory } from './lambda-observability.js';
import { header, once } from './lambda-support.js';

/** REQUEST authorizer of `$connect`: token from `?token=` or `Authorization: Bearer`; `sub` is the userId. */
export function createAuthorizerHandler(authorize: AuthorizeConnectionUseCase, logger: Logger, metrics?: Metrics): AuthorizerHandler {
  return async (event) => {
    const methodArn: unknown = event?.methodArn;
    const query: unknown = event?.queryStringParameters?.token;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(event?.headers, 'authorization') ?? '')?.[1];
    let decision: Awaited<ReturnType<AuthorizeConnectionUseCase['execute']>>;
    let failedWith: string | undefined;
    try {
      decision =
        typeof methodArn !== 'string' || methodArn.length === 0
          ? { allowed: false, reason: 'event has no methodArn' }
          : await authorize.execute(typeof query === 'string' && query ? query : bearer);
    } catch (error) {
      decision = { allowed: false, reason: error instanceof Error ? error.message : 'authorization failed' };
      failedWith = 'error';
    }
    if (!decision.allowed) {
      metrics?.count('authorizer_refusals', { reason: failedWith ?? refusalCategory(decision.reason) });
      logger.info('connection refused by the authorizer', { reason: decision.reason, methodArn: typeof methodArn === 'string' ? methodArn : undefined });
      throw new Error('Unauthorized'); // API Gateway answers 401
    }
    return {
      principalId: decision.userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn as string }],
      },
      // Group names never contain a comma; `$default` reads the list back on every message.
      context: { userId: decision.userId, ...(decision.groups.length > 0 ? { groups: decision.groups.join(',') } : {}) },
    };
  };
}

export const handler: AuthorizerHandler = once(() => {
  const { authorize, logger, metrics } = composeAuthorizer();
  return observeAuthorizer(createAuthorizerHandler(authorize, logger, metrics), metrics);
});
