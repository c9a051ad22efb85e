/**
 * What each role may do, and why: the ONE table of data-access grants of the stack. Each line is one call
 * the code makes; `test/infra/data-access.test.ts` derives the calls from the adapters' source and fails
 * on a call without a line here, and on a line without a call. A feature that adds a storage or
 * @connections call adds exactly one line.
 */
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BROADCAST_INDEX,
  BROADCAST_SHARD_PREFIX,
  CONNECTION_PREFIX,
  GROUP_PREFIX,
  IDEMPOTENCY_PREFIX,
  ENDPOINT_PARTITION,
  MESSAGE_LOG_PREFIX,
  HEALTH_CHECK_KEY,
  USER_PREFIX,
} from '../src/adapters/dynamodb/dynamodb-table.js';
import { type ApiStageRef, type ConnectionsMethod, grantManageConnections } from './constructs/manage-connections.js';

/** The principals of the stack: the four Lambdas and the notify service's task. */
export type AccessRole = 'authorizer' | 'connect' | 'disconnect' | 'default' | 'task';
export const ACCESS_ROLES: readonly AccessRole[] = ['authorizer', 'connect', 'disconnect', 'default', 'task'];

/** A DynamoDB IAM action, or ManageConnections restricted to one HTTP method of `@connections`. */
export type DataAction = `dynamodb:${string}` | `execute-api:ManageConnections:${ConnectionsMethod}`;

export interface DataGrant {
  role: AccessRole;
  action: DataAction;
  /** The code that makes the call. */
  why: string;
}

export const DATA_ACCESS: readonly DataGrant[] = [
  { role: 'connect', action: 'dynamodb:GetItem', why: 'DynamoDbConnectionRepository.save reads the id item first (optimistic lock)' },
  { role: 'connect', action: 'dynamodb:PutItem', why: 'DynamoDbEndpointRegistry.register; the save transaction puts the user and id items' },
  { role: 'connect', action: 'dynamodb:DeleteItem', why: 'the save transaction deletes the old user item when a connection id moves to another user' },
  { role: 'disconnect', action: 'dynamodb:GetItem', why: 'DynamoDbConnectionRepository.remove reads the id item to find the user' },
  { role: 'disconnect', action: 'dynamodb:DeleteItem', why: 'the remove transaction deletes the id and user items' },
  { role: 'default', action: 'execute-api:ManageConnections:POST', why: 'AnswerClientMessage posts the pong to the sender' },
  { role: 'task', action: 'dynamodb:Query', why: "DynamoDbConnectionRepository.findByUser: a user's connections" },
  { role: 'task', action: 'dynamodb:GetItem', why: 'readiness ping (HEALTH item); remove reads the id item before pruning; the message log counter (recovery)' },
  { role: 'task', action: 'dynamodb:DeleteItem', why: 'NotifyUser prunes connections that answered 410 (remove transaction)' },
  { role: 'task', action: 'execute-api:ManageConnections:POST', why: 'NotifyUser posts each message' },
  { role: 'disconnect', action: 'dynamodb:Query', why: "DynamoDbGroupRepository.removeConnectionFromAll finds the socket's own group memberships" },
  { role: 'default', action: 'dynamodb:GetItem', why: 'SocketGroup (join) reads the sender\'s connection record' },
  { role: 'default', action: 'dynamodb:PutItem', why: 'SocketGroup (join) puts the membership and its reverse item (transaction)' },
  { role: 'default', action: 'dynamodb:DeleteItem', why: 'SocketGroup (leave) deletes the membership and its reverse item' },
  { role: 'task', action: 'dynamodb:PutItem', why: 'group members (PUT /groups/:g/users/:u), Idempotency-Key claims (conditional put), logged messages (recovery)' },
  { role: 'task', action: 'dynamodb:UpdateItem', why: 'an Idempotency-Key stores the answer of its request; the message log counter (recovery append transaction)' },
  { role: 'task', action: 'execute-api:ManageConnections:DELETE', why: 'DELETE /connections/:id and DELETE /users/:u/connections close sockets' },
  { role: 'connect', action: 'dynamodb:UpdateItem', why: 'a socketpost.v1 socket marks its user recovering (DynamoDbMessageLog.markRecovering)' },
  { role: 'default', action: 'dynamodb:Query', why: "resume reads the user's logged messages after a seq (DynamoDbMessageLog.readAfter)" },
];

