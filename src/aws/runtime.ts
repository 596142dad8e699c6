// The run-time contract's AWS parts owned here: tenant secrets sealed under the stack's KMS
// key (SECRETS_KEY_ARN), the output manifests and caps (OUTPUTS_MAX_BYTES), and masking of
// secret values in log chunks and output tails. Each is off when the stack does not set it.
import { DynamoOutputStore } from '../adapters/dynamodb/output-store.js';
import { DynamoTenantBucketStore } from '../adapters/dynamodb/tenant-bucket-store.js';
import { AssumedRoleBucketAccess } from '../adapters/s3/assumed-role-bucket.js';
import { DynamoSecretStore } from '../adapters/dynamodb/secret-store.js';
import type { AgentApiDeps } from '../api/routes/agent-deps.js';
import {
  DEFAULT_DOWNLOAD_URL_SECONDS,
  DEFAULT_MAX_CHECKPOINT_BYTES,
  DEFAULT_MAX_OUTPUT_BYTES,
  type RunTimeApiDeps,
} from '../api/routes/run-time-deps.js';
import { systemClock } from '../core/ports.js';
import { SecretCipher } from '../secrets/envelope.js';
import { KmsKeyWrapper } from '../secrets/kms-key.js';
import { logRedactor, textRedactor } from '../secrets/log-redaction.js';
import { MAX_SECRETS_PER_TENANT, SecretsService } from '../secrets/secrets-service.js';
import { db, tableName } from './base.js';

const keyArn = process.env.SECRETS_KEY_ARN;

/** Seals under the stack's KMS key: tenant secrets, and unfinished launches' state (src/core/launch-state.ts). */
export const cipher: SecretCipher | undefined = keyArn ? new SecretCipher(new KmsKeyWrapper(keyArn), 'kms') : undefined;

/** Undefined when the stack gave this function no key: secret refs are then refused at submit. */
export const secrets: SecretsService | undefined = cipher ? new SecretsService(new DynamoSecretStore(db, tableName), cipher, systemClock, MAX_SECRETS_PER_TENANT) : undefined;

const redact = secrets ? logRedactor(secrets) : undefined;

/** Masks a job's secret values in an output tail (reconciler). */
export const redactOutput = redact ? textRedactor(redact) : undefined;

/** The agent's deps with log chunks masked before they are stored. */
export const withLogRedaction = (agent: AgentApiDeps | undefined): AgentApiDeps | undefined =>
  agent && redact ? { ...agent, redactLogChunk: redact } : agent;

export const runTimeApiDeps = (): RunTimeApiDeps => ({
  outputs: new DynamoOutputStore(db, tableName),
  maxOutputBytes: Number(process.env.OUTPUTS_MAX_BYTES ?? DEFAULT_MAX_OUTPUT_BYTES),
  maxCheckpointBytes: DEFAULT_MAX_CHECKPOINT_BYTES,
  downloadUrlSeconds: DEFAULT_DOWNLOAD_URL_SECONDS,
  // Tenants' own buckets: the function's role assumes each tenant's role (the stack allows
  // sts:AssumeRole only with an external id of the form switchyard-<tenant>-…).
  tenantBuckets: { store: new DynamoTenantBucketStore(db, tableName), access: new AssumedRoleBucketAccess() },
});
