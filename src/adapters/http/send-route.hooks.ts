import type { FastifyInstance, onResponseHookHandler, preSerializationHookHandler, RouteOptions } from 'fastify';
import type { Metrics } from '../../ports/metrics.js';
import { isSendReport, withRequestId } from './correlation.js';
import { labelsFor, recordSendReport, SEND_ROUTES } from './metrics.routes.js';
import { attachSendSummary } from './request-log.js';

/**
 * The hooks of the send routes (`POST /notify`, `/connections/:id/messages`, `/groups/:group/messages`,
 * `/broadcast`), added to those routes only as they are declared: each 200 report gets the request's `requestId`,
 * its totals go into the request's log line (`report`), and with metrics its deliveries by outcome, retries and fan-out size are counted (not for an idempotent replay,
 * which sent nothing) and its latency observed. Other routes carry no such hook, and a send needs no per-request
 * look-up of its route. Call before the routes are registered.
 */
export function installSendRouteHooks(app: FastifyInstance, metrics?: Metrics): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || !SEND_ROUTES.has(route.url)) return;
    const url = route.url;
    const report: preSerializationHookHandler<unknown> = (request, reply, payload, done) => {
      if (reply.statusCode !== 200 || !isSendReport(payload)) {
        done(null, payload);
        return;
      }
      const replayed = reply.hasHeader('idempotent-replayed');
      if (metrics && !replayed) recordSendReport(metrics, url, payload);
      attachSendSummary(request, payload, replayed);
      done(null, withRequestId(request.id, payload));
    };
    route.preSerialization = [...hooksOf(route.preSerialization), report];
    if (metrics) {
      const latencyLabels = labelsFor(url, '');
      const latency: onResponseHookHandler = (_request, reply, done) => {
        metrics.observe('notify_latency_ms', reply.elapsedTime, latencyLabels);
        done();
      };
      route.onResponse = [...hooksOf(route.onResponse), latency];
    }
  });
}

function hooksOf<H>(hooks: H | H[] | undefined): H[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
