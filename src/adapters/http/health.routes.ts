import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CheckReadinessUseCase } from '../../domain/use-cases/check-readiness.use-case.js';
import { StatusReply } from './http.schemas.js';
import { routeResponses } from './route-responses.js';

export interface HealthRoutesOptions {
  checkReadiness: CheckReadinessUseCase;
}

/** Liveness (the process answers) and readiness (storage answers too). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { checkReadiness }) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Liveness',
        response: routeResponses({ status: 200, schema: StatusReply, description: 'The process answers: `{"status":"ok"}`.' }, []),
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: 503 while storage does not answer',
        response: routeResponses({ status: 200, schema: StatusReply, description: 'Storage answers: `{"status":"ready"}`.' }, [503]),
      },
    },
    async () => {
      await checkReadiness.execute();
      return { status: 'ready' };
    },
  );
};
