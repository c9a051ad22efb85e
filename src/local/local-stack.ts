import type { DependencyContainer } from 'tsyringe';
import { issueLocalToken } from '../adapters/auth/jose-token.issuer.js';
import { JoseTokenVerifier } from '../adapters/auth/jose-token.verifier.js';
import { createDynamoDbClient } from '../adapters/dynamodb/dynamodb.client.js';
import { ensureTable } from '../adapters/dynamodb/dynamodb-table.js';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from './emulator/api-gateway-emulator.js';
import { createAuthorizerHandler } from '../adapters/lambda/authorizer.handler.js';
import { createConnectHandler } from '../adapters/lambda/connect.handler.js';
import { createDefaultHandler } from '../adapters/lambda/default.handler.js';
import { createDisconnectHandler } from '../adapters/lambda/disconnect.handler.js';
import { createPinoLogger } from '../adapters/logging/pino.logger.js';
import { observeAuthorizer, observeWebSocketHandler } from '../adapters/lambda/lambda-observability.js';
import { METRICS, type Metrics } from '../ports/metrics.js';
import { AnswerClientMessageUseCase } from '../domain/use-cases/answer-client-message.use-case.js';
import { AuthorizeConnectionUseCase } from '../domain/use-cases/authorize-connection.use-case.js';
import { RecordConnectionUseCase } from '../domain/use-cases/record-connection.use-case.js';
import { RemoveConnectionUseCase } from '../domain/use-cases/remove-connection.use-case.js';
import { createContainer } from '../app/container.js';
import { LOCAL_DEFAULTS, type LocalStackConfig } from './local-stack.config.js';
import type { LocalStackState } from './local-stack.state.js';
import { withEventLogging } from './event-logging.js';
import { listenNaming } from './port-in-use.error.js';
import { startNotifyService, type RunningNotifyService } from '../app/notify-service.js';
import type { SupervisedDynamoDbLocal } from './dynamodb-local.supervisor.js';
import { registerConsole } from './console/console.registration.js';

