// API keys look like sy_live_<keyId>_<secret>. Only a SHA-256 of the secret is stored:
// secrets are 32 random bytes, so a fast hash is enough and a slow KDF would only slow
// every request. Comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sy_live_';
export const SCOPES = ['jobs:read', 'jobs:write', 'billing:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
/** What a tenant's key gets when no scopes are asked for: everything but admin. */
export const TENANT_SCOPES: Scope[] = SCOPES.filter((s) => s !== 'admin');

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);
export const KEY_ID_PATTERN = /^[a-z0-9]{16}$/;

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

// 256 is a multiple of 32, not of 36: a 32-letter alphabet keeps every character equally likely.
const randomId = (length = 16): string => {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
};

export const newTenantId = (): string => `ten_${randomId(16)}`;

/** A key is usable until it is revoked or its expiresAt passes (rotation overlaps end there). */
export const keyIsActive = (key: { revokedAt?: string; expiresAt?: string }, now: Date): boolean =>
  !key.revokedAt && (key.expiresAt === undefined || Date.parse(key.expiresAt) > now.getTime());

/**
 * Compares a presented secret with one the operator holds (the AWS admin key secret)
 * without leaking its length or content through timing: both sides are hashed first.
 */
export const sameSecret = (presented: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(expected).digest());

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
