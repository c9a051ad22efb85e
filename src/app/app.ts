import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CheckReadinessUseCase } from '../domain/use-cases/check-readiness.use-case.js';
import type { ListConnectionsUseCase } from '../domain/use-cases/list-connections.use-case.js';
import type { NotifyUserUseCase } from '../domain/use-cases/notify-user.use-case.js';
import type { StopSignal } from '../domain/shared/stop-signal.js';
import { ApiKeyGuard } from '../adapters/http/api-key.guard.js';
import { healthRoutes } from '../adapters/http/health.routes.js';
import { toHttpError } from '../adapters/http/http-error.mapper.js';
import { HTTP_SCHEMAS } from '../adapters/http/components.js';
import {
  assertJsonDepth,
  assertUtf8ContentType,
  createClientErrorHandler,
  createFrameworkErrorHandler,
} from '../adapters/http/edge-errors.js';
import { SECURITY_HEADERS, securityHeaderEntriesFor } from '../adapters/http/security-headers.js';
import rateLimit from '@fastify/rate-limit';
import { OneLinePerRequestLog, serializeRequest } from '../adapters/http/request-log.js';
import { installCorrelation, requestChildLogger, requestIdOf } from '../adapters/http/correlation.js';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, rateLimitOptions } from '../adapters/http/rate-limit.js';
import { notifyRoutes } from '../adapters/http/notify.routes.js';
import { broadcastRoutes } from '../adapters/http/broadcast.routes.js';
import { connectionRoutes } from '../adapters/http/connection.routes.js';
import { groupRoutes } from '../adapters/http/group.routes.js';
import type { ParityUseCases } from './parity.container.js';
import type { Metrics } from '../ports/metrics.js';
import { metricsRoutes, metricsScrapeGuard, type MetricsExposition } from '../adapters/http/metrics.routes.js';
import { installSendRouteHooks } from '../adapters/http/send-route.hooks.js';

export interface AppUseCases {
  notifyUser: NotifyUserUseCase;
  listConnections: ListConnectionsUseCase;
  checkReadiness: CheckReadinessUseCase;
  /** Groups, broadcast, one connection, close, userIds and Idempotency-Key (`parityUseCases(container)`). */
  parity?: ParityUseCases;
}

export interface BuildAppOptions {
  useCases: AppUseCases;
  apiKeys: readonly string[];
  /** Requests with a larger body answer 413 (default 1 MiB). */
  bodyLimitBytes?: number;
  /** A pino instance for request logs; none = silent. */
  logger?: FastifyBaseLogger;
  /** Stops in-flight notifies (they answer with what is known) when the service shuts down. */
  shutdown?: StopSignal;
  /** A request (headers and body) not received in full within this answers 408 and is closed (default 30 s). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this (default 72 s, above the ALB's 60 s idle timeout). */
  keepAliveTimeoutMs?: number;
  /** Requests per minute per API key on the authenticated routes; 0 = no limit (default 6,000). */
  rateLimitPerMinute?: number;
  /** Records deliveries, retries, fan-out sizes and send latencies; none = not recorded. */
  metrics?: Metrics;
  /** Served as `GET /metrics` (Prometheus text); none = no such route. */
  metricsExposition?: MetricsExposition;
  /** Besides the API keys, this bearer token may read `GET /metrics`. */
  metricsToken?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The notify REST service: routes, schemas, auth and error mapping. `server.ts` listens; tests inject. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const guard = new ApiKeyGuard(options.apiKeys);
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    requestTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default): check every second instead.
    http: { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1_000, requestTimeout) },
    clientErrorHandler: createClientErrorHandler(requestTimeout, { ...SECURITY_HEADERS, 'cache-control': 'no-store' }),
    // Errors of the router (a path that is not valid UTF-8, a parameter over 1,024 characters) come before
    // the routes and their API key check: without a valid key they answer 401, so nothing is learnt unauthenticated.
    frameworkErrors: createFrameworkErrorHandler((authorization) => guard.allows(authorization)),
    ...(options.logger
      ? { loggerInstance: options.logger.child({}, { serializers: { req: serializeRequest } }) }
      : { logger: false }),
    // One request line per request, once answered (request-log.ts); Fastify binds the id as `reqId`, which the
    // child logger factory (correlation.ts) turns into `requestId`.
    logController: new OneLinePerRequestLog(),
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    // x-request-id honoured when sane, else generated; echoed and carried by every log line (correlation.ts).
    requestIdHeader: false,
    genReqId: requestIdOf,
    childLoggerFactory: requestChildLogger,
    // A user id may be 128 characters, URL-encoded up to 3 times longer (the default 100 would answer 414).
    routerOptions: { maxParamLength: 1_024 },
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installCorrelation(app);
  installSendRouteHooks(app, options.metrics);
  for (const schema of HTTP_SCHEMAS) app.addSchema(schema);
  // Only JSON bodies: text/plain would otherwise be parsed and then fail validation confusingly.
  app.removeContentTypeParser('text/plain');
  // JSON in UTF-8 only, and never nested deeper than the documented depth (checked before parsing).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      assertUtf8ContentType(request.headers['content-type']);
      assertJsonDepth(body as string);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });

  // A callback hook: it runs on every answer, and an async one costs a promise and a microtask each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    const query = request.url.indexOf('?');
    const path = query < 0 ? request.url : request.url.slice(0, query);
    for (const [name, value] of securityHeaderEntriesFor(path)) if (!reply.hasHeader(name)) reply.header(name, value);
    done(null, payload);
  });

  app.setErrorHandler((error, request, reply) => {
    const body = toHttpError(error);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, field: body.field }, 'request refused');
    if (body.statusCode === 503) reply.header('retry-after', '5');
    return reply.status(body.statusCode).type('application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  await app.register(swagger, {
    // Shared schemas appear as components named by their `$id` (NotifyReply, ErrorReply…), not `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'socketpost',
        version: '0.1.0',
        description:
          'Push messages to users connected over an AWS API Gateway WebSocket API. Each connection is posted ' +
          'through the management endpoint of the API, stage and region it was opened on.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A key from NOTIFY_API_KEYS' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { checkReadiness: options.useCases.checkReadiness });
  if (options.metricsExposition) {
    await app.register(metricsRoutes, { exposition: options.metricsExposition, allows: metricsScrapeGuard(guard, options.metricsToken) });
  }

  await app.register(async (secured) => {
    // A callback hook, as onSend: an early reply ends the request without calling done.
    secured.addHook('onRequest', (request, reply, done) => {
      if (guard.allows(request.headers.authorization)) return done();
      reply.header('www-authenticate', 'Bearer');
      reply.status(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'UNAUTHORIZED',
        message: 'send Authorization: Bearer <API key>',
      });
    });
    const perMinute = options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
    if (perMinute > 0) await secured.register(rateLimit, rateLimitOptions(perMinute));
    const parity = options.useCases.parity;
    if (parity) {
      // Before notifyRoutes: the HEAD route must exist before GET /users/:userId/connections would add its own.
      const sends = { ...parity, ...(options.shutdown ? { shutdown: options.shutdown } : {}) };
      await secured.register(connectionRoutes, sends);
      await secured.register(groupRoutes, sends);
      await secured.register(broadcastRoutes, sends);
    }
    await secured.register(notifyRoutes, {
      notifyUser: options.useCases.notifyUser,
      listConnections: options.useCases.listConnections,
      ...(parity ? { notifyUsers: parity.notifyUsers, runIdempotently: parity.runIdempotently } : {}),
      ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    });
  });

  return app;
}
