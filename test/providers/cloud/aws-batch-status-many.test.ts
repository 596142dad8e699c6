// The AWS Batch adapter's batched status read: one DescribeJobs call for many attempts
// (up to 100 ids), each item still checked for its attempt's tag and name.
import { describe, expect, it } from 'vitest';
import type { BatchClient } from '@aws-sdk/client-batch';
import { startAwsBatchFake, type AwsBatchFake } from '../../../src/market/cloud/aws-batch-fake.js';
import { createAwsBatchProvider, type AwsBatchProvider } from '../../../src/providers/aws-batch/aws-batch-provider.js';
import { cloudHarness } from '../support/cloud.js';
import { providerError } from '../support/errors.js';
import { firstOfferOf, launchRequest, query } from '../support/requests.js';

const adapterFor = (fake: AwsBatchFake): AwsBatchProvider =>
  createAwsBatchProvider({ region: fake.region, endpoint: fake.url, credentials: fake.credentials, jobQueue: 'switchyard-gpu' });

const setup = cloudHarness((now) => startAwsBatchFake({ seed: 7, now, startDelayMs: 100, runMs: 10_000 }), adapterFor);

/** Operations the adapter's SDK client sends, counted by a middleware. */
const countOperations = (provider: AwsBatchProvider): Record<string, number> => {
  const counts: Record<string, number> = {};
  const client = (provider as unknown as { client: BatchClient }).client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String((context as { commandName?: string }).commandName);
      counts[op] = (counts[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countOperations' },
  );
  return counts;
};

describe('AWS Batch statusMany', () => {
  it('answers many attempts from one DescribeJobs, and a job that carries another attempt is lost', async () => {
    const { fake, provider, clock } = await setup();
    const offer = await firstOfferOf(provider, query(['A10G'], 100));
    const refs = [];
    for (const id of ['att-m1', 'att-m2', 'att-m3']) refs.push({ attemptId: id, providerRef: (await provider.launch(launchRequest(id, offer))).providerRef });
    clock.advance(150);
    fake.jobs.jobs.get(refs[1]!.providerRef)!.tags['switchyard:attempt-id'] = 'att-other';
    const counts = countOperations(provider);
    const answers = await provider.statusMany([
      ...refs,
      { attemptId: 'att-gone', providerRef: '00000000-0000-4000-8000-000000000000' },
      { attemptId: 'att-no-ref' }, // launch never learned its id: found by name, as status() does
    ]);
    expect(counts).toEqual({ DescribeJobsCommand: 1, ListJobsCommand: 1 });
    expect(answers.get('att-m1')).toMatchObject({ status: { state: 'running' } });
    expect(answers.get('att-m2')).toMatchObject({ status: { state: 'lost', providerFault: true } });
    expect(answers.get('att-m3')).toMatchObject({ status: { state: 'running' } });
    expect(answers.get('att-gone')).toMatchObject({ error: { kind: 'unknown-job' } });
    expect(answers.get('att-no-ref')).toMatchObject({ error: { kind: 'unknown-job' } });
    expect(provider.statusBatchSize).toBe(100);
  });

  it('throws a throttled read as transient with its Retry-After, for the reconciler to wait out', async () => {
    const { fake, provider } = await setup();
    const offer = await firstOfferOf(provider, query(['A10G'], 100));
    const { providerRef } = await provider.launch(launchRequest('att-t1', offer));
    fake.scenario.injectHttp({ status: 429, retryAfterSeconds: 3, path: /describejobs/ });
    expect(await providerError(provider.statusMany([{ attemptId: 'att-t1', providerRef }]))).toMatchObject({ kind: 'transient', retryAfterSeconds: 3 });
    expect((await provider.statusMany([{ attemptId: 'att-t1', providerRef }])).get('att-t1')).toMatchObject({ status: { state: 'pending' } });
  });
});
