// Least privilege, checked statement by statement: each function has a role of its own, and
// each role allows exactly the actions its handler uses, on exactly the resources it uses.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSI } from '../../src/adapters/dynamodb/table-design.js';
import { FUNCTIONS, resourcesOf, synthStack, SYNTH_TIMEOUT_MS } from './synth.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };


let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, any> }>;
beforeAll(() => {
  template = synthStack().template;
  resources = template.toJSON().Resources;
}, SYNTH_TIMEOUT_MS);

const idOf = (type: string, match: (props: Record<string, any>) => boolean): string => {
  const ids = Object.entries(resources).filter(([, r]) => r.Type === type && match(r.Properties)).map(([id]) => id);
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
};
const roleOf = (fn: string): string => {
  const id = idOf('AWS::Lambda::Function', (p) => p.FunctionName === `switchyard-dev-${fn}`);
  return resources[id]!.Properties.Role['Fn::GetAtt'][0] as string;
};
const statementsOf = (roleId: string): Statement[] =>
  Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const actions = (st: Statement): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const resourceList = (st: Statement): unknown[] => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]);

/** A role's grants as "action -> resource" strings, with resources named by logical id. */
const grants = (fn: string): string[] => {
  const table = idOf('AWS::DynamoDB::Table', () => true);
  const name = (resource: unknown): string => {
    const json = JSON.stringify(resource);
    const index = Object.values(GSI).find((i) => json.includes(`/index/${i.name}"`));
    if (index) return `${resourceLabel(table)}/index/${index.name}`;
    if (resource === '*') return '*';
    const ref = json.match(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)"/)?.[1];
    return ref ? resourceLabel(ref) : json;
  };
  return statementsOf(roleOf(fn))
    .flatMap((st) => {
      expect(st.Effect).toBe('Allow');
      return actions(st).flatMap((a) => resourceList(st).map((r) => `${a} -> ${name(r)}`));
    })
    .sort();
};
/** A readable stand-in for a logical id: its type and physical name. */
const resourceLabel = (id: string): string => {
  const r = resources[id]!;
  // Buckets and keys have generated names: their logical id without CDK's hash says which.
  const physical = r.Properties.TableName ?? r.Properties.QueueName ?? r.Properties.Name ?? r.Properties.LogGroupName ?? id.replace(/[0-9A-F]{8}$/, '');
  return `${r.Type.split('::')[1]}:${physical}`;
};

