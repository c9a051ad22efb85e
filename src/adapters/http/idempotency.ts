import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';

/**
 * Runs a send under the request's `Idempotency-Key` header, if it has one: a repeat gets the first answer
 * with `Idempotent-Replayed: true`. The fingerprint covers the method, the path and the body.
 */
export async function idempotently<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  runIdempotently: RunIdempotentlyUseCase | undefined,
  send: () => Promise<T>,
): Promise<T> {
  const key = request.headers['idempotency-key'];
  if (key === undefined || !runIdempotently) return send();
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('base64url');
  const outcome = await runIdempotently.execute({ key: Array.isArray(key) ? key.join(',') : key, fingerprint }, send);
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return outcome.value;
}
