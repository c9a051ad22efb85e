import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_IDENTITY_SOURCE } from '../../infra/constructs/websocket-gateway.js';
import { BASE_CONTEXT, flat, synthesize, type Synthesized } from './synth-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

const OTHER_REGION_TARGET = { apiId: 'xyz789abc', stage: 'prod', region: 'us-east-1' };


describe('socketpost CDK stack', { timeout: 120_000 }, () => {
  let s: Synthesized;
  let resources: Record<string, Resource>;
  let apiRef: { Ref: string };

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
    s.stack.getLogicalId(construct.node.defaultChild as CfnFunction);
  const policyStatementsOf = (roleLogicalId: string) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);

  beforeAll(() => {
    s = synthesize({ ...BASE_CONTEXT, managementTargets: JSON.stringify([OTHER_REGION_TARGET]) });
    resources = s.template.toJSON().Resources as Record<string, Resource>;
    apiRef = { Ref: logicalIdOf(s.stack.gateway.api) };
  }, 120_000);

  afterAll(() => s?.cleanup());

  describe('the connections table', () => {
    it('should be an on-demand TableV2 keyed by pk/sk with TTL on expiresAt and the broadcast index', () => {
      s.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      s.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'shardKey', AttributeType: 'S' },
          { AttributeName: 'connectionId', AttributeType: 'S' },
        ]),
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'broadcast',
            KeySchema: [
              { AttributeName: 'shardKey', KeyType: 'HASH' },
              { AttributeName: 'connectionId', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('should have point-in-time recovery and deletion protection by default', () => {
      s.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: [
          Match.objectLike({
            Region: 'eu-west-1',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      });
      s.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    });
  });

  describe('the WebSocket API', () => {
    it('should route $connect, $disconnect and $default to their Lambdas', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'WEBSOCKET',
        RouteSelectionExpression: '$request.body.action',
      });
      const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort();
      expect(routes).toEqual(['$connect', '$default', '$disconnect']);

      const integrations = ofType('AWS::ApiGatewayV2::Integration').map(([, r]) => JSON.stringify(r.Properties.IntegrationUri));
      for (const name of ['connect', 'disconnect', 'default'] as const) {
        const fnId = logicalIdOf(s.stack.functions[name].fn);
        expect(integrations.some((uri) => uri.includes(`"${fnId}"`)), `${name} integration`).toBe(true);
      }
    });

    it('should guard $connect with a REQUEST authorizer reading the token from the query string', () => {
      const [[authorizerId, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
      expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'REQUEST', IdentitySource: ['route.request.querystring.token'] });
      expect(TOKEN_IDENTITY_SOURCE).toBe('route.request.querystring.token');
      expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(logicalIdOf(s.stack.functions.authorizer.fn));

      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: '$connect',
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
      for (const key of ['$disconnect', '$default']) {
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key, AuthorizationType: 'NONE' });
      }
    });

    it('should deploy the configured stage with JSON access logs, error execution logs and throttling', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: 'dev',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [logicalIdOf(s.stack.gateway.accessLogs), 'Arn'] },
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
        DefaultRouteSettings: {
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      });
      const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
      const format = JSON.parse((stage.Properties.AccessLogSettings as { Format: string }).Format) as Record<string, string>;
      // The query string carries the JWT: it must never reach the logs.
      expect(Object.values(format).join(' ')).not.toMatch(/querystring|queryString/i);
      // The account's API Gateway logging role is another stack's (manageApiGatewayAccount is off by default).
      s.template.resourceCountIs('AWS::ApiGateway::Account', 0);
      expect(JSON.stringify(stage.DependsOn ?? [])).not.toContain('ApiGatewayAccount');
    });
  });

  describe('the Lambda functions', () => {
    it('should run the four handlers on Node.js 22 arm64 with one shared environment, the JWT settings on the authorizer only', () => {
      const ours = new Set((['authorizer', 'connect', 'disconnect', 'default'] as const).map((n) => logicalIdOf(s.stack.functions[n].fn)));
      const all = ofType('AWS::Lambda::Function');
      // The four handlers, plus CDK's deploy-time lookup of the DynamoDB prefix list (AwsCustomResource).
      expect(all.filter(([id]) => !ours.has(id)).map(([id]) => id)).toEqual([expect.stringMatching(/^AWS679f53fac002430cb0da5b7982bd2287/)]);
      const functions = all.filter(([id]) => ours.has(id));
      expect(functions).toHaveLength(4);
      const authorizerId = logicalIdOf(s.stack.functions.authorizer.fn);
      const jwt = { JWT_JWKS_URL: BASE_CONTEXT.jwtJwksUrl, JWT_ISSUER: BASE_CONTEXT.jwtIssuer, JWT_AUDIENCE: BASE_CONTEXT.jwtAudience };
      const shared = {
        STORAGE: 'dynamodb',
        TABLE_NAME: { Ref: logicalIdOf(s.stack.table.table) },
        LOG_LEVEL: 'info',
        NODE_OPTIONS: '--enable-source-maps',
      };
      for (const [id, f] of functions) {
        expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
        const env = (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(env).toEqual(id === authorizerId ? { ...shared, ...jwt } : shared);
      }
    });

    it('should give every function its own log group with the configured retention', () => {
      for (const name of ['authorizer', 'connect', 'disconnect', 'default'] as const) {
        const logsId = logicalIdOf(s.stack.functions[name].logGroup);
        expect(resources[logsId]?.Properties).toMatchObject({ RetentionInDays: 30 });
        s.template.hasResourceProperties('AWS::Lambda::Function', {
          Description: Match.stringLikeRegexp(name === 'authorizer' ? 'authorizer' : `\\$${name}`),
          LoggingConfig: { LogGroup: { Ref: logsId } },
        });
      }
    });

    it('should bundle each handler locally as minified ESM with a source map', () => {
      for (const name of ['authorizer', 'connect', 'disconnect', 'default'] as const) {
        const fn = resources[logicalIdOf(s.stack.functions[name].fn)]!;
        const s3Key = JSON.stringify((fn.Properties.Code as { S3Key: unknown }).S3Key);
        const hash = /([0-9a-f]{64})\.zip/.exec(s3Key)?.[1];
        const assetDir = path.join(s.outdir, `asset.${hash}`);
        expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
        const code = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
        // Minified: a few very long lines, not one statement per line.
        expect(code.split('\n').length).toBeLessThan(200);
        expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
        expect(code).toContain('sourceMappingURL=index.mjs.map');
      }
    });

    it('should produce a $default bundle that loads on its own and answers a message', async () => {
      const fn = resources[logicalIdOf(s.stack.functions.default.fn)]!;
      const hash = /([0-9a-f]{64})\.zip/.exec(JSON.stringify((fn.Properties.Code as { S3Key: unknown }).S3Key))?.[1];
      const bundle = path.join(s.outdir, `asset.${hash}`, 'index.mjs');
      const event = {
        requestContext: {
          routeKey: '$default', eventType: 'MESSAGE', messageDirection: 'IN', connectionId: 'Zx1=', apiId: 'abc123', stage: 'dev',
          domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', connectedAt: 1, requestTimeEpoch: 2, requestTime: 't',
          identity: { sourceIp: '203.0.113.9' }, requestId: 'r1', extendedRequestId: 'e1', messageId: 'm1',
        },
        body: 'not a ping',
        isBase64Encoded: false,
      };
      const script = `const { handler } = await import(${JSON.stringify(bundle)});
        process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, {})));`;
      // Outside the repository, so nothing can be resolved from node_modules: the bundle must be self-contained.
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH, STORAGE: 'memory', AWS_REGION: 'eu-west-1', LOG_LEVEL: 'silent' },
      });
      expect(JSON.parse(stdout)).toEqual({ statusCode: 200 });
    });
  });

  describe('least-privilege IAM', () => {
    it('should let the $default Lambda POST only to its own stage’s @connections', () => {
      const statements = policyStatementsOf(logicalIdOf(s.stack.functions.default.role));
      const manage = statements.filter((st) => st.Action === 'execute-api:ManageConnections');
      expect(manage).toHaveLength(1);
      expect([manage[0]!.Resource].flat().map(flat)).toEqual([
        `arn:\${AWS::Partition}:execute-api:eu-west-1:\${AWS::AccountId}:\${${apiRef.Ref}}/dev/POST/@connections/*`,
      ]);
    });

    it('should let the notify task POST and DELETE (its @connections calls) on its own stage and on every extra target', () => {
      const statements = policyStatementsOf(logicalIdOf(s.stack.notify!.service.taskDefinition.taskRole as never));
      const manage = statements.filter((st) => st.Action === 'execute-api:ManageConnections');
      expect(manage).toHaveLength(1);
      const own = `arn:\${AWS::Partition}:execute-api:eu-west-1:\${AWS::AccountId}:\${${apiRef.Ref}}/dev`;
      const other = 'arn:${AWS::Partition}:execute-api:us-east-1:${AWS::AccountId}:xyz789abc/prod';
      expect([manage[0]!.Resource].flat().map(flat)).toEqual([
        `${own}/POST/@connections/*`,
        `${own}/DELETE/@connections/*`,
        `${other}/POST/@connections/*`,
        `${other}/DELETE/@connections/*`,
      ]);
    });

    it('should grant table access to every role but the authorizer, on the table itself, and the broadcast index to the task only', () => {
      const tableArn = { 'Fn::GetAtt': [logicalIdOf(s.stack.table.table), 'Arn'] };
      const broadcastIndex = { 'Fn::Join': ['', [tableArn, '/index/broadcast']] };
      const roleIds = {
        authorizer: logicalIdOf(s.stack.functions.authorizer.role),
        connect: logicalIdOf(s.stack.functions.connect.role),
        disconnect: logicalIdOf(s.stack.functions.disconnect.role),
        default: logicalIdOf(s.stack.functions.default.role),
        notify: logicalIdOf(s.stack.notify!.service.taskDefinition.taskRole as never),
      };
      for (const [name, roleId] of Object.entries(roleIds)) {
        const dynamo = policyStatementsOf(roleId).filter((st) => JSON.stringify(st.Action).includes('dynamodb:'));
        if (name === 'authorizer') {
          expect(dynamo, name).toEqual([]);
        } else {
          expect(dynamo.length, name).toBeGreaterThan(0);
          const onTable = dynamo.filter((st) => JSON.stringify(st.Resource) === JSON.stringify(tableArn));
          expect(onTable, name).toHaveLength(1);
          // The broadcast index: the task only, Query only (a statement of its own, with the index's key kinds).
          expect(
            dynamo.filter((st) => !onTable.includes(st)).map((st) => ({ Action: st.Action, Resource: st.Resource })),
            name,
          ).toEqual(name === 'notify' ? [{ Action: 'dynamodb:Query', Resource: broadcastIndex }] : []);
        }
      }
    });

    it('should use no * resource except where the service offers no resource-level permission', () => {
      const starred = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement.filter((st) =>
          [st.Resource].flat().includes('*'),
        ),
      );
      // Neither ecr:GetAuthorizationToken nor ec2:DescribeManagedPrefixLists can be scoped to a resource.
      expect(starred).toEqual(
        expect.arrayContaining([
          { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
          { Action: 'ec2:DescribeManagedPrefixLists', Effect: 'Allow', Resource: '*' },
        ]),
      );
      expect(starred).toHaveLength(2);
      expect(ofType('AWS::IAM::ManagedPolicy')).toEqual([]);
    });
  });

  describe('the notify service', () => {
    it('should run at least 2 Fargate tasks with a rolling-back circuit breaker', () => {
      s.template.hasResourceProperties('AWS::ECS::Service', {
        LaunchType: 'FARGATE',
        DesiredCount: 2,
        AvailabilityZoneRebalancing: 'ENABLED',
        DeploymentConfiguration: {
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
        },
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      });
    });

    it('should spread the tasks over private subnets in 2 availability zones', () => {
      const [[, service]] = ofType('AWS::ECS::Service') as [[string, Resource]];
      const subnets = (service.Properties.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: { Ref: string }[] } })
        .AwsvpcConfiguration.Subnets;
      expect(subnets).toHaveLength(2);
      const azs = subnets.map((ref) => JSON.stringify(resources[ref.Ref]?.Properties.AvailabilityZone));
      expect(new Set(azs).size).toBe(2);
      for (const ref of subnets) expect(resources[ref.Ref]?.Properties.MapPublicIpOnLaunch).toBe(false);
    });

    it('should build its image from the repository Dockerfile', () => {
      const manifest = JSON.parse(readFileSync(path.join(s.outdir, `${s.stack.artifactId}.assets.json`), 'utf8')) as {
        dockerImages: Record<string, { source: { directory: string; dockerFile: string } }>;
      };
      const images = Object.values(manifest.dockerImages);
      expect(images).toHaveLength(1);
      expect(images[0]!.source.dockerFile).toBe('Dockerfile');
      const context = path.join(s.outdir, images[0]!.source.directory);
      expect(existsSync(path.join(context, 'Dockerfile'))).toBe(true);
      expect(existsSync(path.join(context, 'package-lock.json'))).toBe(true);
      expect(existsSync(path.join(context, 'src'))).toBe(true);
      // .dockerignore keeps the build context small.
      expect(existsSync(path.join(context, 'node_modules'))).toBe(false);
      expect(existsSync(path.join(context, 'infra'))).toBe(false);
    });

    it('should inject the API keys from Secrets Manager and never as plain environment', () => {
      const [[, task]] = ofType('AWS::ECS::TaskDefinition') as [[string, Resource]];
      const [container] = task.Properties.ContainerDefinitions as Record<string, unknown>[];
      const secretId = logicalIdOf(s.stack.notify!.apiKeys as never);
      expect(container!.Secrets).toEqual([{ Name: 'NOTIFY_API_KEYS', ValueFrom: { Ref: secretId } }]);
      expect(resources[secretId]?.Type).toBe('AWS::SecretsManager::Secret');
      const env = container!.Environment as { Name: string; Value: unknown }[];
      expect(env.map((e) => e.Name)).not.toContain('NOTIFY_API_KEYS');
      expect(env.map((e) => e.Name)).not.toContain('AWS_REGION');
      expect(env).toEqual(
        expect.arrayContaining([
          { Name: 'STORAGE', Value: 'dynamodb' },
          { Name: 'PORT', Value: '3000' },
          { Name: 'HOST', Value: '0.0.0.0' },
          { Name: 'TABLE_NAME', Value: { Ref: logicalIdOf(s.stack.table.table) } },
        ]),
      );
      expect(container).toMatchObject({
        ReadonlyRootFilesystem: true,
        PortMappings: [{ ContainerPort: 3000, Protocol: 'tcp' }],
        HealthCheck: { Command: ['CMD-SHELL', expect.stringContaining('/healthz')] },
      });
    });

    it('should sit behind an internal ALB that checks /healthz and admits only the VPC', () => {
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internal',
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
        ]),
      });
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 3000,
        Protocol: 'HTTP',
        TargetType: 'ip',
        HealthCheckPath: '/healthz',
        Matcher: { HttpCode: '200' },
      });
      s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
      const albSg = logicalIdOf(s.stack.notify!.loadBalancer.connections.securityGroups[0] as never);
      const ingress = (resources[albSg]?.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[];
      expect(ingress).toEqual([expect.objectContaining({ CidrIp: '10.40.0.0/16', FromPort: 80, ToPort: 80 })]);
    });

    it('should scale on CPU and on requests per target between the configured bounds', () => {
      s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 2,
        MaxCapacity: 10,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          TargetValue: 60,
        }),
      });
      s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
          TargetValue: 1000,
        }),
      });
    });
  });

  it('should output the WebSocket URL, management endpoint, table, notify URL and secret', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>).sort();
    expect(outputs).toEqual(
      ['ManagementEndpoint', 'NotifyApiKeysSecretArn', 'NotifyServiceUrl', 'StageName', 'TableName', 'WebSocketApiId', 'WebSocketUrl'].sort(),
    );
    s.template.hasOutput('WebSocketUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['wss://', apiRef])] } });
  });
});