const LOGS = (fn: string): string[] => [
  `logs:CreateLogStream -> Logs:/aws/lambda/switchyard-dev-${fn}`,
  `logs:PutLogEvents -> Logs:/aws/lambda/switchyard-dev-${fn}`,
];
const XRAY = ['xray:PutTelemetryRecords -> *', 'xray:PutTraceSegments -> *'];
const TABLE = [
  'BatchGetItem', 'BatchWriteItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem',
].map((a) => `dynamodb:${a} -> DynamoDB:switchyard-dev`);
const INDEXES = Object.values(GSI).map((i) => `dynamodb:Query -> DynamoDB:switchyard-dev/index/${i.name}`);
const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map((a) => `${a} -> SQS:switchyard-dev-jobs`);
const CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'].map(
  (a) => `${a} -> SQS:switchyard-dev-jobs`,
);
const OBJECTS = (bucket: string, ...actions: string[]): string[] => actions.map((a) => `s3:${a} -> S3:RunTime${bucket}`);
const RUN_TIME_BUCKETS = [
  ...OBJECTS('Logs', 'GetObject', 'PutObject', 'ListBucket'),
  ...OBJECTS('Outputs', 'GetObject', 'PutObject', 'ListBucket'),
  ...OBJECTS('Checkpoints', 'DeleteObject', 'GetObject', 'PutObject', 'ListBucket'),
];
const TENANT_ROLES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/*']] };
const SECRETS_KEY = (...actions: string[]): string[] => actions.map((a) => `kms:${a} -> KMS:RunTimeSecretsKey`);
const READ_SECRET = (name: string): string[] => [
  `secretsmanager:DescribeSecret -> SecretsManager:switchyard/dev/${name}`,
  `secretsmanager:GetSecretValue -> SecretsManager:switchyard/dev/${name}`,
];

describe('IAM', () => {
  it('gives every function a role of its own, assumable only by Lambda, with no managed policies', () => {
    const roles = FUNCTIONS.map(roleOf);
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    for (const roleId of roles) {
      const role = resources[roleId]!.Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toBeUndefined();
    }
    template.resourceCountIs('AWS::IAM::Role', FUNCTIONS.length);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('never allows a wildcard action', () => {
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      for (const st of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        for (const action of actions(st)) {
          expect(action, JSON.stringify(st)).not.toContain('*');
        }
      }
    }
  });

  it('uses Resource "*" only for the X-Ray actions, which have no resource-level permissions', () => {
    for (const fn of FUNCTIONS) {
      for (const st of statementsOf(roleOf(fn)).filter((s) => resourceList(s).includes('*'))) {
        expect(actions(st).every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('api: table, queue, admin/provider secrets, run-time bucket objects, seal and open tenant secrets, agent token key; no Stripe secret', () => {
    expect(grants('api')).toEqual(
      [
        ...LOGS('api'), ...XRAY, ...TABLE, ...INDEXES, ...SEND, ...READ_SECRET('admin-key'), ...READ_SECRET('providers'),
        ...RUN_TIME_BUCKETS, ...SECRETS_KEY('Decrypt', 'GenerateDataKey'), ...READ_SECRET('agent-token-key'),
        `sts:AssumeRole -> ${JSON.stringify(TENANT_ROLES)}`,
      ].sort(),
    );
  });

  it("api: assumes tenants' roles only outside this account and only with an external id of the form switchyard-<tenant>-…", () => {
    const assume = statementsOf(roleOf('api')).filter((st) => actions(st).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(assume[0]).toMatchObject({
      Resource: TENANT_ROLES,
      Condition: { StringLike: { 'sts:ExternalId': 'switchyard-?*-?*' }, StringNotEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    // No other function may assume any role.
    for (const fn of FUNCTIONS.filter((f) => f !== 'api')) expect(grants(fn).some((g) => g.startsWith('sts:'))).toBe(false);
  });

  it('payments: table items and indexes, admin and Stripe secrets; no queue, no provider secret, no buckets', () => {
    expect(grants('payments')).toEqual([...LOGS('payments'), ...XRAY, ...TABLE, ...INDEXES, ...READ_SECRET('admin-key'), ...READ_SECRET('stripe')].sort());
  });

  it('dispatch: table, consume and send on the queue, provider secret, open tenant secrets and seal launch states, agent token key; no buckets', () => {
    expect(grants('dispatch')).toEqual(
      [...LOGS('dispatch'), ...XRAY, ...TABLE, ...INDEXES, ...SEND, ...CONSUME, ...READ_SECRET('providers'), ...SECRETS_KEY('Decrypt', 'GenerateDataKey'), ...READ_SECRET('agent-token-key')].sort(),
    );
  });

  it('reconcile: table, send to the queue (never consume), provider secret, read the logs bucket, open tenant secrets and seal launch states, agent token key', () => {
    expect(grants('reconcile')).toEqual(
      [...LOGS('reconcile'), ...XRAY, ...TABLE, ...INDEXES, ...SEND, ...READ_SECRET('providers'), ...OBJECTS('Logs', 'GetObject', 'ListBucket'), ...SECRETS_KEY('Decrypt', 'GenerateDataKey'), ...READ_SECRET('agent-token-key')].sort(),
    );
  });

  it('the job path seals only launch states (never a value as a tenant secret): its GenerateDataKey is conditioned on the context; the api seals freely', () => {
    const sealing = (fn: string) => statementsOf(roleOf(fn)).filter((st) => actions(st).includes('kms:GenerateDataKey'));
    for (const fn of ['dispatch', 'reconcile']) {
      const [st, ...more] = sealing(fn);
      expect(more).toEqual([]);
      expect(st!.Condition).toEqual({ StringLike: { 'kms:EncryptionContext:secret': 'launch-state/*' } });
    }
    expect(sealing('api').every((st) => st.Condition === undefined)).toBe(true);
  });

  it('webhooks: table items and indexes only (deliveries go to tenants over HTTPS)', () => {
    expect(grants('webhooks')).toEqual([...LOGS('webhooks'), ...XRAY, ...TABLE, ...INDEXES].sort());
  });

  it('billing: table items and indexes, Stripe secret, no queue', () => {
    expect(grants('billing')).toEqual([...LOGS('billing'), ...XRAY, ...TABLE, ...INDEXES, ...READ_SECRET('stripe')].sort());
  });

  it('lets only the API and the schedules invoke the functions', () => {
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).map((p) => p.Properties);
    for (const p of permissions) {
      expect(p.Action).toBe('lambda:InvokeFunction');
      expect(['apigateway.amazonaws.com', 'events.amazonaws.com']).toContain(p.Principal);
      expect(p.SourceArn).toBeDefined();
    }
  });
});
