// The reconcile pass reads live attempts' statuses in batches per provider (statusMany),
// leaves jobs nothing happened to unread and unwritten, waits out a provider's Retry-After,
// and shares one pass between several invocations with each job in exactly one shard.
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoCallCounter } from '../../src/adapters/dynamodb/call-counter.js';
import { ProviderError, type AttemptRef } from '../../src/core/provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { CountingSim, ManualClock, simJob } from '../support/sim.js';

let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** A sim that counts its batched and single status calls, and can be told to throttle. */
class BatchingSim extends CountingSim {
  batchCalls: number[] = [];
  singleCalls = 0;
  throttleNext = 0;
  readonly statusBatchSize = 4;
  override async status(ref: AttemptRef) {
    this.singleCalls++;
    return super.status(ref);
  }
  override async statusMany(refs: AttemptRef[]) {
    this.batchCalls.push(refs.length);
    if (this.throttleNext > 0) {
      this.throttleNext--;
      throw new ProviderError('transient', 'HTTP 429 Too Many Requests', 2);
    }
    return super.statusMany(refs);
  }
}

const batchingSim = (clock: ManualClock) =>
  new BatchingSim({ name: 'sim-batch', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 2 }], startDelayMs: 0, runTimeMs: 600_000, failureRate: 0, seed: 1 }, clock);

const startRunning = async (jobs: number, options: { sleeps?: number[] } = {}) => {
  const clock = new ManualClock();
  const net = batchingSim(clock);
  const s = (system = await startTestSystem({
    loops: false,
    clock,
    providers: [net],
    reconcile: { sweepIntervalSeconds: undefined, sleep: async (ms) => void options.sleeps?.push(ms) },
  }));
  const ids: string[] = [];
  for (let i = 0; i < jobs; i++) ids.push((await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', fallback: 'none' } }) })).body.id);
  while (s.queue.depth > 0) await s.queue.pollOnce();
  expect(net.launches).toHaveLength(jobs);
  // The first pass sees every attempt start running (a write per job: something changed).
  await s.reconcile();
  for (const id of ids) expect((await s.store.get(id))!.status).toBe('running');
  net.batchCalls = [];
  net.singleCalls = 0;
  return { s, net, clock, ids };
};

describe('batched status reads', () => {
  it('reads 10 running attempts in 3 calls of at most 4, and neither reads nor writes a job nothing happened to', async () => {
    const { s, net, clock } = await startRunning(10);
    const counter = new DynamoCallCounter().attach(s.db);
    clock.advance(60_000);
    const pass = await s.reconcile();
    expect(net.batchCalls.sort()).toEqual([2, 4, 4]);
    expect(net.singleCalls).toBe(10); // the sim's list answers each item as status() would: inside the 3 calls
    expect(pass.statusCalls).toBe(3);
    expect(pass.examined).toBe(10);
    expect(pass.quiet).toBe(10);
    expect(pass.changed).toBe(0);
    const calls = counter.snapshot().calls;
    // The index pages and one batch of agent records; no GetItem per job, no write.
    expect(calls.GetItem ?? 0).toBe(0);
    expect(calls.TransactWriteItems ?? 0).toBe(0);
    expect(calls.BatchGetItem).toBe(1);
  });

  it('acts on the jobs whose attempts ended, from the batched answers, reading only those jobs', async () => {
    const { s, net, clock, ids } = await startRunning(6);
    clock.advance(600_000); // every run has finished at the sim
    const counter = new DynamoCallCounter().attach(s.db);
    const pass = await s.reconcile();
    expect(pass.statusCalls).toBe(2);
    // 6 inside the two batches, and 6 by the release check after each stop (the sim has no
    // release(): the core cancels, then reads status); no second read before acting.
    expect(net.singleCalls).toBe(12);
    expect(net.cancels).toHaveLength(6);
    expect(pass.changed).toBe(6);
    expect(counter.snapshot().calls.GetItem).toBeGreaterThanOrEqual(6);
    for (const id of ids) expect((await s.store.get(id))!.status).toBe('succeeded');
  });

  it('waits out a 429 Retry-After and then reads the batch', async () => {
    const sleeps: number[] = [];
    const { s, net, clock } = await startRunning(3, { sleeps });
    net.throttleNext = 1;
    clock.advance(60_000);
    const pass = await s.reconcile();
    expect(sleeps).toEqual([2000]);
    expect(pass.throttled).toBe(1);
    expect(pass.statusCalls).toBe(2);
    expect(pass.quiet).toBe(3);
    expect(pass.errors).toBe(0);
  });

  it('leaves the jobs for the next pass, untouched, when the provider keeps throttling', async () => {
    const sleeps: number[] = [];
    const { s, net, clock, ids } = await startRunning(2, { sleeps });
    net.throttleNext = 10;
    clock.advance(600_000);
    const pass = await s.reconcile();
    expect(sleeps).toEqual([2000, 2000, 2000]); // three retries, then the next pass
    expect(pass.changed).toBe(0);
    for (const id of ids) expect((await s.store.get(id))!.status).toBe('running');
    net.throttleNext = 0;
    expect((await s.reconcile()).changed).toBe(2);
  });
});

describe('sharded pass', () => {
  it('splits the index so that every job is examined by exactly one of the shards', async () => {
    const { s, clock, ids } = await startRunning(24);
    clock.advance(60_000);
    for (const shards of [2, 3, 4]) {
      const seen: number[] = [];
      for (let shard = 0; shard < shards; shard++) seen.push((await s.reconcile({ shard, shards })).examined);
      expect(seen.reduce((a, b) => a + b, 0)).toBe(ids.length);
    }
    // Which jobs: each shard's own, none twice, none left out (by the index partitions each reads).
    const pages = await Promise.all([0, 1, 2].map((index) => s.store.needingReconcilePage(100, undefined, { index, count: 3 })));
    const all = pages.flatMap((p) => p.jobs.map((j) => j.id));
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set(ids));
  });

  it('refuses more shards than the index has partitions', async () => {
    const { s } = await startRunning(1);
    await expect(s.reconcile({ shard: 0, shards: 5 })).rejects.toThrow(/1\.\.4/);
  });
});
