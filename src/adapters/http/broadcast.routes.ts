import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { BroadcastUseCase } from '../../domain/use-cases/broadcast.use-case.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import { ErrorReply } from './http.schemas.js';
import { idempotently } from './idempotency.js';
import { BroadcastBody, BroadcastReply, IdempotencyHeaders } from './parity.schemas.js';

export interface BroadcastRoutesOptions {
  broadcast: BroadcastUseCase;
  runIdempotently: RunIdempotentlyUseCase;
}

/** `POST /broadcast`: every live connection (of one API and stage, or of all). */
export const broadcastRoutes: FastifyPluginAsyncTypebox<BroadcastRoutesOptions> = async (app, uc) => {
  app.post(
    '/broadcast',
    {
      schema: {
        tags: ['broadcast'],
        summary: 'Send a message to every live connection (of one API and stage, or of every known one)',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: BroadcastBody,
        response: { 200: BroadcastReply, 400: ErrorReply, 401: ErrorReply, 409: ErrorReply, 413: ErrorReply, 422: ErrorReply, 503: ErrorReply },
      },
    },
    async (request, reply) => {
      const { message, apiId, stage, excludeConnectionIds } = request.body;
      return idempotently(request, reply, uc.runIdempotently, () =>
        uc.broadcast.execute({
          message,
          ...(apiId ? { apiId } : {}),
          ...(stage ? { stage } : {}),
          ...(excludeConnectionIds ? { excludeConnectionIds } : {}),
        }),
      );
    },
  );
};