export interface LocalStack {
  config: LocalStackConfig;
  container: DependencyContainer;
  emulator: ApiGatewayEmulator;
  notify: RunningNotifyService;
  /** DynamoDB endpoint in use (undefined with STORAGE=memory). */
  dynamoDbEndpoint?: string;
  /** A JWT the local authorizer accepts. */
  /** A JWT the local authorizer accepts; `groups` is its `groups` claim (the groups its socket may join). */
  token(userId: string, ttlSeconds?: number, claims?: { groups?: string[] }): Promise<string>;
  /** The DynamoDB Local this stack runs and supervises (undefined with STORAGE=memory or DYNAMODB_ENDPOINT). */
  dynamoDbLocal?: SupervisedDynamoDbLocal;
  /** Settles if the stack had to stop on its own (DynamoDB Local died twice in a short window); it is stopped then. */
  failed: Promise<Error>;
  /** Stops the emulator (running `$disconnect` for open sockets), the notify service, then DynamoDB Local. */
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: DynamoDB Local (unless STORAGE=memory or DYNAMODB_ENDPOINT is set),
 * the API Gateway emulator running the real Lambda handlers in-process, and the notify REST service,
 * all sharing one composition root.
 */
export async function startLocalStack(config: LocalStackConfig): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  let reportFailure: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  try {
    const pino = createPinoLogger({ level: config.logLevel });
    const createTable = async (endpoint: string) => {
      const admin = createDynamoDbClient({ region: config.tableRegion, endpoint, credentials: config.credentials });
      try {
        await ensureTable(admin, config.tableName);
      } finally {
        admin.destroy();
      }
    };
    /** Set once the emulator runs: after a DynamoDB Local restart, records its open sockets again. */
    let recordOpenSockets: () => Promise<void> = async () => undefined;

    let dynamoDbEndpoint: string | undefined;
    let dynamoDbLocal: SupervisedDynamoDbLocal | undefined;
    if (config.storage === 'dynamodb') {
      dynamoDbEndpoint = config.dynamoDbEndpoint;
      if (!dynamoDbEndpoint) {
        // A dev dependency: the production image never loads the launcher.
        const { superviseDynamoDbLocal } = await import('./dynamodb-local.supervisor.js');
        const local = await superviseDynamoDbLocal({
          logger: pino.child({ component: 'dynamodb-local' }),
          prepare: async (endpoint, restart) => {
            await createTable(endpoint);
            if (restart) await recordOpenSockets();
          },
          onGiveUp: (error) => {
            void stopAll().then(() => reportFailure(error));
          },
        });
        stops.push(() => local.stop());
        dynamoDbEndpoint = local.endpoint;
        dynamoDbLocal = local;
      } else {
        await createTable(dynamoDbEndpoint);
      }
    }

    // The same composition root as in AWS; only the endpoint and the local credentials differ.
    const container = createContainer(
      { ...config, ...(dynamoDbEndpoint ? { dynamoDbEndpoint } : {}) },
      { logger: pino, credentials: config.credentials },
    );
    const verifier = new JoseTokenVerifier({ secret: config.jwtSecret });
    // The handlers record into the notify service's metrics (GET /metrics), each event in its request context.
    const metrics = container.resolve<Metrics>(METRICS);
    const handlers = {
      authorizer: observeAuthorizer(createAuthorizerHandler(new AuthorizeConnectionUseCase(verifier), pino.child({ fn: 'authorizer' }), metrics), metrics),
      connect: observeWebSocketHandler('connect', createConnectHandler(container.resolve(RecordConnectionUseCase), pino.child({ fn: 'connect' })), metrics),
      disconnect: observeWebSocketHandler('disconnect', createDisconnectHandler(container.resolve(RemoveConnectionUseCase), pino.child({ fn: 'disconnect' })), metrics),
      default: observeWebSocketHandler('default', createDefaultHandler(container.resolve(AnswerClientMessageUseCase), pino.child({ fn: 'default' })), metrics),
    };
    // LOG_EVENTS=1 shows every event whatever LOG_LEVEL is, so it gets its own info-level logger.
    const eventLogger = createPinoLogger({ level: 'info' }).child({ component: 'events' });
    const emulator = await listenNaming('WS_PORT', config.wsHost, config.wsPort, () => startApiGatewayEmulator(
      config.logEvents ? withEventLogging(handlers, eventLogger) : handlers,
      {
        host: config.wsHost,
        port: config.wsPort,
        stages: config.wsStages,
        apiId: config.wsApiId,
        region: config.region,
        credentials: config.credentials,
        idleTimeoutMs: config.wsIdleTimeoutMs,
        maxDurationMs: config.wsMaxDurationMs,
        allowedHosts: config.wsAllowedHosts,
        logger: pino.child({ component: 'emulator' }),
      },
    ));
    stops.push(() => emulator.stop());
    const record = container.resolve(RecordConnectionUseCase);
    recordOpenSockets = async () => {
      for (const c of emulator.connections()) {
        const userId = c.authorizer?.userId;
        if (typeof userId !== 'string') continue;
        await record.execute({
          connectionId: c.connectionId,
          userId,
          apiId: emulator.apiId,
          domainName: c.domainName,
          stage: c.stage,
          connectedAt: c.connectedAt,
          sourceIp: c.sourceIp,
          ...(c.userAgent ? { userAgent: c.userAgent } : {}),
        });
      }
    };

    const notify = await listenNaming('PORT', config.host, config.port, () =>
      startNotifyService(config, container, pino.instance, (app) => registerConsole(app, config, emulator)),
    );
    stops.push(() => notify.close());

    return {
      config,
      container,
      emulator,
      notify,
      ...(dynamoDbEndpoint ? { dynamoDbEndpoint } : {}),
      ...(dynamoDbLocal ? { dynamoDbLocal } : {}),
      failed,
      token: (userId, ttlSeconds, claims) =>
        issueLocalToken(config.jwtSecret, userId, { ...(ttlSeconds ? { ttlSeconds } : {}), ...(claims?.groups ? { groups: claims.groups } : {}) }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What the local tools need to reach this stack, as written to the state file. */
export function localStackState(stack: LocalStack, pid: number = process.pid): LocalStackState {
  const { config, emulator, notify } = stack;
  const perStage = (url: (stage: string) => string) => Object.fromEntries(config.wsStages.map((s) => [s, url(s)]));
  return {
    version: 1,
    pid,
    startedAt: new Date().toISOString(),
    restUrl: notify.url,
    ...(config.defaultApiKeyUsed ? { apiKey: config.apiKeys[0] as string } : {}),
    apiId: emulator.apiId,
    region: emulator.region,
    websocketUrls: perStage((s) => emulator.wsUrl(s)),
    connectionsUrls: perStage((s) => emulator.managementEndpoint(s)),
    credentials: { ...config.credentials },
    jwtSecret: config.jwtSecret,
  };
}

/** The ready banner: every URL a developer needs. */
export function banner(stack: LocalStack): string {
  const { config, emulator, notify } = stack;
  const firstStage = config.wsStages[0] as string;
  // Only the embedded local pair is printed: a secret taken from the environment may be a real AWS one.
  const { accessKeyId, secretAccessKey } = config.credentials;
  const secret = secretAccessKey === LOCAL_DEFAULTS.secretAccessKey ? secretAccessKey : '"$AWS_SECRET_ACCESS_KEY"';
  const key = config.defaultApiKeyUsed ? `${config.apiKeys[0]}   (local default; set NOTIFY_API_KEYS to change)` : '(from NOTIFY_API_KEYS)';
  const lines = [
    'socketpost local stack is ready',
    '',
    `  Notify REST API     ${notify.url}      (POST /notify, GET /users/:userId/connections)`,
    `  API docs            ${notify.url}/docs`,
    `  Console             ${notify.url}/console   (open sockets, send, see reports; local only)`,
    config.metrics === 'off'
      ? '  Metrics             off (METRICS=off)'
      : `  Metrics             ${notify.url}/metrics   (Prometheus text; Authorization: Bearer <API key${config.metricsToken ? ' or METRICS_TOKEN' : ''}>)`,
    `  API key             ${key}`,
    ...config.wsStages.map((s) => `  WebSocket [${s}]`.padEnd(22) + `${emulator.wsUrl(s)}?token=<JWT>`),
    ...config.wsStages.map((s) => `  @connections [${s}]`.padEnd(22) + `${emulator.managementEndpoint(s)}/@connections/{id}`),
    `  API id / region     ${emulator.apiId} / ${emulator.region}`,
    `  AWS credentials     AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secret}`,
    `                      (local only; the emulator verifies SigV4 with them, region ${emulator.region}, endpoint ${emulator.url})`,
    `  Storage             ${config.storage === 'memory' ? 'in memory (STORAGE=memory)' : `DynamoDB ${stack.dynamoDbEndpoint}, table ${config.tableName}`}`,
    `  State file          ${config.stateFile}   (read by npm run token / npm run post; removed on exit)`,
    config.logEvents ? '  Lambda events       logged (LOG_EVENTS=1), tokens redacted' : '  Lambda events       not logged (LOG_EVENTS=1 logs each one, tokens redacted)',
    '',
    '  Mint a token        npm run -s token -- alice',
    `  Post as the SDK     npm run -s post -- ${firstStage} <connectionId> hello`,
    `  AWS CLI             AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secret} \\`,
    `                        aws apigatewaymanagementapi post-to-connection --region ${emulator.region} --cli-binary-format raw-in-base64-out \\`,
    `                        --endpoint-url ${emulator.managementEndpoint(firstStage)} --connection-id <connectionId> --data hello`,
    '  Stop                Ctrl-C',
  ];
  return lines.join('\n');
}
