// Local mode's master key: 32 random bytes in a file created with mode 0600 (owner only),
// under the data directory when there is one, else in a private temp directory. Data keys
// are wrapped with it by AES-256-GCM. Never used in AWS, where KMS holds the master key.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWith, sealWith, type KeyWrapper, type SecretContext } from './envelope.js';

export const LOCAL_KEY_FILE = 'secrets.key';
/** The HMAC key of agent tokens in local mode with a data dir (kept, so tokens outlive a restart). */
export const AGENT_TOKEN_KEY_FILE = 'agent-token.key';

export interface LocalKey {
  key: Buffer;
  path: string;
  /** The private temp directory made for it when no `dir` was given: the caller removes it at stop. */
  temporaryDir?: string;
}

/** Reads the key file in `dir`, creating it (0600) on first use; a file others can read is tightened. */
export const loadOrCreateLocalKey = (dir?: string, fileName = LOCAL_KEY_FILE): LocalKey => {
  const temporaryDir = dir === undefined ? mkdtempSync(join(tmpdir(), 'switchyard-secrets-')) : undefined;
  const home = dir ?? temporaryDir!;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, fileName);
  const made = temporaryDir ? { temporaryDir } : {};
  try {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte key; move it away to start with a new one (existing secrets are then unreadable)`);
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return { key, path, ...made };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  // flag wx: never overwrite a key another process just wrote.
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, path, ...made };
};

export class LocalKeyWrapper implements KeyWrapper {
  constructor(private readonly masterKey: Buffer) {}

  async generateDataKey(context: SecretContext): Promise<{ plaintext: Buffer; wrapped: string }> {
    const plaintext = randomBytes(32);
    const sealed = sealWith(this.masterKey, plaintext.toString('base64'), context);
    return { plaintext, wrapped: Buffer.from(JSON.stringify(sealed)).toString('base64') };
  }

  async unwrap(wrapped: string, context: SecretContext): Promise<Buffer> {
    const sealed = JSON.parse(Buffer.from(wrapped, 'base64').toString('utf8')) as { iv: string; ciphertext: string; tag: string };
    return Buffer.from(openWith(this.masterKey, sealed, context), 'base64');
  }
}
