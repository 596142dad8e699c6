// How the reconciler behaves with many live attempts: N running jobs (default 10,000), each
// with a live attempt at a provider of the local market, then one full reconcile pass over
// all of them, timed, with the provider calls and DynamoDB calls it makes counted (the SDK
// middleware counts the latter). The providers are the real adapters over HTTP against the
// market's fakes: AWS Batch (SigV4, DescribeJobs of 100 per call) for most attempts, and a
// share on sim networks without a batched read (--sims, the per-attempt fallback). The seed
// writes the fake's jobs and the job items directly (what the dispatcher's launches would
// leave): the launch path is not what is measured. Then the same pass split over --shards
// invocations running at once. `npm run bench:reconcile -- --json` prints
// { liveAttempts, passSeconds, providerCalls, dynamoCalls, … }.
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { BatchClient } from '@aws-sdk/client-batch';
import { DynamoCallCounter, difference } from '../src/adapters/dynamodb/call-counter.js';
import type { Attempt, Job, JobEvent } from '../src/core/job.js';
import type { Provider } from '../src/core/provider.js';
import { newJobId } from '../src/core/jobs-service.js';
import { reconcileOnce } from '../src/core/reconcile.js';
import { startAwsBatchFake } from '../src/market/cloud/aws-batch-fake.js';
import { createAwsBatchProvider } from '../src/providers/aws-batch/aws-batch-provider.js';
import { ATTEMPT_TAG, JOB_TAG, jobNameFor } from '../src/providers/aws-batch/names.js';
import { startBenchDynamo } from './dynamo-local.js';
import { startSystem } from '../src/local/system.js';
import { SimProvider } from '../src/providers/sim/sim-provider.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    attempts: { type: 'string', default: '10000' },
    // Attempts on sim networks read one by one (no statusMany): the fallback's share.
    sims: { type: 'string', default: '0' },
    shards: { type: 'string', default: '4' },
    'seed-concurrency': { type: 'string', default: '16' },
  },
});
const liveAttempts = Number(values.attempts);
const simAttempts = Math.min(liveAttempts, Number(values.sims));
const log = (line: string) => {
  if (!values.json) console.log(line);
};

const providerCalls: Record<string, number> = {};
const count = (name: string) => (providerCalls[name] = (providerCalls[name] ?? 0) + 1);

// AWS Batch: every request the adapter's SDK client sends is counted by a middleware.
const batchFake = await startAwsBatchFake({ seed: 5, startDelayMs: 0, runMs: 24 * 3_600_000 });
const awsBatch = createAwsBatchProvider({ region: batchFake.region, endpoint: batchFake.url, credentials: batchFake.credentials, jobQueue: 'switchyard-gpu' });
(awsBatch as unknown as { client: BatchClient }).client.middlewareStack.add(
  (next, context) => async (args) => {
    count(`aws-batch.${String((context as { commandName?: string }).commandName).replace(/Command$/, '')}`);
    return next(args);
  },
  { step: 'initialize', name: 'benchCallCounter' },
);
// Sims without statusMany: each status() call is one provider call.
const sim = new SimProvider({ name: 'sim-single', catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }], startDelayMs: 0, runTimeMs: 24 * 3_600_000, failureRate: 0, seed: 11 });
const singleSim: Provider = {
  name: sim.name,
  kind: sim.kind,
  info: () => sim.info(),
  offers: (q) => sim.offers(q),
  launch: (r) => sim.launch(r),
  status: (ref) => (count('sim-single.status'), sim.status(ref)),
  cancel: (ref) => sim.cancel(ref),
  listOwned: () => (count('sim-single.listOwned'), sim.listOwned()),
};
const providers = [awsBatch, singleSim];

const dynamo = await startBenchDynamo();
const system = await startSystem({ port: 0, dynamoEndpoint: dynamo.endpoint, tableName: 'bench_reconcile', providers, loops: false });
const counter = new DynamoCallCounter().attach(system.db);

