import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BROADCAST_INDEX, TABLE_KEYS, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/dynamodb-table.js';
import type { SharedTable } from '../config.js';

export interface ConnectionsTableProps {
  /** Refuses deletion of the table (and keeps it when the stack is deleted). Unused with `shared`. */
  deletionProtection: boolean;
  /** Use this existing table (owned by another stack) instead of creating one. */
  shared?: SharedTable;
}

/**
 * The single table of connections and endpoints: created here, or imported when another stack owns it.
 * Keys, TTL and the one index come from the adapter, so the stack and the code cannot drift apart: a user's
 * connections are one Query on `pk`; the sparse, write-sharded `broadcast` index lists a stage's connections
 * for `POST /broadcast`.
 */
export class ConnectionsTable extends Construct {
  readonly table: ITableV2;
  /** The table's name as the processes get it (a literal when shared, a reference when created here). */
  readonly tableName: string;
  /** Set when the table belongs to another stack. */
  readonly shared: SharedTable | undefined;

  constructor(scope: Construct, id: string, props: ConnectionsTableProps) {
    super(scope, id);
    this.shared = props.shared;
    if (props.shared) {
      this.table = this.importTable(props.shared);
      // The literal name, not the one split out of the ARN (a template expression once the ARN has tokens).
      this.tableName = props.shared.tableName;
      return;
    }
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      globalSecondaryIndexes: [
        {
          indexName: BROADCAST_INDEX.indexName,
          partitionKey: { name: BROADCAST_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: BROADCAST_INDEX.sortKey, type: AttributeType.STRING },
        },
      ],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.table = table;
    this.tableName = table.tableName;
  }

  /**
   * What every process needs to reach the table. TABLE_REGION only for a shared table: the app defaults
   * it to its own region, which is right for a table created in the same stack.
   */
  get environment(): Record<string, string> {
    return { TABLE_NAME: this.tableName, ...(this.shared ? { TABLE_REGION: this.shared.region } : {}) };
  }

  /** Read and write items of this table (what the repositories use), and not its index. */
  grantConnections(grantee: IGrantable): void {
    grantTableItems(this.table, grantee);
  }

  private importTable(shared: SharedTable): ITableV2 {
    const stack = Stack.of(this);
    const tableArn = stack.formatArn({
      service: 'dynamodb',
      region: shared.region,
      account: shared.account ?? stack.account,
      resource: 'table',
      resourceName: shared.tableName,
    });
    // The grants name the table ARN and, for the notify task, its `broadcast` index (which the owner must add).
    return TableV2.fromTableAttributes(this, 'Table', { tableArn, grantIndexPermissions: false });
  }
}

/**
 * The item actions of the repositories (Get/Put/Update/Delete/Query, and ConditionCheck inside transactions)
 * on the table's own ARN; `withBroadcastIndex` adds Query on the `broadcast` index alone (POST /broadcast),
 * never `index/*`.
 */
export function grantTableItems(table: ITableV2, grantee: IGrantable, options: { withBroadcastIndex?: boolean } = {}): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      resources: [table.tableArn],
    }),
  );
  if (options.withBroadcastIndex) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${BROADCAST_INDEX.indexName}`] }),
    );
  }
}
