// Per-job order of webhook deliveries against real receivers on 127.0.0.1 and DynamoDB
// Local: a job's later event is not sent before the earlier one was accepted or is dead,
// whatever the receiver does; other jobs are not held up by one job's failing endpoint.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ports.js';
import { DEFAULT_WEBHOOK_CONFIG, deliverDueWebhooks } from '../../src/webhooks/deliverer.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';
import { driveWithFailovers } from './drive.js';
import { receiverPool, type Received } from './receiver.js';

let system: RunningSystem;
const receivers = receiverPool();
const receiver = receivers.start;
beforeAll(async () => {
  system = await startTestSystem({
    loops: false,
    allowPrivateWebhooks: true,
    // Fast retries and no deaths: the random receiver must end up with everything.
    webhooks: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 1000, timeoutMs: 1000, leaseMs: 5000 },
  });
});
afterEach(async () => {
  await receivers.closeAll();
});
afterAll(() => system.stop());

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const submitWith = async (url: string) => {
  const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { webhookUrl: url }) });
  expect(res.status).toBe(202);
  return res.body.id as string;
};

const seqOf = (r: Received) => JSON.parse(r.body).seq as number;
const announcedSeqs = async (jobId: string) =>
  (await system.store.events(jobId)).filter((e) => e.type === 'status' && ['queued', 'running', 'succeeded'].includes(e.to) || (e.type === 'status' && e.to === 'placing' && e.from === 'running')).map((e) => e.seq);

/** No request for a later seq before the earlier one got a 2xx (or, with `dead`, was given up). */
const expectInOrder = (received: Received[], dead: number[] = []) => {
  for (let i = 1; i < received.length; i++) {
    const [before, now] = [seqOf(received[i - 1]!), seqOf(received[i]!)];
    expect(now, `request ${i}`).toBeGreaterThanOrEqual(before);
    if (now > before) expect(received[i - 1]!.answered === 200 || dead.includes(before), `seq ${now} sent while ${before} was not accepted`).toBe(true);
  }
};

const deliverUntil = async (done: () => boolean, maxRuns = 2000) => {
  for (let run = 0; run < maxRuns && !done(); run++) {
    await system.deliverWebhooks();
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('webhook order per job', () => {
  it('with a receiver failing ~40% of requests at random, accepts every event once, in seq order; a dead endpoint of another job holds up nothing', async () => {
    const random = seeded(20261202);
    const flaky = await receiver(() => (random() < 0.4 ? 500 : 200));
    const broken = await receiver([500]);
    const jobId = await submitWith(flaky.url);
    const stuckId = await submitWith(broken.url);
    // Half the events first, some deliveries, then the rest: the cursor must pick up new events.
    await system.deliverWebhooks();
    await driveWithFailovers(system, jobId, 3);
    await driveWithFailovers(system, stuckId, 3);

    // One index entry per job, however many events wait behind its head.
    const due = await system.outbox.due('9999-01-01T00:00:00.000Z', 100);
    expect(due.filter((c) => c.jobId === stuckId)).toHaveLength(1);

    const expected = await announcedSeqs(jobId);
    expect(expected).toHaveLength(9); // queued, running, (failover, running) × 3, succeeded
    const accepted = () => flaky.received.filter((r) => r.answered === 200).map(seqOf);
    await deliverUntil(() => accepted().length === expected.length);

    expect(accepted()).toEqual(expected); // complete, strictly increasing, no duplicate accepted
    expect(flaky.received.some((r) => r.answered === 500)).toBe(true); // the failures happened
    expectInOrder(flaky.received);
    const types = flaky.received.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body).type);
    expect(types).toEqual(['job.queued', 'job.running', ...Array(3).fill(['job.failover', 'job.running']).flat(), 'job.succeeded']);
    expect(JSON.parse(flaky.received.at(-1)!.body).data.object).toMatchObject({ status: 'succeeded', costMicroUsd: 1234 });

    // The other job is still at its first event, retrying, and never sent a later one.
    expect(broken.received.length).toBeGreaterThan(3);
    expect(new Set(broken.received.map(seqOf))).toEqual(new Set([1]));
    expect(await system.outbox.get(stuckId, 1)).toMatchObject({ deliveryAttempts: broken.received.length });
    expect((await system.outbox.cursor(jobId))).toMatchObject({ settledSeq: expected.at(-1) });
    expect((await system.outbox.cursor(jobId))?.due).toBeUndefined(); // idle: out of the index
  }, 60_000);

  it('keeps the order with two deliverers running at once (the claim on the job decides)', async () => {
    const random = seeded(7);
    const flaky = await receiver(() => (random() < 0.4 ? 500 : 200));
    const jobId = await submitWith(flaky.url);
    await driveWithFailovers(system, jobId, 2);
    const expected = await announcedSeqs(jobId);
    const accepted = () => flaky.received.filter((r) => r.answered === 200).map(seqOf);
    for (let run = 0; run < 1000 && accepted().length < expected.length; run++) {
      await Promise.all([system.deliverWebhooks(), system.deliverWebhooks()]);
    }
    expect(accepted()).toEqual(expected);
    expectInOrder(flaky.received);
  }, 30_000);

  it('a dead event releases the ones behind it, still in order', async () => {
    const hook = await receiver((r) => (seqOf(r) === 1 ? 500 : 200));
    const jobId = await submitWith(hook.url);
    await driveWithFailovers(system, jobId, 1);
    const expected = await announcedSeqs(jobId);
    const deps = {
      outbox: system.outbox,
      secretsFor: async (t: string) => [await system.tenants.webhookSecret(t)],
      policy: { allowHttp: true, allowLoopback: true },
      clock: systemClock,
      config: { ...DEFAULT_WEBHOOK_CONFIG, baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3, timeoutMs: 1000 },
    };
    for (let run = 0; run < 200 && hook.received.filter((r) => r.answered === 200).length < expected.length - 1; run++) {
      await deliverDueWebhooks(deps);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(hook.received.map(seqOf)).toEqual([1, 1, 1, ...expected.slice(1)]);
    expectInOrder(hook.received, [1]);
    expect(await system.outbox.get(jobId, 1)).toMatchObject({ status: 'dead', deliveryAttempts: 3, lastError: expect.stringContaining('HTTP 500') });
    expect(await system.outbox.get(jobId, expected.at(-1)!)).toMatchObject({ status: 'delivered', deliveryAttempts: 1 });
  }, 30_000);
});
