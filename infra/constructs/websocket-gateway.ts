import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import type { ApiStageRef } from './manage-connections.js';

export interface WebSocketGatewayProps {
  stageName: string;
  handlers: { authorizer: IFunction; connect: IFunction; disconnect: IFunction; default: IFunction };
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  /** The API Gateway CloudWatch role setting the stage's logging needs (when this stack owns it). */
  loggingRole?: IDependable;
}

/** Where the client puts its JWT; API Gateway answers 401 without calling the authorizer when it is missing. */
export const TOKEN_IDENTITY_SOURCE = 'route.request.querystring.token';

/** One JSON line per request; never the query string, which carries the token. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    stage: '$context.stage',
    routeKey: '$context.routeKey',
    eventType: '$context.eventType',
    connectionId: '$context.connectionId',
    status: '$context.status',
    sourceIp: '$context.identity.sourceIp',
    principalId: '$context.authorizer.principalId',
    authorizerError: '$context.authorizer.error',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

/** The WebSocket API: `$connect` behind the REQUEST authorizer, `$disconnect`, `$default`, one stage. */
export class WebSocketGateway extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: WebSocketGatewayProps) {
    super(scope, id);
    const { handlers } = props;

    const authorizer = new WebSocketLambdaAuthorizer('TokenAuthorizer', handlers.authorizer, {
      identitySource: [TOKEN_IDENTITY_SOURCE],
    });
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `socketpost-${props.stageName}`,
      description: 'socketpost: users connect here; services notify them through the notify service',
      connectRouteOptions: { integration: new WebSocketLambdaIntegration('ConnectIntegration', handlers.connect), authorizer },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('DisconnectIntegration', handlers.disconnect) },
      defaultRouteOptions: { integration: new WebSocketLambdaIntegration('DefaultIntegration', handlers.default) },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    // Execution logs for errors only: INFO would log every message frame.
    cfnStage.addPropertyOverride('DefaultRouteSettings.LoggingLevel', 'ERROR');
    cfnStage.addPropertyOverride('DefaultRouteSettings.DataTraceEnabled', false);
    if (props.loggingRole) cfnStage.node.addDependency(props.loggingRole);

    for (const routeKey of ['$disconnect', '$default']) {
      const route = this.api.node.tryFindChild(`${routeKey}-Route`);
      if (route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'WebSocket APIs take an authorizer on $connect only; later frames belong to a connection the authorizer already admitted.',
        });
      }
    }
  }

  /** This API and stage, as a target of ManageConnections permissions. */
  get ref(): ApiStageRef {
    return { apiId: this.api.apiId, stage: this.stage.stageName, region: Stack.of(this).region };
  }
}
