import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { BroadcastUseCase } from '../../domain/use-cases/broadcast.use-case.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import { idempotently } from './idempotency.js';
import { BroadcastBody, BroadcastReply, IdempotencyHeaders } from './parity.schemas.js';
import { routeResponses } from './route-responses.js';

/** Exactly the statuses it can answer (no path parameter, so no 414; an Idempotency-Key: 409, 422). */
const BROADCAST_ERRORS = [400, 401, 409, 413, 415, 422, 429, 503];

export interface BroadcastRoutesOptions {
  broadcast: BroadcastUseCase;
  runIdempotently: RunIdempotentlyUseCase;
  /** Stops sends still running when the service shuts down (they answer with what is known). */
  shutdown?: StopSignal;
}

/** `POST /broadcast`: every live connection (of one API and stage, or of all). */
export const broadcastRoutes: FastifyPluginAsyncTypebox<BroadcastRoutesOptions> = async (app, uc) => {
  app.post(
    '/broadcast',
    {
      schema: {
        operationId: 'broadcast',
        tags: ['broadcast'],
        summary: 'Send a message to every live connection (of one API and stage, or of every known one)',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: BroadcastBody,
        response: routeResponses({ status: 200, schema: BroadcastReply, description: 'The fan-out report (also when some sockets failed).' }, BROADCAST_ERRORS),
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
        }, uc.shutdown),
      );
    },
  );
};
