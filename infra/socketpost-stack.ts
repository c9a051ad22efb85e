import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { SocketpostConfig } from './config.js';
import { ApiGatewayAccount } from './constructs/api-gateway-account.js';
import { ConnectionsTable } from './constructs/connections-table.js';
import type { ApiStageRef } from './constructs/manage-connections.js';
import { NodeFunction } from './constructs/node-function.js';
import { NotifyService } from './constructs/notify-service.js';
import { Observability } from './constructs/observability.js';
import { WebSocketGateway } from './constructs/websocket-gateway.js';
import { grantDataAccess } from './data-access.js';
import { HANDLERS } from './paths.js';
import { JWKS_FETCH_TIMEOUT_MS } from '../src/adapters/auth/jose-token.verifier.js';

/**
 * The authorizer's timeout: a cold start may wait the whole JWKS fetch timeout and still verify the
 * token, with room to spare. The keys are then cached by the verifier for the life of the container.
 */
export const AUTHORIZER_TIMEOUT = Duration.seconds(Math.ceil((3 * JWKS_FETCH_TIMEOUT_MS) / 1000) + 1);

export interface SocketpostStackProps extends StackProps {
  config: SocketpostConfig;
  /** Bring your own VPC (needs private subnets with egress in 2 AZs); one is created otherwise. Unused without the notify service. */
  vpc?: IVpc;
}

/**
 * socketpost in one stack: WebSocket API + Lambdas (connect/disconnect/default + authorizer), the
 * connections table, and the REST notify service on Fargate. An "edge" stack (`sharedTable` +
 * `notifyService: false`) is the API and Lambdas only, recording into another stack's table.
 */
