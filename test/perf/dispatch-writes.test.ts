// The dispatcher's writes per launched job, counted by the SDK middleware: the claim, the
// attempt record before the provider is called, and the provider's handle after it (see
// the count in src/core/dispatch.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCallCounter } from '../../src/adapters/dynamodb/call-counter.js';
import { dispatchJob } from '../../src/core/dispatch.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { sim, simJob, type CountingSim } from '../support/sim.js';

let system: RunningSystem;
let provider: CountingSim;
beforeAll(async () => {
  provider = sim({ name: 'sim-a' });
  system = await startTestSystem({ loops: false, providers: [provider] });
});
afterAll(() => system.stop());

describe('dispatcher writes', () => {
  it('launches a job with three job writes (claim, attempt record, provider handle) and launches it once', async () => {
    const id = (await api(system, 'POST', '/v1/jobs', { body: simJob() })).body.id as string;
    const counter = new DynamoCallCounter().attach(system.db);
    const { result, counts } = await counter.during(() => dispatchJob(system.deps, id));
    expect(result).toBe('launched');
    expect(counts.calls.TransactWriteItems).toBe(3);
    expect(provider.launches).toEqual([`${id}-a1`]);
    const job = await system.store.get(id);
    expect(job!.attempts[0]).toMatchObject({ status: 'starting', providerRef: expect.any(String) });
  });
});
