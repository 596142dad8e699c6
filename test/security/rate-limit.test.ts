// Per-key rate limits hold across app instances: the bucket lives in DynamoDB, so two
// Lambda containers (here: two Hono apps on one table) share it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import type { RunningSystem } from '../../src/local/system.js';
import { seedTenant } from '../../src/local/seed.js';
import { DynamoRateLimiter } from '../../src/ratelimit/token-bucket.js';
import { startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false, rateLimit: { ratePerSecond: 0.01, burst: 5 } });
});
afterAll(() => system.stop());

/** A second, independent app instance on the same table: its own limiter object, no shared memory. */
const secondInstance = () =>
  createApp({
    jobs: { store: system.store, queue: system.queue, clock: { now: () => new Date() } },
    tenants: system.tenants,
    providers: system.deps.providers,
    rateLimiter: new DynamoRateLimiter(system.db, system.tableName, { ratePerSecond: 0.01, burst: 5 }),
  });

const get = (app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, key: string) =>
  app.request('/v1/jobs', { headers: { authorization: `Bearer ${key}` } });

describe('rate limits', () => {
  it('allows the burst then answers 429 with Retry-After, counted across two instances', async () => {
    const key = await seedTenant(system.tenants, { tenantId: 'rl-seq', name: 'RL' });
    const other = secondInstance();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await get(i % 2 === 0 ? system.app : other, key);
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(limited!.headers.get('content-type')).toContain('application/problem+json');
    // One token per 100 s: the next one is about 100 s away.
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(90); // less the time the test itself took
    expect(retryAfter).toBeLessThanOrEqual(100);
    expect(((await limited!.json()) as { status: number }).status).toBe(429);
  });

  it('never lets concurrent requests on two instances spend the same token', async () => {
    const key = await seedTenant(system.tenants, { tenantId: 'rl-race', name: 'RL race' });
    const other = secondInstance();
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => get(i % 2 === 0 ? system.app : other, key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(19);
  });

  it('keeps one bucket per key: another key of the same tenant is not slowed', async () => {
    const first = await seedTenant(system.tenants, { tenantId: 'rl-keys', name: 'RL keys' });
    for (let i = 0; i < 6; i++) await get(system.app, first);
    expect((await get(system.app, first)).status).toBe(429);
    const second = await seedTenant(system.tenants, { tenantId: 'rl-keys', name: 'RL keys' });
    expect((await get(system.app, second)).status).toBe(200);
  });

  it('refills at the configured rate', async () => {
    let now = 1_000_000;
    const limiter = new DynamoRateLimiter(system.db, system.tableName, { ratePerSecond: 2, burst: 2 }, () => now);
    expect((await limiter.take('refill')).allowed).toBe(true);
    expect((await limiter.take('refill')).allowed).toBe(true);
    const empty = await limiter.take('refill');
    expect(empty).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token back
    expect((await limiter.take('refill')).allowed).toBe(true);
    expect((await limiter.take('refill')).allowed).toBe(false);
    now += 10_000; // long idle: full again, but never more than the burst
    expect((await limiter.take('refill')).allowed).toBe(true);
    expect((await limiter.take('refill')).allowed).toBe(true);
    expect((await limiter.take('refill')).allowed).toBe(false);
  });
});