/** An index a role may Query, and the index partition keys it may read there (`dynamodb:LeadingKeys`). */
export interface IndexGrant {
  index: string;
  leadingKeys: readonly string[];
}

/**
 * The indexes a role may Query besides the table (Query only, nothing else on an index): only the notify task
 * reads the `broadcast` index (POST /broadcast), whose partition keys are the write-sharded `BCAST#…` keys.
 */
export const INDEXES: Readonly<Record<AccessRole, readonly IndexGrant[]>> = {
  authorizer: [],
  connect: [],
  disconnect: [],
  default: [],
  task: [{ index: BROADCAST_INDEX.indexName, leadingKeys: [`${BROADCAST_SHARD_PREFIX}*`] }],
};

/**
 * The partition keys of the table each role may read or write (`dynamodb:LeadingKeys`): a role never reaches
 * the key kinds it does not use. Key kinds are those of `src/adapters/dynamodb/dynamodb-table.ts`. (`connect`
 * writes the `BCAST#…` shard key as an attribute of the id item only: it is no partition key of the table.)
 */
export const LEADING_KEYS: Readonly<Record<AccessRole, readonly string[]>> = {
  authorizer: [],
  // MSGLOG#: the recovering mark of a socketpost.v1 user, on her message log's counter item.
  connect: [`${USER_PREFIX}*`, `${CONNECTION_PREFIX}*`, ENDPOINT_PARTITION, `${MESSAGE_LOG_PREFIX}*`],
  disconnect: [`${USER_PREFIX}*`, `${CONNECTION_PREFIX}*`, `${GROUP_PREFIX}*`],
  // MSGLOG#: resume reads the user's message log (its counter and messages).
  default: [`${CONNECTION_PREFIX}*`, `${GROUP_PREFIX}*`, `${MESSAGE_LOG_PREFIX}*`],
  // ENDPOINT: a broadcast lists the registered stages (DynamoDbEndpointRegistry.list).
  // MSGLOG#: sends number and log the messages of users who opted into recovery (socketpost.v1).
  task: [
    `${USER_PREFIX}*`,
    `${CONNECTION_PREFIX}*`,
    ENDPOINT_PARTITION,
    HEALTH_CHECK_KEY.pk,
    `${GROUP_PREFIX}*`,
    `${IDEMPOTENCY_PREFIX}*`,
    `${MESSAGE_LOG_PREFIX}*`,
  ],
};

/** The lines of one role. */
export function grantsOf(role: AccessRole): { dynamodb: string[]; connections: ConnectionsMethod[] } {
  const actions = DATA_ACCESS.filter((grant) => grant.role === role).map((grant) => grant.action);
  return {
    dynamodb: [...new Set(actions.filter((a) => a.startsWith('dynamodb:')))].sort(),
    connections: [
      ...new Set(
        actions
          .filter((a) => a.startsWith('execute-api:ManageConnections:'))
          .map((a) => a.slice('execute-api:ManageConnections:'.length) as ConnectionsMethod),
      ),
    ],
  };
}

/**
 * Adds the role's lines to `principal`: its DynamoDB actions on `table` itself, for its key kinds only; Query
 * on each of its indexes, for that index's key kinds only; and ManageConnections with its methods on the
 * `targets` stages.
 */
export function grantDataAccess(role: AccessRole, principal: IRole, table: ITableV2, targets: readonly ApiStageRef[]): void {
  const { dynamodb, connections } = grantsOf(role);
  if (dynamodb.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: dynamodb,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...LEADING_KEYS[role]] } },
      }),
    );
  }
  for (const { index, leadingKeys } of INDEXES[role]) {
    if (!dynamodb.includes('dynamodb:Query')) throw new Error(`${role} may read index ${index} but has no dynamodb:Query line`);
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${index}`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
      }),
    );
  }
  if (connections.length > 0) grantManageConnections(principal, targets, connections);
}
