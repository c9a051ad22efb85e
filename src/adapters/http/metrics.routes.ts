import type { FastifyPluginAsync } from 'fastify';
import type { MetricLabels, Metrics } from '../../ports/metrics.js';
import { BoundedMemo } from '../observability/bounded-memo.js';
import { ApiKeyGuard } from './api-key.guard.js';

/** What `GET /metrics` serves: Prometheus text. */
export interface MetricsExposition {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsRouteOptions {
  exposition: MetricsExposition;
  /** Who may scrape: any API key, or the separate `METRICS_TOKEN` when one is set. */
  allows: (authorization: string | undefined) => boolean;
}

/** Accepts `Authorization: Bearer <METRICS_TOKEN>` (when set) or any API key. */
export function metricsScrapeGuard(apiKeys: ApiKeyGuard, metricsToken: string | undefined): (authorization: string | undefined) => boolean {
  const token = metricsToken ? new ApiKeyGuard([metricsToken]) : undefined;
  return (authorization) => (token?.allows(authorization) ?? false) || apiKeys.allows(authorization);
}

/** `GET /metrics`: Prometheus text, for a scraper holding an API key or the metrics token; never rate limited. */
export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, { exposition, allows }) => {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!allows(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      return reply.status(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'UNAUTHORIZED',
        message: 'send Authorization: Bearer <METRICS_TOKEN or an API key> to read the metrics',
      });
    }
    const text = await exposition.text();
    return reply.type(exposition.contentType).send(text);
  });
};

/** The send routes: their answers are delivery reports. */
export const SEND_ROUTES: ReadonlySet<string> = new Set(['/notify', '/connections/:connectionId/messages', '/groups/:group/messages', '/broadcast']);

interface ListedDelivery {
  status?: unknown;
  error?: { code?: unknown };
  code?: unknown;
}

/** Labels objects reused across requests: a report allocates none for its counts. */
const labelCache = new BoundedMemo<MetricLabels>();
export function labelsFor(route: string, outcome: string, code?: string): MetricLabels {
  const key = `${route}\u0000${outcome}\u0000${code ?? ''}`;
  return labelCache.get(key) ?? labelCache.keep(key, code ? { route, outcome, code } : { route, outcome });
}

/** Counts one send report: deliveries by outcome (failed by code) and the fan-out size (retries are counted as they happen: SendPolicy.onRetry). */
export function recordSendReport(metrics: Metrics, route: string, report: Record<string, unknown>): void {
  const routeLabels = labelsFor(route, '');
  // One connection (`POST /connections/:id/messages`): its status and error.
  if (typeof report.delivered !== 'number') {
    const one = report as ListedDelivery;
    const failedCode = one.status === 'failed' && typeof one.error?.code === 'string' ? one.error.code : undefined;
    metrics.count('deliveries', labelsFor(route, String(one.status), failedCode));
    metrics.observe('fanout_size', 1, routeLabels);
    return;
  }
  const delivered = report.delivered;
  const gone = typeof report.gone === 'number' ? report.gone : 0;
  const failed = typeof report.failed === 'number' ? report.failed : 0;
  if (delivered > 0) metrics.count('deliveries', labelsFor(route, 'delivered'), delivered);
  if (gone > 0) metrics.count('deliveries', labelsFor(route, 'gone'), gone);
  metrics.observe('fanout_size', delivered + gone + failed, routeLabels);

  // Failures by code, from whatever the report lists: each connection (one user, or each user of
  // `userIds`), or the first failures of a group or broadcast (the rest are counted with code UNLISTED).
  const listed: ListedDelivery[] = [];
  if (Array.isArray(report.connections)) listed.push(...(report.connections as ListedDelivery[]));
  if (Array.isArray(report.users)) for (const user of report.users as { connections?: unknown }[]) if (Array.isArray(user.connections)) listed.push(...(user.connections as ListedDelivery[]));
  if (Array.isArray(report.failures)) listed.push(...(report.failures as ListedDelivery[]).map((f) => ({ status: 'failed', code: f.code })));
  let failedListed = 0;
  for (const entry of listed) {
    if (entry.status !== 'failed') continue;
    const code = typeof entry.error?.code === 'string' ? entry.error.code : typeof entry.code === 'string' ? entry.code : 'UNKNOWN';
    metrics.count('deliveries', labelsFor(route, 'failed', code));
    failedListed += 1;
  }
  if (failed > failedListed) metrics.count('deliveries', labelsFor(route, 'failed', 'UNLISTED'), failed - failedListed);
}