// Seed: every job already running on its provider, as the dispatcher and earlier passes leave it.
log(`seeding ${liveAttempts} live attempts (${liveAttempts - simAttempts} on the AWS Batch fake, ${simAttempts} on a sim read one by one)…`);
const seedStarted = performance.now();
let seeded = 0;
const seedOne = async (): Promise<void> => {
  const i = seeded++;
  const onSim = i < simAttempts;
  const now = new Date().toISOString();
  const id = newJobId();
  const attemptId = `${id}-a1`;
  let providerRef: string;
  const provider = onSim ? sim.name : awsBatch.name;
  const offer = { provider, offerId: onSim ? `${sim.name}-H100` : 'g5.xlarge', gpuModel: 'H100', pricePerGpuHourUsd: 1, vramGb: 80 };
  if (onSim) {
    providerRef = (await sim.launch({ attemptId, jobId: id, offer: offer as never, image: 'bench', command: ['train'], env: {}, maxDurationSeconds: 86_400 })).providerRef;
  } else {
    // What SubmitJob leaves in the fake: a job with the attempt's name and tags, running.
    providerRef = randomUUID();
    const acceptedAt = Date.now() - 1000;
    batchFake.jobs.jobs.set(providerRef, {
      jobId: providerRef,
      jobArn: `arn:aws:batch:${batchFake.region}:123456789012:job/${providerRef}`,
      jobName: jobNameFor(attemptId),
      jobQueue: `arn:aws:batch:${batchFake.region}:123456789012:job-queue/switchyard-gpu`,
      jobDefinition: `arn:aws:batch:${batchFake.region}:123456789012:job-definition/bench:1`,
      image: 'bench',
      command: ['train'],
      environment: [],
      resourceRequirements: [{ type: 'GPU', value: '1' }],
      tags: { [ATTEMPT_TAG]: attemptId, [JOB_TAG]: id },
      createdAt: acceptedAt,
      workload: { acceptedAt, plan: { kind: 'succeed' }, startDelayMs: 0, runMs: 24 * 3_600_000 },
    });
  }
  const attempt: Attempt = { id: attemptId, provider, offerId: offer.offerId, gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'running', createdAt: now, startedAt: now, providerRef };
  const job: Job = {
    id,
    tenantId: system.tenantId,
    status: 'running',
    version: 1,
    eventSeq: 1,
    spec: {
      image: 'bench',
      command: ['train'],
      resources: { gpu: { models: ['H100'], count: 1 } },
      maxDurationSeconds: 86_400,
      maxPricePerGpuHourUsd: 5,
      placement: { strategy: 'cheapest', fallback: 'none' },
    } as Job['spec'],
    attempts: [attempt],
    createdAt: now,
    updatedAt: now,
  };
  const event: JobEvent = { jobId: id, seq: 1, at: now, type: 'status', to: 'running', reason: 'seeded by bench:reconcile' };
  await system.store.create(job, event);
};
await Promise.all(
  Array.from({ length: Number(values['seed-concurrency']) }, async () => {
    while (seeded < liveAttempts) await seedOne();
  }),
);
log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
for (const key of Object.keys(providerCalls)) delete providerCalls[key];

// One full pass: one invocation with the shipped configuration (pages of batchSize per index
// partition, up to maxPagesPerPass). The orphan sweep (every sweepIntervalSeconds, not every
// pass) is left out: its listing is not a per-pass cost.
const passDeps = { ...system.deps, reconcile: { ...system.deps.reconcile, sweepIntervalSeconds: undefined } };
const before = counter.snapshot();
const started = performance.now();
const summary = await reconcileOnce(passDeps);
const passSeconds = (performance.now() - started) / 1000;
const counts = difference(counter.snapshot(), before);
const fullPassProviderCalls = { ...providerCalls };

// The same pass shared by --shards invocations at once (each its part of the index).
for (const key of Object.keys(providerCalls)) delete providerCalls[key];
const shardCount = Number(values.shards);
const shardedBefore = counter.snapshot();
const shardedStarted = performance.now();
const shardSummaries = await Promise.all(Array.from({ length: shardCount }, (_, index) => reconcileOnce(passDeps, { index, count: shardCount })));
const shardedPass = {
  shards: shardCount,
  wallSeconds: Number(((performance.now() - shardedStarted) / 1000).toFixed(2)),
  examinedPerShard: shardSummaries.map((x) => x.examined),
  dynamoCalls: difference(counter.snapshot(), shardedBefore).total,
  providerCalls: Object.values(providerCalls).reduce((s, n) => s + n, 0),
};
await system.stop();
await dynamo.stop();
await batchFake.close();

const figures = {
  liveAttempts,
  passSeconds: Number(passSeconds.toFixed(2)),
  providerCalls: Object.values(fullPassProviderCalls).reduce((s, n) => s + n, 0),
  dynamoCalls: counts.total,
  providerCallsByMethod: fullPassProviderCalls,
  dynamoCallsByOperation: counts.calls,
  examined: summary.examined,
  quiet: summary.quiet,
  changed: summary.changed,
  errors: summary.errors,
  attemptsReadOneByOne: simAttempts,
  shardedPass,
};
if (values.json) console.log(JSON.stringify(figures));
else {
  log(`one full pass over ${liveAttempts} live attempts: ${figures.passSeconds} s`);
  log(`provider calls per pass: ${figures.providerCalls} ${JSON.stringify(fullPassProviderCalls)} (${(figures.providerCalls / liveAttempts).toFixed(2)} per live attempt)`);
  log(`DynamoDB calls per pass: ${figures.dynamoCalls} ${JSON.stringify(counts.calls)}`);
  log(`examined ${summary.examined}, changed ${summary.changed}, errors ${summary.errors}`);
  log(`examined ${summary.examined}: ${summary.quiet} quiet (not read again, not written)`);
  log(`the same pass over ${shardedPass.shards} shards at once: ${shardedPass.wallSeconds} s wall, examined ${JSON.stringify(shardedPass.examinedPerShard)}, ${shardedPass.dynamoCalls} DynamoDB calls, ${shardedPass.providerCalls} provider calls`);
}
process.exit(0);
