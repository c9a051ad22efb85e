import { randomUUID } from 'node:crypto';
import type { LambdaContext } from '../../adapters/lambda/lambda-events.js';

/** API Gateway's integration timeout; handlers see it through `getRemainingTimeInMillis`. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** Calls a handler in-process as Lambda would: async, with a context; a synchronous throw becomes a rejection. */
export async function invokeLambda<E, R>(
  handler: (event: E, context?: LambdaContext) => Promise<R>,
  event: E,
  functionName: string,
): Promise<R> {
  const started = Date.now();
  const context: LambdaContext = {
    awsRequestId: randomUUID(),
    functionName,
    getRemainingTimeInMillis: () => Math.max(0, INTEGRATION_TIMEOUT_MS - (Date.now() - started)),
  };
  return await handler(event, context);
}
