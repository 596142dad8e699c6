import { describe, expect, it } from 'vitest';
import { attemptTokenExpiry, issueAttemptToken, verifyAttemptToken, type AttemptCapability } from '../../src/agent/capability-token.js';

const key = 'k'.repeat(32);
const other = 'o'.repeat(32);
const now = Date.parse('2026-06-01T00:00:00Z');
const cap: AttemptCapability = { tenantId: 't1', jobId: 'job_1', attemptId: 'job_1-a1', expiresAt: now / 1000 + 60 };

describe('attempt capability tokens', () => {
  it('verifies a token it issued and returns its scope', () => {
    expect(verifyAttemptToken(key, issueAttemptToken(key, cap), now)).toEqual(cap);
  });

  it('refuses a token signed with another key', () => {
    expect(verifyAttemptToken(key, issueAttemptToken(other, cap), now)).toBeUndefined();
  });

  it('refuses a token at and after its expiry', () => {
    const token = issueAttemptToken(key, cap);
    expect(verifyAttemptToken(key, token, cap.expiresAt * 1000 - 1)).toEqual(cap);
    expect(verifyAttemptToken(key, token, cap.expiresAt * 1000)).toBeUndefined();
  });

  it('refuses a token whose payload was changed to name another attempt', () => {
    const token = issueAttemptToken(key, cap);
    const [prefix, , mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ t: 't1', j: 'job_1', a: 'job_1-a2', exp: cap.expiresAt })).toString('base64url');
    expect(verifyAttemptToken(key, `${prefix}.${forged}.${mac}`, now)).toBeUndefined();
  });

  it('refuses garbage, truncated and oversized tokens', () => {
    const token = issueAttemptToken(key, cap);
    for (const bad of ['', 'sya1.', 'sya1..', token.slice(0, -2), `${token}x`, `sy_live_${token}`, `sya1.${'a'.repeat(2000)}.b`]) {
      expect(verifyAttemptToken(key, bad, now)).toBeUndefined();
    }
  });

  it('refuses keys shorter than 32 bytes', () => {
    expect(() => issueAttemptToken('short', cap)).toThrow(/32 bytes/);
  });

  it('expires with the attempt: start deadline + max duration + margin', () => {
    const exp = attemptTokenExpiry(now, 3600, 600);
    expect(exp).toBeGreaterThan(now / 1000 + 3600 + 600);
    expect(exp).toBeLessThanOrEqual(now / 1000 + 3600 + 600 + 3600);
  });
});
