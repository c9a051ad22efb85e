import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsTable } from '../../infra/constructs/connections-table.js';
import { grantDataAccess } from '../../infra/data-access.js';
import { BASE_CONTEXT, flat, nagFindings, synthesize, type Synthesized } from './synth-fixture.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

const SHARED_TABLE = { tableName: 'socketpost-prod-ConnectionsTable1A2B3C4D', region: 'us-east-1' };
const SHARED_TABLE_ARN = `arn:\${AWS::Partition}:dynamodb:us-east-1:\${AWS::AccountId}:table/${SHARED_TABLE.tableName}`;
/** The edge API as the main stack's `managementTargets` names it (its id comes from the edge stack's output). */
const EDGE_TARGET = { apiId: 'edge1234ab', stage: 'prod', region: 'eu-west-1' };

/** Resource types of the notify service and its network; an edge stack has none of them. */
const NOTIFY_TYPES = /^AWS::(ECS|ElasticLoadBalancingV2|EC2|SecretsManager|ApplicationAutoScaling|S3)::/;

function resourcesOf(s: Synthesized): Record<string, Resource> {
  return s.template.toJSON().Resources as Record<string, Resource>;
}

/** Every IAM statement that grants a DynamoDB action, with the roles of its policy. */
function dynamoStatements(s: Synthesized): { roles: string[]; statement: Statement }[] {
  return Object.values(resourcesOf(s))
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
        roles: (p.Properties.Roles as { Ref: string }[]).map((ref) => ref.Ref),
        statement,
      })),
    )
    .filter(({ statement }) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));
}

/** The environments of the four socketpost functions (not of CDK's deploy-time helper functions). */
function lambdaEnvironments(s: Synthesized): Record<string, unknown>[] {
  return Object.values(s.stack.functions)
    .map((f) => resourcesOf(s)[s.stack.getLogicalId(f.fn.node.defaultChild as never)]!)
    .map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables);
}

