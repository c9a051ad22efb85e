import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/dynamodb-table.js';

export interface ConnectionsTableProps {
  /** Refuses deletion of the table (and keeps it when the stack is deleted). */
  deletionProtection: boolean;
}

/**
 * The single table of connections and endpoints. Keys and TTL come from the adapter, so the stack and
 * the code cannot drift apart. No GSI: a user's connections are one Query on `pk`.
 */
export class ConnectionsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: ConnectionsTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
