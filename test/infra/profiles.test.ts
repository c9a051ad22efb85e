import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_ROLES, DATA_ACCESS, INDEXES, LEADING_KEYS, type AccessRole } from '../../infra/data-access.js';
import { AUTHORIZER_TIMEOUT } from '../../infra/socketpost-stack.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { JWKS_FETCH_TIMEOUT_MS } from '../../src/adapters/auth/jose-token.verifier.js';
import { acknowledgements, flat, nagFindings, synthesize, type Synthesized } from './synth-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: unknown };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/socketpost/notify:1.4.2';
const CALLERS_SG = 'sg-0123456789abcdef0';

/** What `npm run synth` gets with no settings at all (the CLI's region only). */
const DEVELOPMENT = { region: 'eu-west-1' };
const PRODUCTION = {
  region: 'eu-west-1',
  profile: 'production',
  jwtJwksUrl: 'https://login.acme-payments.io/.well-known/jwks.json',
  jwtIssuer: 'https://login.acme-payments.io/',
  jwtAudience: 'socketpost',
  certificateArn: CERTIFICATE_ARN,
  allowedCidrs: '10.0.0.0/8',
  allowedSecurityGroupIds: CALLERS_SG,
  vpcCidr: '10.60.0.0/16',
  containerImage: IMAGE,
  manageApiGatewayAccount: 'true',
};

/** Actions every role has for its own log group; not data access. */
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

function resourcesOf(s: Synthesized): Record<string, Resource> {
  return s.template.toJSON().Resources as Record<string, Resource>;
}

function ofType(s: Synthesized, type: string): [string, Resource][] {
  return Object.entries(resourcesOf(s)).filter(([, r]) => r.Type === type);
}

function roleIdOf(s: Synthesized, role: AccessRole): string {
  const construct = role === 'task' ? s.stack.notify!.service.taskDefinition.taskRole : s.stack.functions[role].role;
  return s.stack.getLogicalId(construct.node.defaultChild as never);
}

function statementsOf(s: Synthesized, roleId: string): Statement[] {
  return ofType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Every action a role has in the template; ManageConnections as `…:{METHOD}`, read from its resource ARNs. */
function actionsInTemplate(s: Synthesized, role: AccessRole): string[] {
  const actions = new Set<string>();
  for (const st of statementsOf(s, roleIdOf(s, role))) {
    expect(st.Effect).toBe('Allow');
    for (const action of [st.Action].flat()) {
      if (action !== 'execute-api:ManageConnections') {
        actions.add(action);
        continue;
      }
      for (const arn of [st.Resource].flat().map(flat)) {
        const method = /\/(POST|GET|DELETE|\*)\/@connections\/\*$/.exec(arn)?.[1] ?? `unscoped(${arn})`;
        actions.add(`execute-api:ManageConnections:${method}`);
      }
    }
  }
  return [...actions].filter((a) => !LOG_ACTIONS.includes(a)).sort();
}

function declared(role: AccessRole): string[] {
  return [...new Set(DATA_ACCESS.filter((g) => g.role === role).map((g) => g.action))].sort();
}

/** The task security group's egress rules: inline, and those CDK writes as their own resources. */
function egressOf(s: Synthesized): Record<string, unknown>[] {
  const sgId = s.stack.getLogicalId(s.stack.notify!.taskSecurityGroup.node.defaultChild as never);
  const separate = ofType(s, 'AWS::EC2::SecurityGroupEgress')
    .map(([, r]) => r.Properties)
    .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ 'Fn::GetAtt': [sgId, 'GroupId'] }))
    .map(({ GroupId: _group, ...rule }) => rule);
  return [...((resourcesOf(s)[sgId]!.Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[]), ...separate];
}

function lambdaEnvironments(s: Synthesized): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.values(s.stack.functions).map((f) => {
      const id = s.stack.getLogicalId(f.fn.node.defaultChild as never);
      return [id, (resourcesOf(s)[id]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables];
    }),
  );
}

function gatewayEndpointServices(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
    .map((e) => flat((e.Properties as { ServiceName: unknown }).ServiceName))
    .sort();
}

