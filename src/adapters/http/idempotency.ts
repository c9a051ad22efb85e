import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import { withRequestId } from './correlation.js';
import { rateLimitKey } from './rate-limit.js';

/**
 * Runs a send under the request's `Idempotency-Key` header, if it has one: a repeat gets the first answer
 * with `Idempotent-Replayed: true`. The fingerprint covers the method, the path and the body; the key is scoped
 * by the caller (a SHA-256 digest of the presented API key, never the key itself), so two API keys that pick
 * the same `Idempotency-Key` never see each other's answers.
 */
export async function idempotently<T extends object>(
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
  const outcome = await runIdempotently.execute(
    { key: Array.isArray(key) ? key.join(',') : key, fingerprint, caller: rateLimitKey(request) },
    // The stored answer keeps the first request's id: a replay answers it as it was, and that id finds the sends' log lines.
    async () => withRequestId(request.id, await send()),
  );
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  // The first answer was too large to keep whole: this replay has its totals and at most 100 failures.
  if (outcome.replayed && outcome.summary) reply.header('idempotent-replay-summary', 'true');
  return outcome.value;
}
