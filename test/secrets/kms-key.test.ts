// The KMS key wrapper through the real @aws-sdk/client-kms, against a KMS fake on 127.0.0.1
// speaking KMS's JSON protocol (X-Amz-Target TrentService.GenerateDataKey / Decrypt): data
// keys are bound to the encryption context, so a sealed value moved to another tenant does
// not open, and KMS's refusal reaches the caller.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretCipher } from '../../src/secrets/envelope.js';
import { KmsKeyWrapper } from '../../src/secrets/kms-key.js';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** KMS as far as the wrapper uses it: wrapped key → (plaintext, context). */
const startKmsFake = async () => {
  const keys = new Map<string, { plaintext: Buffer; context: string }>();
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(raw) as { KeyId?: string; KeySpec?: string; CiphertextBlob?: string; EncryptionContext?: Record<string, string> };
      calls.push(target);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      const context = JSON.stringify(Object.entries(body.EncryptionContext ?? {}).sort());
      if (body.KeyId !== KEY_ARN) return send(400, { __type: 'NotFoundException', message: `Key '${body.KeyId}' does not exist` });
      if (target === 'TrentService.GenerateDataKey' && body.KeySpec === 'AES_256') {
        const plaintext = randomBytes(32);
        const blob = randomBytes(48).toString('base64');
        keys.set(blob, { plaintext, context });
        return send(200, { KeyId: KEY_ARN, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob });
      }
      if (target === 'TrentService.Decrypt') {
        const found = keys.get(body.CiphertextBlob ?? '');
        if (!found || found.context !== context) return send(400, { __type: 'InvalidCiphertextException', message: '' });
        return send(200, { KeyId: KEY_ARN, Plaintext: found.plaintext.toString('base64') });
      }
      return send(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
};

describe('KmsKeyWrapper', () => {
  let kms: Awaited<ReturnType<typeof startKmsFake>>;
  const clientConfig = () => ({ endpoint: kms.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  beforeAll(async () => {
    kms = await startKmsFake();
  });
  afterAll(() => kms.close());

  it('seals with a data key from GenerateDataKey and opens with Decrypt under the same context', async () => {
    const cipher = new SecretCipher(new KmsKeyWrapper(KEY_ARN, clientConfig()), 'kms');
    const sealed = await cipher.seal('wandb-key-123', { tenantId: 't1', name: 'wandb' });
    expect(sealed.wrapper).toBe('kms');
    expect(JSON.stringify(sealed)).not.toContain('wandb-key-123');
    expect(await cipher.open(sealed, { tenantId: 't1', name: 'wandb' })).toBe('wandb-key-123');
    expect(kms.calls).toEqual(['TrentService.GenerateDataKey', 'TrentService.Decrypt']);
  });

  it("a value moved to another tenant is refused by KMS (the context does not match)", async () => {
    const cipher = new SecretCipher(new KmsKeyWrapper(KEY_ARN, clientConfig()), 'kms');
    const sealed = await cipher.seal('v-1', { tenantId: 't1', name: 'db' });
    await expect(cipher.open(sealed, { tenantId: 't2', name: 'db' })).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it("a key KMS does not know fails the seal", async () => {
    const cipher = new SecretCipher(new KmsKeyWrapper(`${KEY_ARN}-gone`, clientConfig()), 'kms');
    await expect(cipher.seal('v-1', { tenantId: 't1', name: 'db' })).rejects.toThrow(/does not exist/);
  });
});
