// The one DynamoDB table of the single-table design. Keys, index names and the TTL attribute
// come from the same constants the adapters use, so the stack and the code cannot disagree.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GSI, TABLE_KEYS, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/table-design.js';

// What the handlers do with the table: single-item reads and conditional writes, queries,
// batched reads/writes, and transactions (which IAM authorizes through the per-item actions,
// with ConditionCheckItem for the guards). No Scan, no table management, no streams.
const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];
// Indexes are read-only and only ever queried.
const INDEX_ACTIONS = ['dynamodb:Query'];

export interface TablesProps {
  stage: string;
}

export class Tables extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);

    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `switchyard-${props.stage}`,
      partitionKey: { name: TABLE_KEYS.partitionKey, type: string },
      sortKey: { name: TABLE_KEYS.sortKey, type: string },
      // On-demand: traffic is bursty (job submissions, one reconcile pass a minute) and
      // a fresh deployment should cost nothing while idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The table holds jobs and the money ledger: neither a stack update nor a console
      // click may drop it. Tearing down is a deliberate two-step (see the README).
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Idempotency records and similar short-lived items carry an epoch-seconds expiry.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The aws/dynamodb key: no key to manage, and every use of it is visible in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });

    for (const index of Object.values(GSI)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Item-level read/write on the table and query on each named index, spelled out rather
   * than via `grantReadWriteData`, which would also allow Scan, DescribeTable and a
   * wildcard over all indexes.
   */
  grantItemReadWrite(grantee: iam.IGrantable): void {
    const indexArns = Object.values(GSI).map((index) => `${this.table.tableArn}/index/${index.name}`);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ITEM_ACTIONS, resources: [this.table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: INDEX_ACTIONS, resources: indexArns }),
    );
  }
}