export class SocketpostStack extends Stack {
  readonly table: ConnectionsTable;
  readonly gateway: WebSocketGateway;
  readonly functions: Record<keyof typeof HANDLERS, NodeFunction>;
  /** Undefined in an edge stack (`notifyService: false`). */
  readonly notify: NotifyService | undefined;
  /** The dashboard and the alarms (and their SNS topic). */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: SocketpostStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.jwtIsPlaceholder) {
      Annotations.of(this).addWarningV2(
        'socketpost:placeholderJwt',
        'No jwtJwksUrl/jwtIssuer/jwtAudience given: the authorizer uses placeholders and will refuse every client. Set them before deploying.',
      );
    }

    if (config.ignoredKeys.length > 0) {
      Annotations.of(this).addWarningV2(
        'socketpost:ignoredContext',
        `These settings have no effect in this stack (no notify service, or a shared table): ${config.ignoredKeys.join(', ')}.`,
      );
    }

    this.table = new ConnectionsTable(this, 'Connections', {
      deletionProtection: config.deletionProtection,
      ...(config.sharedTable ? { shared: config.sharedTable } : {}),
    });

    // One environment for every socketpost process; AWS_REGION is Lambda's own and never set here.
    const environment: Record<string, string> = {
      STORAGE: 'dynamodb',
      ...this.table.environment,
      LOG_LEVEL: config.logLevel,
      ...(config.connectionTtlGraceSeconds !== undefined
        ? { CONNECTION_TTL_GRACE_SECONDS: String(config.connectionTtlGraceSeconds) }
        : {}),
      ...(config.notifyConcurrency !== undefined ? { NOTIFY_CONCURRENCY: String(config.notifyConcurrency) } : {}),
      ...(config.notifyMaxAttempts !== undefined ? { NOTIFY_MAX_ATTEMPTS: String(config.notifyMaxAttempts) } : {}),
      ...(config.recoveryWindowSeconds !== undefined ? { RECOVERY_WINDOW_SECONDS: String(config.recoveryWindowSeconds) } : {}),
    };
    // Only the authorizer verifies tokens: the JWT settings are its own.
    const jwtEnvironment: Record<string, string> = {
      JWT_JWKS_URL: config.jwt.jwksUrl,
      JWT_ISSUER: config.jwt.issuer,
      JWT_AUDIENCE: config.jwt.audience,
    };
    const fn = (name: keyof typeof HANDLERS, description: string, timeout = Duration.seconds(10), extra: Record<string, string> = {}) =>
      new NodeFunction(this, `${name[0]!.toUpperCase()}${name.slice(1)}Handler`, {
        entry: HANDLERS[name],
        description,
        environment: { ...environment, ...extra },
        logRetention: config.logRetentionDays,
        timeout,
      });
    this.functions = {
      authorizer: fn('authorizer', 'socketpost $connect REQUEST authorizer (JWT from ?token=)', AUTHORIZER_TIMEOUT, jwtEnvironment),
      connect: fn('connect', 'socketpost $connect: records the connection and its endpoint'),
      disconnect: fn('disconnect', 'socketpost $disconnect: forgets the connection'),
      default: fn('default', 'socketpost $default: answers ping with pong'),
    };

    const account = config.manageApiGatewayAccount ? new ApiGatewayAccount(this, 'ApiGatewayAccount') : undefined;
    this.gateway = new WebSocketGateway(this, 'WebSocket', {
      stageName: config.stage,
      handlers: {
        authorizer: this.functions.authorizer.fn,
        connect: this.functions.connect.fn,
        disconnect: this.functions.disconnect.fn,
        default: this.functions.default.fn,
      },
      throttle: config.throttle,
      logRetention: config.logRetentionDays,
      ...(account ? { loggingRole: account.account } : {}),
    });

    // Least privilege: each role gets the lines of infra/data-access.ts, and nothing else.
    for (const role of ['authorizer', 'connect', 'disconnect', 'default'] as const) {
      grantDataAccess(role, this.functions[role].role, this.table.table, [this.gateway.ref]);
    }

    const targets: ApiStageRef[] = [this.gateway.ref, ...config.managementTargets];
    this.notify = config.notifyService
      ? new NotifyService(this, 'Notify', {
          settings: config.notify,
          // The notify service also writes its metrics as EMF lines every minute: its log group turns them into CloudWatch metrics.
          environment: { ...environment, METRICS_EMF_INTERVAL_SECONDS: '60' },
          logRetention: config.logRetentionDays,
          ...(props.vpc ? { vpc: props.vpc } : {}),
        })
      : undefined;
    if (this.notify) grantDataAccess('task', this.notify.service.taskDefinition.taskRole, this.table.table, targets);

    this.observability = new Observability(this, 'Observability', {
      namespace: 'socketpost',
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, f]) => [name, f.fn])),
      // A shared table belongs to (and is alarmed on by) the stack that created it, maybe in another region.
      ...(config.sharedTable ? {} : { table: this.table.table }),
      api: { apiId: this.gateway.api.apiId, stage: this.gateway.stage.stageName },
      ...(this.notify ? { loadBalancer: this.notify.loadBalancer } : {}),
      ...(config.alarmTopicArn ? { alarmTopicArn: config.alarmTopicArn } : {}),
    });

    new CfnOutput(this, 'WebSocketUrl', {
      value: this.gateway.stage.url,
      description: 'Clients connect here: wss://…/{stage}?token={JWT}',
    });
    new CfnOutput(this, 'ManagementEndpoint', {
      value: this.gateway.stage.callbackUrl,
      description: '@connections endpoint of this API stage',
    });
    new CfnOutput(this, 'WebSocketApiId', { value: this.gateway.api.apiId });
    new CfnOutput(this, 'StageName', { value: this.gateway.stage.stageName });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      ...(config.sharedTable ? { description: `Shared table in ${config.sharedTable.region}, owned by another stack` } : {}),
    });
    if (this.notify) this.addNotifyOutputs(this.notify);
  }

  private addNotifyOutputs(notify: NotifyService): void {
    new CfnOutput(this, 'NotifyServiceUrl', {
      value: notify.url,
      description: 'REST notify service (internal ALB unless internetFacing)',
    });
    new CfnOutput(this, 'NotifyApiKeysSecretArn', {
      value: notify.apiKeys.secretArn,
      description: 'Secrets Manager secret holding the comma-separated notify API keys',
    });
  }
}
