// API keys look like sy_live_<keyId>_<secret>. Only a SHA-256 of the secret is stored:
// secrets are 32 random bytes, so a fast hash is enough and a slow KDF would only slow
// every request. Comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sy_live_';
export const SCOPES = ['jobs:read', 'jobs:write', 'billing:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const KEY_PATTERN = /^sy_live_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedKey {
  keyId: string;
  secret: string;
}

export const parseApiKey = (raw: string): ParsedKey | undefined => {
  const m = KEY_PATTERN.exec(raw);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
};

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const secretMatches = (secret: string, storedHash: string): boolean => {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
};

const randomId = (): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
};

export const generateApiKey = (): { key: string; keyId: string; secretHash: string } => {
  const keyId = randomId();
  const secret = randomBytes(32).toString('base64url');
  return { key: `${KEY_PREFIX}${keyId}_${secret}`, keyId, secretHash: hashSecret(secret) };
};

/** A key given by the operator (SWITCHYARD_API_KEY) must have the same shape as a generated one. */
export const keyRecordFrom = (raw: string): { keyId: string; secretHash: string } | undefined => {
  const parsed = parseApiKey(raw);
  return parsed ? { keyId: parsed.keyId, secretHash: hashSecret(parsed.secret) } : undefined;
};
