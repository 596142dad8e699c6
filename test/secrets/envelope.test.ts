// The envelope: each value under its own data key, bound to its tenant and name.
import { mkdtempSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretCipher } from '../../src/secrets/envelope.js';
import { LocalKeyWrapper, loadOrCreateLocalKey } from '../../src/secrets/local-key.js';
import { parseRegistryCredentials } from '../../src/secrets/registry-credentials.js';
import { redactor } from '../../src/secrets/redact.js';
import { maskValues } from '../../src/secrets/log-redaction.js';

describe('envelope encryption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-env-'));
  const { key, path } = loadOrCreateLocalKey(dir);
  const cipher = new SecretCipher(new LocalKeyWrapper(key), 'local');

  it('opens what it sealed, and each seal differs', async () => {
    const a = await cipher.seal('hunter2-value', { tenantId: 't1', name: 'db' });
    const b = await cipher.seal('hunter2-value', { tenantId: 't1', name: 'db' });
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(await cipher.open(a, { tenantId: 't1', name: 'db' })).toBe('hunter2-value');
  });

  it('a sealed value moved to another tenant or name does not open', async () => {
    const sealed = await cipher.seal('hunter2-value', { tenantId: 't1', name: 'db' });
    await expect(cipher.open(sealed, { tenantId: 't2', name: 'db' })).rejects.toThrow();
    await expect(cipher.open(sealed, { tenantId: 't1', name: 'other' })).rejects.toThrow();
  });

  it('the key file is reused, and tightened to 0600 if it was loosened', () => {
    chmodSync(path, 0o644);
    const again = loadOrCreateLocalKey(dir);
    expect(again.key.equals(key)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toHaveLength(44);
  });

  it('a value sealed by another wrapper is refused with a clear error', async () => {
    const sealed = await cipher.seal('v-123456', { tenantId: 't1', name: 'db' });
    await expect(new SecretCipher(new LocalKeyWrapper(key), 'kms').open(sealed, { tenantId: 't1', name: 'db' })).rejects.toThrow(/sealed by the local key/);
  });
});

describe('registry credentials and redaction', () => {
  it('reads JSON or user:password, and refuses anything else', () => {
    expect(parseRegistryCredentials('r', '{"username":"bot","password":"p:w","server":"ghcr.io"}')).toEqual({ username: 'bot', password: 'p:w', server: 'ghcr.io' });
    expect(parseRegistryCredentials('r', 'bot:p:w')).toEqual({ username: 'bot', password: 'p:w' });
    for (const bad of ['nocolon', ':pw', 'user:', '{"username":1}', '{bad json']) expect(() => parseRegistryCredentials('r', bad)).toThrow(/registry credentials/);
  });

  it('redacts every occurrence of each value, longest first, leaving short values alone', () => {
    const redact = redactor(['secret-abc', 'secret-abc-longer', 'ab']);
    expect(redact('x secret-abc-longer y secret-abc z ab')).toBe('x [redacted] y [redacted] z ab');
  });
});

describe('log chunk masking', () => {
  it('masks every occurrence byte for byte, so offsets hold, and leaves short values alone', () => {
    const text = 'a=s3cr3t-été b=s3cr3t-été c=ab';
    const masked = Buffer.from(maskValues(Buffer.from(text), ['s3cr3t-été', 'ab'])).toString('utf8');
    expect(Buffer.byteLength(masked)).toBe(Buffer.byteLength(text));
    expect(masked).toBe(`a=${'*'.repeat(Buffer.byteLength('s3cr3t-été'))} b=${'*'.repeat(Buffer.byteLength('s3cr3t-été'))} c=ab`);
  });
});
