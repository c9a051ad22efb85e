import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
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
 * for POST /broadcast. Who may do what on it is `infra/data-access.ts`.
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

  private importTable(shared: SharedTable): ITableV2 {
    const stack = Stack.of(this);
    const tableArn = stack.formatArn({
      service: 'dynamodb',
      region: shared.region,
      account: shared.account ?? stack.account,
      resource: 'table',
      resourceName: shared.tableName,
    });
    // The table has no index, so the grants name the table ARN alone (no `/index/*`).
    return TableV2.fromTableAttributes(this, 'Table', { tableArn, grantIndexPermissions: false });
  }
}
