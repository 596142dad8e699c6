// The run-time contract's AWS parts: tenant secrets sealed under the stack's KMS key
// (SECRETS_KEY_ARN). Only the functions that read or write secrets import this.
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoSecretStore } from '../adapters/dynamodb/secret-store.js';
import { systemClock } from '../core/ports.js';
import { SecretCipher } from '../secrets/envelope.js';
import { KmsKeyWrapper } from '../secrets/kms-key.js';
import { MAX_SECRETS_PER_TENANT, SecretsService } from '../secrets/secrets-service.js';
import { db, tableName } from './base.js';

const keyArn = process.env.SECRETS_KEY_ARN;

/** Undefined when the stack gave this function no key: secret refs are then refused at submit. */
export const secrets: SecretsService | undefined = keyArn
  ? new SecretsService(new DynamoSecretStore(db, tableName), new SecretCipher(new KmsKeyWrapper(new KMSClient({}), keyArn), 'kms'), systemClock, MAX_SECRETS_PER_TENANT)
  : undefined;
