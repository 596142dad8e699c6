// The run-time contract's AWS resources: S3 buckets for job logs, outputs and checkpoints
// (reached by the agent through short-lived presigned URLs the api hands out), the KMS key
// that seals tenant secrets, and the HMAC key that signs per-attempt agent tokens.
// Buckets: SSE-S3 (presigned URLs then need no KMS grant on the agent's side), TLS only,
// public access blocked, objects owned by the bucket owner, access-logged, and expired by
// lifecycle rules so that nothing accumulates forever.
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LAUNCH_STATE_NAME_PREFIX } from '../../src/core/launch-state.js';

export interface RunTimeProps {
  stage: string;
  /** Job logs are deleted this many days after they were written. */
  jobLogRetentionDays: number;
  outputRetentionDays: number;
  checkpointRetentionDays: number;
}

/** What a function may do with the run-time buckets; spelled out, never `s3:*Object*`. */
export type BucketAccess = 'read' | 'write' | 'read-write' | 'read-write-delete';

const OBJECT_ACTIONS: Record<BucketAccess, string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject'],
  'read-write': ['s3:GetObject', 's3:PutObject'],
  'read-write-delete': ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
};

const bucketOptions = (accessLogs: s3.IBucket, prefix: string): s3.BucketProps => ({
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  serverAccessLogsBucket: accessLogs,
  serverAccessLogsPrefix: `${prefix}/`,
  // Tenants' data: a stack update or deletion must not drop it (empty and delete by hand).
  removalPolicy: RemovalPolicy.RETAIN,
});

export class RunTime extends Construct {
  readonly logs: s3.Bucket;
  readonly outputs: s3.Bucket;
  readonly checkpoints: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  /** Seals tenant secrets (envelope encryption: GenerateDataKey / Decrypt with an encryption context). */
  readonly secretsKey: kms.Key;
  /** HMAC key for per-attempt agent tokens; generated at deploy time, never in the template. */
  readonly agentTokenKey: secretsmanager.Secret;
  readonly agentTokenKeyName: string;

  constructor(scope: Construct, id: string, props: RunTimeProps) {
    super(scope, id);

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    // No access logging of its own: it is the destination (cdk-nag recognizes that).

    const abortUploads = { abortIncompleteMultipartUploadAfter: Duration.days(1) };
    this.logs = new s3.Bucket(this, 'Logs', {
      ...bucketOptions(this.accessLogs, 'logs'),
      lifecycleRules: [{ id: 'expire-job-logs', expiration: Duration.days(props.jobLogRetentionDays), ...abortUploads }],
    });
    this.outputs = new s3.Bucket(this, 'Outputs', {
      ...bucketOptions(this.accessLogs, 'outputs'),
      lifecycleRules: [{ id: 'expire-job-outputs', expiration: Duration.days(props.outputRetentionDays), ...abortUploads }],
    });
    this.checkpoints = new s3.Bucket(this, 'Checkpoints', {
      ...bucketOptions(this.accessLogs, 'checkpoints'),
      lifecycleRules: [{ id: 'expire-checkpoints', expiration: Duration.days(props.checkpointRetentionDays), ...abortUploads }],
    });

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      alias: `alias/switchyard-${props.stage}-secrets`,
      description: 'Switchyard: wraps the data keys that seal tenant secrets',
      enableKeyRotation: true,
      // Deleting the key would make every stored secret unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.agentTokenKeyName = `switchyard/${props.stage}/agent-token-key`;
    this.agentTokenKey = new secretsmanager.Secret(this, 'AgentTokenKey', {
      secretName: this.agentTokenKeyName,
      description: 'Switchyard: HMAC key that signs per-attempt agent tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.agentTokenKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the agent token key invalidates the tokens of running attempts; an operator rotates it (put-secret-value) between deploys, and handlers re-read it after their cache expires.',
    });
  }

  /** Object access on one bucket's keys, and nothing on the bucket itself. */
  grantObjects(role: iam.IRole, bucket: s3.IBucket, access: BucketAccess): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: OBJECT_ACTIONS[access], resources: [bucket.arnForObjects('*')] }));
    const logicalId = Stack.of(this).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/*]`,
      reason: 'Object keys are per tenant, job and attempt, created at run time; access is limited to this one bucket and to the object actions the function uses.',
    });
  }

  /** List one bucket's keys (log chunks in order; uploads checked before a commit). */
  grantList(role: iam.IRole, bucket: s3.IBucket): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  }

  /**
   * Seal (GenerateDataKey) and open (Decrypt) tenant secrets; or open them and seal only
   * unfinished launches' state (src/core/launch-state.ts: the encryption context's secret is
   * launch-state/<attempt>), so the job path can never seal a value as a tenant secret.
   */
  grantSecrets(role: iam.IRole, access: 'seal-and-open' | 'open-and-seal-launch-states'): void {
    if (access === 'seal-and-open') {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.secretsKey.keyArn] }));
      return;
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.secretsKey.keyArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [this.secretsKey.keyArn],
        conditions: { StringLike: { 'kms:EncryptionContext:secret': `${LAUNCH_STATE_NAME_PREFIX}*` } },
      }),
    );
  }

  /**
   * Assume a tenant's role for its own outputs bucket (src/adapters/s3/assumed-role-bucket.ts).
   * Tenants' roles live in their accounts, unknown at deploy time, so the resource is every
   * role outside this account; the condition allows it only with an external id of our form,
   * switchyard-<tenant>-…, which the API checks carries the calling tenant (confused deputy).
   */
  grantAssumeTenantRoles(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [`arn:${Aws.PARTITION}:iam::*:role/*`],
        conditions: {
          StringLike: { 'sts:ExternalId': 'switchyard-?*-?*' },
          StringNotEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/*]',
      reason: "Tenants' roles are in their own accounts and named by them at run time; assuming one needs an external id of the form switchyard-<tenant>-… (the API checks the tenant) and never reaches this account's roles.",
    });
  }
}