describe('an edge stack in eu-west-1 recording into a shared table in us-east-1', { timeout: 120_000 }, () => {
  let s: Synthesized;
  const roleId = (name: 'authorizer' | 'connect' | 'disconnect' | 'default') =>
    s.stack.getLogicalId(s.stack.functions[name].role.node.defaultChild as never);

  beforeAll(() => {
    s = synthesize({
      ...BASE_CONTEXT,
      region: 'eu-west-1',
      stage: 'prod',
      stackName: 'socketpost-prod-eu',
      // As given on the command line: strings, the table as JSON.
      sharedTable: JSON.stringify(SHARED_TABLE),
      notifyService: 'false',
      deletionProtection: 'false',
    });
  }, 120_000);
  afterAll(() => s?.cleanup());

  it('should deploy in eu-west-1 under its own stack name', () => {
    expect(s.stack.region).toBe('eu-west-1');
    expect(s.stack.stackName).toBe('socketpost-prod-eu');
    expect(s.stack.templateOptions.description).toBe(`socketpost (prod): WebSocket API and connections recorded in the shared table ${SHARED_TABLE.tableName} (us-east-1)`);
  });

  it('should create no DynamoDB table of its own', () => {
    s.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    s.template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  it('should deploy no VPC, Fargate service, load balancer, secret or log bucket', () => {
    const notifyResources = Object.entries(resourcesOf(s))
      .filter(([, r]) => NOTIFY_TYPES.test(r.Type))
      .map(([id, r]) => `${id} (${r.Type})`);
    expect(notifyResources).toEqual([]);
    expect(s.stack.notify).toBeUndefined();
  });

  it('should still deploy the WebSocket API with its three routes and four Lambdas', () => {
    s.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    s.template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
    s.template.resourceCountIs('AWS::Lambda::Function', 4);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod' });
  });

  it('should give every Lambda the shared table’s name and region', () => {
    const environments = lambdaEnvironments(s);
    expect(environments).toHaveLength(4);
    for (const env of environments) {
      expect(env).toMatchObject({ STORAGE: 'dynamodb', TABLE_NAME: SHARED_TABLE.tableName, TABLE_REGION: 'us-east-1' });
      expect(env).not.toHaveProperty('AWS_REGION');
    }
  });

  it('should let only the connect, disconnect and default Lambdas use the table, on exactly the shared table’s ARN', () => {
    const statements = dynamoStatements(s);
    expect(statements.length).toBeGreaterThan(0);
    expect([...new Set(statements.flatMap(({ roles }) => roles))].sort()).toEqual([roleId('connect'), roleId('disconnect'), roleId('default')].sort());
    const resources = statements.flatMap(({ statement }) => [statement.Resource].flat().map(flat));
    // The Lambdas never read the index: no `/index/*`, no other region, no wildcard.
    expect([...new Set(resources)]).toEqual([SHARED_TABLE_ARN]);
    const actions = [...new Set(statements.flatMap(({ statement }) => [statement.Action].flat()))].sort();
    // TransactWriteItems is authorised as the Put/Delete it contains; nothing else (no Scan, no batch).
    // Query: $disconnect finds the socket's own group memberships, resume reads the message log.
    // UpdateItem: $connect of a socketpost.v1 socket marks its user recovering.
    expect(actions).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('should still let $default post only to its own eu-west-1 stage', () => {
    const apiId = s.stack.getLogicalId(s.stack.gateway.api.node.defaultChild as never);
    const manage = Object.values(resourcesOf(s))
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((st) => st.Action === 'execute-api:ManageConnections')
      .flatMap((st) => [st.Resource].flat().map(flat));
    expect(manage).toEqual([`arn:\${AWS::Partition}:execute-api:eu-west-1:\${AWS::AccountId}:\${${apiId}}/prod/POST/@connections/*`]);
  });

  it('should output the API, its stage and the shared table, and nothing of a notify service', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>).sort();
    expect(outputs).toEqual(['ManagementEndpoint', 'StageName', 'TableName', 'WebSocketApiId', 'WebSocketUrl']);
    s.template.hasOutput('TableName', { Value: SHARED_TABLE.tableName });
    s.template.hasOutput('WebSocketApiId', { Value: { Ref: s.stack.getLogicalId(s.stack.gateway.api.node.defaultChild as never) } });
  });

  it('should warn that deletionProtection has no effect on a shared table', () => {
    Annotations.fromStack(s.stack).hasWarning(
      '/socketpost-prod-eu',
      Match.stringLikeRegexp('no effect in this stack.*deletionProtection'),
    );
  });

  it('should leave zero unacknowledged cdk-nag findings', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('the main stack in us-east-1 posting to the edge API', { timeout: 120_000 }, () => {
  let s: Synthesized;

  beforeAll(() => {
    s = synthesize({ ...BASE_CONTEXT, region: 'us-east-1', stage: 'prod', managementTargets: JSON.stringify([EDGE_TARGET]) });
  }, 120_000);
  afterAll(() => s?.cleanup());

  it('should keep its own table and notify service, and set no TABLE_REGION', () => {
    s.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    s.template.resourceCountIs('AWS::ECS::Service', 1);
    const tableId = s.stack.getLogicalId(s.stack.table.table.node.defaultChild as never);
    for (const env of lambdaEnvironments(s)) {
      expect(env).toMatchObject({ TABLE_NAME: { Ref: tableId } });
      expect(env).not.toHaveProperty('TABLE_REGION');
    }
    s.template.hasOutput('TableName', { Value: { Ref: tableId } });
    expect(s.stack.templateOptions.description).toBe('socketpost (prod): WebSocket API, connection table and notify service');
  });

  it('should let the notify task POST on the edge API’s eu-west-1 stage', () => {
    const taskRole = s.stack.getLogicalId(s.stack.notify!.service.taskDefinition.taskRole.node.defaultChild as never);
    const granted = Object.values(resourcesOf(s))
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: taskRole }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((st) => st.Action === 'execute-api:ManageConnections')
      .flatMap((st) => [st.Resource].flat().map(flat));
    const edge = `arn:\${AWS::Partition}:execute-api:eu-west-1:\${AWS::AccountId}:${EDGE_TARGET.apiId}/prod`;
    expect(granted.filter((arn) => arn.includes(EDGE_TARGET.apiId))).toEqual([`${edge}/POST/@connections/*`, `${edge}/DELETE/@connections/*`]);
  });

  it('should leave zero unacknowledged cdk-nag findings', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('the connections table construct', () => {
  const build = (shared?: { tableName: string; region: string; account?: string }) => {
    const stack = new Stack(new App(), 'Probe', { env: { region: 'eu-west-1' } });
    const table = new ConnectionsTable(stack, 'Connections', { deletionProtection: true, ...(shared ? { shared } : {}) });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    grantDataAccess('connect', role, table.table, []);
    return { table, template: Template.fromStack(stack) };
  };

  it('should import a shared table in another account by its ARN instead of creating one', () => {
    const { table, template } = build({ tableName: 'connections-main', region: 'us-east-1', account: '210987654321' });
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    expect(table.environment).toEqual({ TABLE_NAME: 'connections-main', TABLE_REGION: 'us-east-1' });
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const resources = (policy!.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((st) =>
      [st.Resource].flat().map(flat),
    );
    expect([...new Set(resources)]).toEqual(['arn:${AWS::Partition}:dynamodb:us-east-1:210987654321:table/connections-main']);
  });

  it('should create its own table and leave TABLE_REGION to the app when not shared', () => {
    const { table, template } = build();
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    expect(Object.keys(table.environment)).toEqual(['TABLE_NAME']);
    expect(table.shared).toBeUndefined();
  });
});
