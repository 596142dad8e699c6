// The AWS master key: data keys come from KMS GenerateDataKey (AES_256) and are unwrapped
// with Decrypt, both with an encryption context naming the tenant and the secret, so the
// key policy and CloudTrail see whose secret each call is for.
// The SDK is imported on the first key operation (only secret writes and an agent's start
// need one), so a function's cold start does not load it.
import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import type { KeyWrapper, SecretContext } from './envelope.js';

type KmsSdk = typeof import('@aws-sdk/client-kms');

const encryptionContext = (context: SecretContext) => ({ tenant: context.tenantId, secret: context.name });

export class KmsKeyWrapper implements KeyWrapper {
  private loaded: Promise<{ sdk: KmsSdk; kms: KMSClient }> | undefined;

  /** `client`: the KMS client's settings (tests point it at a local fake); the defaults in AWS. */
  constructor(
    private readonly keyId: string,
    private readonly client: KMSClientConfig = {},
  ) {}

  private load() {
    return (this.loaded ??= import('@aws-sdk/client-kms').then((sdk) => ({ sdk, kms: new sdk.KMSClient(this.client) })));
  }

  async generateDataKey(context: SecretContext): Promise<{ plaintext: Buffer; wrapped: string }> {
    const { sdk, kms } = await this.load();
    const out = await kms.send(
      new sdk.GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob).toString('base64') };
  }

  async unwrap(wrapped: string, context: SecretContext): Promise<Buffer> {
    const { sdk, kms } = await this.load();
    const out = await kms.send(
      new sdk.DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(wrapped, 'base64'), EncryptionContext: encryptionContext(context) }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }
}
