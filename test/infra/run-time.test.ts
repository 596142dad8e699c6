// The run-time contract's resources: three buckets (logs, outputs, checkpoints) that are
// encrypted, TLS-only, private, access-logged and expired by lifecycle rules; the KMS key
// that seals tenant secrets; and the agent token key, generated at deploy time.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_FUNCTIONS_DIR, functionNamed, resourcesOf, synthStack, SYNTH_TIMEOUT_MS } from './synth.js';

let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
beforeAll(() => {
  template = synthStack({ functionsDir: FIXTURE_FUNCTIONS_DIR, jobLogRetentionDays: 7 }).template;
  resources = template.toJSON().Resources;
}, SYNTH_TIMEOUT_MS);

const bucketId = (name: string): string => {
  const ids = Object.keys(resourcesOf(template, 'AWS::S3::Bucket')).filter((id) => id.replace(/[0-9A-F]{8}$/, '') === `RunTime${name}`);
  expect(ids, name).toHaveLength(1);
  return ids[0]!;
};
const RUN_TIME_BUCKETS = ['Logs', 'Outputs', 'Checkpoints'];

describe('run-time buckets', () => {
  it.each([...RUN_TIME_BUCKETS, 'AccessLogs'])('%s: SSE-S3, all public access blocked, owner-enforced, retained', (name) => {
    const bucket = resources[bucketId(name)]!;
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it.each([...RUN_TIME_BUCKETS, 'AccessLogs'])('%s: denies every request without TLS', (name) => {
    const id = bucketId(name);
    const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).filter((p) => JSON.stringify(p.Properties.Bucket).includes(id));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties.PolicyDocument as { Statement: any[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
    );
  });

  it.each(RUN_TIME_BUCKETS)('%s: server access logs go to the access log bucket', (name) => {
    const logging = resources[bucketId(name)]!.Properties.LoggingConfiguration;
    expect(logging.DestinationBucketName).toEqual({ Ref: bucketId('AccessLogs') });
    expect(logging.LogFilePrefix).toBe(`${name.toLowerCase()}/`);
  });

  it('expires logs after the configured retention, outputs and checkpoints after theirs, and aborts stale uploads', () => {
    const rules = (name: string) => resources[bucketId(name)]!.Properties.LifecycleConfiguration.Rules as any[];
    expect(rules('Logs')).toEqual([{ Id: 'expire-job-logs', Status: 'Enabled', ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    expect(rules('Outputs')).toEqual([{ Id: 'expire-job-outputs', Status: 'Enabled', ExpirationInDays: 30, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    expect(rules('Checkpoints')).toEqual([{ Id: 'expire-checkpoints', Status: 'Enabled', ExpirationInDays: 14, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
  });

  it('keeps job logs 30 days by default', () => {
    const fresh = synthStack({ functionsDir: FIXTURE_FUNCTIONS_DIR }).template.toJSON().Resources as typeof resources;
    const logs = Object.entries(fresh).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('RunTimeLogs'))!;
    expect(logs[1].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
  }, SYNTH_TIMEOUT_MS);

  it('refuses a retention outside 1-3650 days', () => {
    expect(() => synthStack({ functionsDir: FIXTURE_FUNCTIONS_DIR, jobLogRetentionDays: 0 })).toThrow(/jobLogRetentionDays/);
  });
});

describe('tenant secrets key and agent token key', () => {
  it('the secrets key rotates yearly, is retained, and has an alias per stage', () => {
    const keys = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::KMS::Key' && id.startsWith('RunTimeSecretsKey'));
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/switchyard-dev-secrets', TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  it('the agent token key is generated at deploy time, with no value in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'switchyard/dev/agent-token-key',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    const secret = Object.values(resources).find((r) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === 'switchyard/dev/agent-token-key')!;
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('tells the api and the dispatcher where things are, by name and ARN only', () => {
    const api = functionNamed(template, 'api').props.Environment.Variables;
    for (const v of ['LOGS_BUCKET', 'OUTPUTS_BUCKET', 'CHECKPOINTS_BUCKET', 'SECRETS_KEY_ARN', 'AGENT_TOKEN_KEY_SECRET_ARN', 'OUTPUTS_MAX_BYTES']) expect(api[v], v).toBeDefined();
    expect(api.LOGS_BUCKET).toEqual({ Ref: bucketId('Logs') });
    const dispatch = functionNamed(template, 'dispatch').props.Environment.Variables;
    expect(dispatch.SECRETS_KEY_ARN).toBeDefined();
    expect(dispatch.OUTPUTS_BUCKET).toBeUndefined();
    expect(dispatch.API_URL).toBeDefined();
    const reconcile = functionNamed(template, 'reconcile').props.Environment.Variables;
    expect(reconcile.OUTPUTS_BUCKET).toBeUndefined();
    expect(reconcile.LOGS_BUCKET).toEqual({ Ref: bucketId('Logs') });
  });
});