describe('deployment profiles', { timeout: 180_000 }, () => {
  let dev: Synthesized;
  let prod: Synthesized;
  const both = () => [
    ['development', dev],
    ['production', prod],
  ] as const;

  beforeAll(() => {
    dev = synthesize(DEVELOPMENT);
    prod = synthesize(PRODUCTION);
  }, 180_000);
  afterAll(() => {
    dev?.cleanup();
    prod?.cleanup();
  });

  describe('on both profiles', () => {
    it('should leave zero unacknowledged cdk-nag findings', () => {
      expect(nagFindings(dev.app)).toEqual([]);
      expect(nagFindings(prod.app)).toEqual([]);
    });

    it('should give every acknowledgement a reason', () => {
      for (const [, s] of both()) {
        const acks = acknowledgements(s.app);
        expect(acks.map((a) => a.id)).toEqual(
          expect.arrayContaining(['AwsSolutions-L1', 'AwsSolutions-APIG4', 'AwsSolutions-ECS2', 'AwsSolutions-SMG4', 'AwsSolutions-S1']),
        );
        for (const ack of acks) expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThan(30);
      }
    });

    it('should acknowledge wildcards only for the exact @connections ARNs and ecr:GetAuthorizationToken', () => {
      for (const [, s] of both()) {
        const iam5 = acknowledgements(s.app).filter((a) => a.id.startsWith('AwsSolutions-IAM5'));
        const resources = iam5.map((a) => /\[Resource::(.*)\]$/.exec(a.id)?.[1]);
        // ecr:GetAuthorizationToken and ec2:DescribeManagedPrefixLists have no resource-level permission.
        expect(iam5.filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]').map((a) => a.path).sort()).toEqual([
          expect.stringMatching(/Notify\/DynamoDbPrefixList\/Lookup$/),
          expect.stringMatching(/Notify\/Task\/ExecutionRole$/),
        ]);
        for (const r of resources.filter((r) => r !== '*')) {
          expect(r).toMatch(/^arn:<AWS::Partition>:execute-api:eu-west-1:<AWS::AccountId>:<WebSocketApi\w+>\/dev\/(POST|DELETE)\/@connections\/\*$/);
        }
        // DELETE only for the notify task (close routes): $default only POSTs.
        for (const a of iam5.filter((a) => a.id.includes('/DELETE/@connections'))) expect(a.path).toMatch(/Notify\//);
      }
    });

    it.each(ACCESS_ROLES)('should give the %s role exactly its lines of infra/data-access.ts, and no other action', (role) => {
      for (const [, s] of both()) expect(actionsInTemplate(s, role)).toEqual(declared(role));
    });

    it('should limit every DynamoDB statement to the table and to the role’s key kinds', () => {
      for (const [, s] of both()) {
        const tableArn = { 'Fn::GetAtt': [s.stack.getLogicalId(s.stack.table.table.node.defaultChild as never), 'Arn'] };
        for (const role of ACCESS_ROLES) {
          const dynamo = statementsOf(s, roleIdOf(s, role)).filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
          const onTable = dynamo.filter((st) => JSON.stringify(st.Resource) === JSON.stringify(tableArn));
          expect(onTable.length, role).toBe(LEADING_KEYS[role].length > 0 ? 1 : 0);
          for (const st of onTable) {
            expect(st.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...LEADING_KEYS[role]] } });
          }
          // Every other DynamoDB statement: Query only, on one of the role's indexes, for that index's key kinds.
          const onIndexes = dynamo.filter((st) => !onTable.includes(st));
          expect(onIndexes).toEqual(
            INDEXES[role].map(({ index, leadingKeys }) =>
              expect.objectContaining({
                Action: 'dynamodb:Query',
                Resource: { 'Fn::Join': ['', [tableArn, `/index/${index}`]] },
                Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
              }),
            ),
          );
        }
      }
      expect(LEADING_KEYS.connect).toEqual(['USER#*', 'CONN#*', 'ENDPOINT', 'MSGLOG#*']);
      expect(LEADING_KEYS.authorizer).toEqual([]);
      // BCAST#… keys only on the broadcast index, never on the table.
      for (const role of ACCESS_ROLES) expect(LEADING_KEYS[role].join(' ')).not.toMatch(/BCAST#/);
      expect(INDEXES.task).toEqual([{ index: 'broadcast', leadingKeys: ['BCAST#*'] }]);
    });

    it('should add S3 and DynamoDB gateway endpoints to the VPC (and no execute-api endpoint)', () => {
      for (const [, s] of both()) {
        const services = gatewayEndpointServices(s.template).join(' ');
        expect(services).toMatch(/\.dynamodb/);
        expect(services).toMatch(/\.s3/);
        expect(services).not.toMatch(/execute-api/);
        s.template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 2);
        s.template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
      }
    });

    it('should let the tasks open HTTPS connections only, DynamoDB through its prefix list', () => {
      for (const [name, s] of both()) {
        const lookup = ofType(s, 'Custom::AWS').map(([id, r]) => ({ id, create: JSON.stringify(r.Properties.Create) }));
        expect(lookup, name).toEqual([{ id: expect.stringMatching(/DynamoDbPrefixList/), create: expect.stringContaining('com.amazonaws.eu-west-1.dynamodb') }]);
        expect(egressOf(s), name).toEqual([
          { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: expect.any(String) },
          {
            DestinationPrefixListId: { 'Fn::GetAtt': [lookup[0]!.id, 'PrefixLists.0.PrefixListId'] },
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            Description: expect.any(String),
          },
        ]);
      }
    });

    it('should give the JWT settings to the authorizer only', () => {
      for (const [, s] of both()) {
        const authorizerId = s.stack.getLogicalId(s.stack.functions.authorizer.fn.node.defaultChild as never);
        for (const [id, env] of Object.entries(lambdaEnvironments(s))) {
          const jwtKeys = Object.keys(env).filter((k) => k.startsWith('JWT_'));
          expect(jwtKeys, id).toEqual(id === authorizerId ? ['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'] : []);
        }
      }
      const prodAuthorizer = lambdaEnvironments(prod)[prod.stack.getLogicalId(prod.stack.functions.authorizer.fn.node.defaultChild as never)]!;
      expect(prodAuthorizer.JWT_JWKS_URL).toBe(PRODUCTION.jwtJwksUrl);
    });

    it('should give the authorizer a timeout well above the JWKS fetch timeout', () => {
      expect(AUTHORIZER_TIMEOUT.toMilliseconds()).toBeGreaterThanOrEqual(3 * JWKS_FETCH_TIMEOUT_MS);
      for (const [, s] of both()) {
        const id = s.stack.getLogicalId(s.stack.functions.authorizer.fn.node.defaultChild as never);
        const timeout = resourcesOf(s)[id]!.Properties.Timeout as number;
        expect(timeout * 1000).toBeGreaterThanOrEqual(3 * JWKS_FETCH_TIMEOUT_MS);
        expect(timeout).toBeLessThan(29); // API Gateway gives up on an integration after 29 s
      }
    });
  });

  describe('development (the default)', () => {
    it('should synthesize with no settings at all, on placeholders it warns about', () => {
      expect(dev.config.profile).toBe('development');
      expect(dev.config.jwtIsPlaceholder).toBe(true);
    });

    it('should use one NAT gateway, x86_64 tasks, an unprotected ALB and plain HTTP inside the VPC', () => {
      dev.template.resourceCountIs('AWS::EC2::NatGateway', 1);
      dev.template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' } });
      dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
      });
      dev.template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    });

    it('should create the VPC on the default range and admit only that range', () => {
      dev.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
      const albSg = dev.stack.getLogicalId(dev.stack.notify!.loadBalancer.connections.securityGroups[0]!.node.defaultChild as never);
      expect(resourcesOf(dev)[albSg]!.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '10.40.0.0/16', FromPort: 80, ToPort: 80 }),
      ]);
    });

    it('should leave the account’s API Gateway logging role to the stack that owns it', () => {
      dev.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    });

    it('should build the image from the Dockerfile', () => {
      const manifest = JSON.parse(readFileSync(path.join(dev.outdir, `${dev.stack.artifactId}.assets.json`), 'utf8')) as {
        dockerImages: Record<string, unknown>;
      };
      expect(Object.keys(manifest.dockerImages)).toHaveLength(1);
    });
  });

  describe('production', () => {
    it('should use one NAT gateway per zone, arm64 tasks and a deletion-protected ALB', () => {
      expect(prod.config.profile).toBe('production');
      prod.template.resourceCountIs('AWS::EC2::NatGateway', 2);
      const nats = ofType(prod, 'AWS::EC2::NatGateway').map(([, n]) => JSON.stringify(n.Properties.SubnetId));
      expect(new Set(nats).size).toBe(2);
      prod.template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
      prod.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internal',
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
      });
    });

    it('should route each private subnet through the NAT gateway of its own zone', () => {
      const routes = ofType(prod, 'AWS::EC2::Route').filter(([, r]) => r.Properties.NatGatewayId);
      expect(new Set(routes.map(([, r]) => JSON.stringify(r.Properties.NatGatewayId))).size).toBe(2);
    });

    it('should serve HTTPS on 443 on the internal ALB, port 80 only redirecting', () => {
      prod.template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
      prod.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        DefaultActions: [Match.objectLike({ Type: 'forward' })],
      });
      prod.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      });
    });

    it('should admit only the allowed CIDRs and security groups, on 443 and the redirect port', () => {
      expect(prod.stack.notify!.url).toMatch(/^https:\/\//);
      const albSg = prod.stack.getLogicalId(prod.stack.notify!.loadBalancer.connections.securityGroups[0]!.node.defaultChild as never);
      const ingress = (resourcesOf(prod)[albSg]!.Properties.SecurityGroupIngress as Record<string, unknown>[]).map((rule) => ({
        from: rule.CidrIp ?? rule.SourceSecurityGroupId,
        port: rule.FromPort,
      }));
      expect(ingress).toEqual(
        expect.arrayContaining([
          { from: '10.0.0.0/8', port: 443 },
          { from: '10.0.0.0/8', port: 80 },
          { from: CALLERS_SG, port: 443 },
          { from: CALLERS_SG, port: 80 },
        ]),
      );
      expect(ingress).toHaveLength(4);
    });

    it('should create the VPC on the configured range', () => {
      prod.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.60.0.0/16' });
    });

    it('should own the account’s API Gateway logging role and keep it when the stack is deleted', () => {
      prod.template.resourceCountIs('AWS::ApiGateway::Account', 1);
      prod.template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      prod.template.hasResource('AWS::IAM::Role', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          AssumeRolePolicyDocument: Match.objectLike({
            Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
          }),
        }),
      });
      const stage = ofType(prod, 'AWS::ApiGatewayV2::Stage')[0]?.[1];
      expect(JSON.stringify(stage!.DependsOn)).toContain('ApiGatewayAccount');
    });

    it('should run the given ECR image, build nothing with Docker, and pull from that repository only', () => {
      const manifest = JSON.parse(readFileSync(path.join(prod.outdir, `${prod.stack.artifactId}.assets.json`), 'utf8')) as {
        dockerImages?: Record<string, unknown>;
      };
      expect(Object.keys(manifest.dockerImages ?? {})).toEqual([]);
      const task = ofType(prod, 'AWS::ECS::TaskDefinition')[0]?.[1];
      const [container] = task!.Properties.ContainerDefinitions as { Image: unknown }[];
      expect(flat(container!.Image)).toBe(
        '123456789012.dkr.ecr.eu-west-1.${AWS::URLSuffix}/socketpost/notify:1.4.2',
      );
      const executionRole = prod.stack.getLogicalId(prod.stack.notify!.service.taskDefinition.executionRole!.node.defaultChild as never);
      const pulls = statementsOf(prod, executionRole).filter((st) => [st.Action].flat().includes('ecr:BatchGetImage'));
      expect(pulls.flatMap((st) => [st.Resource].flat().map(flat))).toEqual([
        'arn:${AWS::Partition}:ecr:eu-west-1:123456789012:repository/socketpost/notify',
      ]);
    });
  });
});

describe('a production synth without its settings', { timeout: 60_000 }, () => {
  it('should refuse, listing every missing setting in one message', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'socketpost-refused-'));
    try {
      const run = promisify(execFile)('npx', ['tsx', 'infra/app.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ profile: 'production', region: 'eu-west-1' }) },
      });
      const failure = (await run.then(
        () => undefined,
        (error: unknown) => error,
      )) as { code?: number; stderr?: string } | undefined;
      expect(failure?.code).toBe(1);
      const lines = failure!.stderr!.trim().split('\n');
      expect(lines[0]).toBe('Invalid socketpost deployment settings:');
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(/^ {2}- profile=production needs jwtJwksUrl, jwtIssuer and jwtAudience/),
        expect.stringMatching(/^ {2}- profile=production needs certificateArn/),
        expect.stringMatching(/^ {2}- profile=production needs allowedCidrs or allowedSecurityGroupIds/),
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
