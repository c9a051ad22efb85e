import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CheckReadinessUseCase } from '../../domain/use-cases/check-readiness.use-case.js';
import { ErrorReply, StatusReply } from './http.schemas.js';

export interface HealthRoutesOptions {
  checkReadiness: CheckReadinessUseCase;
}

/** Liveness (the process answers) and readiness (storage answers too). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { checkReadiness }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'Liveness', response: { 200: StatusReply } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: 503 while storage does not answer', response: { 200: StatusReply, 503: ErrorReply } } },
    async () => {
      await checkReadiness.execute();
      return { status: 'ready' };
    },
  );
};
