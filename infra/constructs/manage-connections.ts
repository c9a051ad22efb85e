import { ArnFormat, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { acknowledgeWildcardResources } from './nag.js';

/** HTTP methods of the @connections API: POST sends, GET reads a connection, DELETE closes it. */
export type ConnectionsMethod = 'POST' | 'GET' | 'DELETE';

/** An API stage whose @connections API a principal may call; region/account default to the stack's. */
export interface ApiStageRef {
  apiId: string;
  stage: string;
  region?: string;
  account?: string;
}

/**
 * `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/@connections/*` for each
 * target and method: the exact resources ManageConnections is checked against, so no other stage,
 * API or method is allowed.
 */
export function manageConnectionsArns(
  scope: IConstruct,
  targets: readonly ApiStageRef[],
  methods: readonly ConnectionsMethod[],
): string[] {
  const stack = Stack.of(scope);
  return targets.flatMap((target) =>
    methods.map((method) =>
      stack.formatArn({
        service: 'execute-api',
        region: target.region ?? stack.region,
        account: target.account ?? stack.account,
        resource: target.apiId,
        resourceName: `${target.stage}/${method}/@connections/*`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    ),
  );
}

/** Lets `role` call the @connections API of these stages with these methods only. */
export function grantManageConnections(
  role: IRole,
  targets: readonly ApiStageRef[],
  methods: readonly ConnectionsMethod[],
): PolicyStatement {
  const resources = manageConnectionsArns(role, targets, methods);
  const statement = new PolicyStatement({ actions: ['execute-api:ManageConnections'], resources });
  role.addToPrincipalPolicy(statement);
  acknowledgeWildcardResources(
    role,
    resources,
    'Connection ids are only known at run time; the ARN pins the API, the stage and the method, and * stands for the connection id only.',
  );
  return statement;
}
