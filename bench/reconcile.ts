// How the reconciler behaves with many live attempts: seeds N running jobs (default 10,000),
// each with a live attempt launched on one of several sim providers, straight into the
// store, then times one full reconcile pass over all of them and counts the provider calls
// and DynamoDB calls it makes (the SDK middleware counts the latter). It measures
// src/core/reconcile.ts as it is. `npm run bench:reconcile -- --json` prints
// { liveAttempts, passSeconds, providerCalls, dynamoCalls, … }.
import { parseArgs } from 'node:util';
import { DynamoCallCounter, difference } from '../src/adapters/dynamodb/call-counter.js';
import type { Attempt, Job, JobEvent } from '../src/core/job.js';
import { newJobId } from '../src/core/jobs-service.js';
import { reconcileOnce } from '../src/core/reconcile.js';
import { startBenchDynamo } from './dynamo-local.js';
import { startSystem } from '../src/local/system.js';
import { SimProvider } from '../src/providers/sim/sim-provider.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    attempts: { type: 'string', default: '10000' },
    providers: { type: 'string', default: '4' },
    'seed-concurrency': { type: 'string', default: '16' },
  },
});
const liveAttempts = Number(values.attempts);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

const providerCalls: Record<string, number> = {};
const sims = Array.from({ length: Number(values.providers) }, (_, i) => {
  const sim = new SimProvider({
    name: `sim-${i + 1}`,
    catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 + i / 10 }],
    startDelayMs: 0,
    runTimeMs: 24 * 3_600_000, // running for the whole bench
    failureRate: 0,
    seed: 11 + i,
  });
  // Count every call the reconciler makes to a provider, per method.
  for (const method of ['offers', 'launch', 'status', 'cancel', 'logs', 'listOwned'] as const) {
    const original = (sim as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    (sim as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      providerCalls[method] = (providerCalls[method] ?? 0) + 1;
      return (original as (...a: unknown[]) => Promise<unknown>).apply(sim, args);
    };
  }
  return sim;
});

const dynamo = await startBenchDynamo();
const system = await startSystem({ port: 0, dynamoEndpoint: dynamo.endpoint, tableName: 'bench_reconcile', providers: sims, loops: false });
const counter = new DynamoCallCounter().attach(system.db);

// Seed: every job already running on its provider, as the dispatcher and earlier passes leave it.
log(`seeding ${liveAttempts} live attempts on ${sims.length} sim providers…`);
const seedStarted = performance.now();
let seeded = 0;
const seedOne = async (): Promise<void> => {
  const i = seeded++;
  const sim = sims[i % sims.length]!;
  const now = new Date().toISOString();
  const id = newJobId();
  const attemptId = `${id}-a1`;
  const offer = { provider: sim.name, offerId: `${sim.name}-H100`, gpuModel: 'H100', pricePerGpuHourUsd: 1, vramGb: 80 };
  const { providerRef } = await sim.launch({
    attemptId,
    jobId: id,
    offer: offer as never,
    image: 'bench',
    command: ['train'],
    env: {},
    maxDurationSeconds: 86_400,
    maxPricePerGpuHourUsd: 5,
    resources: {},
  });
  const attempt: Attempt = { id: attemptId, provider: sim.name, offerId: offer.offerId, gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'running', createdAt: now, startedAt: now, providerRef };
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

// One full pass: one invocation whose batch covers every live attempt (the orphan sweep runs
// on this first pass, as it does every sweepIntervalSeconds).
const before = counter.snapshot();
const started = performance.now();
const summary = await reconcileOnce({ ...system.deps, reconcile: { ...system.deps.reconcile, batchSize: liveAttempts } });
const passSeconds = (performance.now() - started) / 1000;
const counts = difference(counter.snapshot(), before);
const fullPassProviderCalls = { ...providerCalls };

// What one invocation with the shipped batch size covers.
for (const key of Object.keys(providerCalls)) delete providerCalls[key];
const defaultBefore = counter.snapshot();
const defaultStarted = performance.now();
const defaultSummary = await reconcileOnce(system.deps);
const defaultPass = {
  batchSize: system.deps.reconcile.batchSize,
  examined: defaultSummary.examined,
  seconds: Number(((performance.now() - defaultStarted) / 1000).toFixed(2)),
  dynamoCalls: difference(counter.snapshot(), defaultBefore).total,
  providerCalls: Object.values(providerCalls).reduce((s, n) => s + n, 0),
};
await system.stop();
await dynamo.stop();

const figures = {
  liveAttempts,
  passSeconds: Number(passSeconds.toFixed(2)),
  providerCalls: Object.values(fullPassProviderCalls).reduce((s, n) => s + n, 0),
  dynamoCalls: counts.total,
  providerCallsByMethod: fullPassProviderCalls,
  dynamoCallsByOperation: counts.calls,
  examined: summary.examined,
  changed: summary.changed,
  errors: summary.errors,
  providers: sims.length,
  defaultBatchPass: defaultPass,
};
if (values.json) console.log(JSON.stringify(figures));
else {
  log(`one full pass over ${liveAttempts} live attempts: ${figures.passSeconds} s`);
  log(`provider calls per pass: ${figures.providerCalls} ${JSON.stringify(fullPassProviderCalls)} (${(figures.providerCalls / liveAttempts).toFixed(2)} per live attempt)`);
  log(`DynamoDB calls per pass: ${figures.dynamoCalls} ${JSON.stringify(counts.calls)}`);
  log(`examined ${summary.examined}, changed ${summary.changed}, errors ${summary.errors}`);
  log(`one invocation with the shipped batchSize ${defaultPass.batchSize}: examined ${defaultPass.examined} in ${defaultPass.seconds} s (${defaultPass.dynamoCalls} DynamoDB calls, ${defaultPass.providerCalls} provider calls)`);
}
process.exit(0);
