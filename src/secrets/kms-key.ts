// The AWS master key: data keys come from KMS GenerateDataKey (AES_256) and are unwrapped
// with Decrypt, both with an encryption context naming the tenant and the secret, so the
// key policy and CloudTrail see whose secret each call is for.
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyWrapper, SecretContext } from './envelope.js';

const encryptionContext = (context: SecretContext) => ({ tenant: context.tenantId, secret: context.name });

export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async generateDataKey(context: SecretContext): Promise<{ plaintext: Buffer; wrapped: string }> {
    const out = await this.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob).toString('base64') };
  }

  async unwrap(wrapped: string, context: SecretContext): Promise<Buffer> {
    const out = await this.kms.send(
      new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(wrapped, 'base64'), EncryptionContext: encryptionContext(context) }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }
}
