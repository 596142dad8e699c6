// The broker's own AWS cost per million jobs (GPU time excluded): runs a few hundred jobs
// through the local system (API over HTTP, the queue into the dispatch handler, reconcile
// passes on a manual clock) with the SDK call counter on, and prices what was counted at
// the list prices in ./aws-prices.ts. DynamoDB is priced in request units computed from each
// counted call's item sizes (DynamoDB Local reports no consumed capacity); Lambda from the
// measured duration of each handler at the stack's memory sizes. What is modelled rather
// than counted is named in `assumptions`. `npm run bench:cost -- --json` prints
// { usdPerMillionJobs, components: {…}, … }.
import { parseArgs } from 'node:util';
import { DynamoCallCounter, difference, type CallCounts } from '../src/adapters/dynamodb/call-counter.js';
import { startBenchDynamo } from './dynamo-local.js';
import { startSystem } from '../src/local/system.js';
import { SimProvider } from '../src/providers/sim/sim-provider.js';
import { AWS_PRICES, FUNCTION_MEMORY_MB } from './aws-prices.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '300' },
    // How long a job runs in production: the reconciler looks at a live job every minute.
    'job-minutes': { type: 'string', default: '60' },
    // Spreads the fixed per-minute schedules over this many jobs.
    'jobs-per-month': { type: 'string', default: '1000000' },
    // One request at a time: a request's duration is its own, not time spent queued behind others.
    concurrency: { type: 'string', default: '1' },
  },
});
const jobs = Number(values.jobs);
const jobMinutes = Number(values['job-minutes']);
const jobsPerMonth = Number(values['jobs-per-month']);
const concurrency = Number(values.concurrency);

class BenchClock {
  private t = Date.parse('2026-03-02T00:00:00Z');
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}
const clock = new BenchClock();
const SIM_RUN_MINUTES = 10;
const providers = ['sim-a', 'sim-b'].map(
  (name, i) =>
    new SimProvider(
      { name, catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 + i }], startDelayMs: 0, runTimeMs: SIM_RUN_MINUTES * 60_000, failureRate: 0, seed: 3 + i },
      clock,
    ),
);
const dynamo = await startBenchDynamo();
const system = await startSystem({ port: 0, dynamoEndpoint: dynamo.endpoint, tableName: 'bench_cost', providers, clock, loops: false });
const counter = new DynamoCallCounter().attach(system.db, { estimate: true }); // DynamoDB Local reports no consumed capacity
let sqsSends = 0;
const send = system.queue.send.bind(system.queue);
system.queue.send = async (message) => {
  sqsSends++;
  return send(message);
};
const headers = { authorization: `Bearer ${system.apiKey}`, 'content-type': 'application/json' };
const body = JSON.stringify({
  image: 'bench',
  command: ['train'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 7200,
  maxPricePerGpuHourUsd: 5,
  placement: { strategy: 'cheapest', fallback: 'none' },
});

interface Phase {
  counts: CallCounts;
  invocations: number;
  seconds: number;
}
const measure = async (run: () => Promise<number>): Promise<Phase> => {
  const before = counter.snapshot();
  const started = performance.now();
  const invocations = await run();
  return { counts: difference(counter.snapshot(), before), invocations, seconds: (performance.now() - started) / 1000 };
};
const inParallel = async (n: number, work: (i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await work(next++);
  }));
};

// 1. The API: every job submitted, and read once by its client at the end (below).
const ids: string[] = [];
let apiSeconds = 0;
const submits = await measure(async () => {
  await inParallel(jobs, async () => {
    const started = performance.now();
    const res = await fetch(`${system.url}/v1/jobs`, { method: 'POST', headers, body });
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
    apiSeconds += (performance.now() - started) / 1000;
  });
  return jobs;
});

// 2. Dispatch: the queue hands each message to the dispatch handler (one invocation per
// message: the worst case of a quiet queue, where batches hold one message).
let dispatchMessages = 0;
const dispatch = await measure(async () => {
  while (system.queue.depth > 0) dispatchMessages += await system.queue.pollOnce();
  return dispatchMessages;
});

// 3. The pass that sees every attempt start running (a write per job, once in its life),
// then the passes while every job runs: a pass a minute, each looking at every live job
// (the batched reads find nothing new, so nothing is read again or written).
const started = await measure(async () => {
  clock.advance(60_000);
  await system.reconcile();
  return 1;
});
const STEADY_PASSES = 3;
const steady = await measure(async () => {
  for (let i = 0; i < STEADY_PASSES; i++) {
    clock.advance(60_000);
    await system.reconcile();
  }
  return STEADY_PASSES;
});
// 4. The passes that see the jobs finish, settle them and charge them.
const ending = await measure(async () => {
  clock.advance(SIM_RUN_MINUTES * 60_000);
  let passes = 0;
  for (; passes < 20; passes++) {
    await system.reconcile();
    const pending = await system.store.needingReconcile(1);
    if (pending.length === 0) break;
    clock.advance(60_000);
  }
  return passes + 1;
});
// 5. An empty pass of each schedule: what a minute costs with nothing to do.
const idleReconcile = await measure(async () => {
  await system.reconcile();
  return 1;
});
const idleWebhooks = await measure(async () => {
  await system.deliverWebhooks();
  return 1;
});
// 6. Each client reads its finished job once.
let readSeconds = 0;
const reads = await measure(async () => {
  await inParallel(ids.length, async (i) => {
    const started = performance.now();
    const res = await fetch(`${system.url}/v1/jobs/${ids[i]}`, { headers });
    await res.arrayBuffer();
    readSeconds += (performance.now() - started) / 1000;
  });
  return ids.length;
});
await system.stop();
await dynamo.stop();

// Pricing. Everything per job, then × 1,000,000.
const P = AWS_PRICES;
const dynamoUsd = (c: CallCounts) => (c.readUnits * P.dynamodb.usdPerMillionReadUnits + c.writeUnits * P.dynamodb.usdPerMillionWriteUnits) / 1e6;
const lambdaUsd = (invocations: number, seconds: number, memoryMb: number) =>
  (invocations * P.lambda.usdPerMillionRequests) / 1e6 + seconds * (memoryMb / 1024) * P.lambda.usdPerGbSecondArm64;
const perJob = (usd: number) => usd / jobs;
const minutesPerMonth = 30 * 24 * 60;

const liveJobPasses = jobs * STEADY_PASSES;
const steadyPerLiveJobMinute = { dynamo: dynamoUsd(steady.counts) / liveJobPasses, lambdaSeconds: steady.seconds / liveJobPasses };
const components = {
  apiGateway: (2 * P.apiGatewayHttp.usdPerMillionRequests) / 1e6, // a submit and a read per job
  lambdaApi: perJob(lambdaUsd(submits.invocations + reads.invocations, apiSeconds + readSeconds, FUNCTION_MEMORY_MB.api)),
  dynamodbApi: perJob(dynamoUsd(submits.counts) + dynamoUsd(reads.counts)),
  sqs: perJob((sqsSends * 3 * P.sqs.usdPerMillionRequests) / 1e6), // send, receive, delete per message
  lambdaDispatch: perJob(lambdaUsd(dispatch.invocations, dispatch.seconds, FUNCTION_MEMORY_MB.dispatch)),
  dynamodbDispatch: perJob(dynamoUsd(dispatch.counts)),
  // A live job costs its start pass, a share of every other minute's pass while it runs, then its ending passes.
  dynamodbReconcile: perJob(dynamoUsd(started.counts)) + steadyPerLiveJobMinute.dynamo * (jobMinutes - 1) + perJob(dynamoUsd(ending.counts)),
  lambdaReconcile:
    steadyPerLiveJobMinute.lambdaSeconds * (jobMinutes - 1) * (FUNCTION_MEMORY_MB.reconcile / 1024) * P.lambda.usdPerGbSecondArm64 +
    perJob((started.seconds + ending.seconds) * (FUNCTION_MEMORY_MB.reconcile / 1024) * P.lambda.usdPerGbSecondArm64),
  // Fixed: two per-minute schedules (reconcile, webhooks) and their idle passes, spread over a month's jobs.
  schedules:
    ((2 * minutesPerMonth * P.eventBridge.usdPerMillionScheduledInvocations) / 1e6 +
      minutesPerMonth * (lambdaUsd(1, idleReconcile.seconds, FUNCTION_MEMORY_MB.reconcile) + dynamoUsd(idleReconcile.counts)) +
      minutesPerMonth * (lambdaUsd(1, idleWebhooks.seconds, FUNCTION_MEMORY_MB.webhooks) + dynamoUsd(idleWebhooks.counts))) /
    jobsPerMonth,
  // Modelled, not counted: one log upload and one read per job (log storage is not on this branch).
  s3Logs: (P.s3.usdPerThousandPut + P.s3.usdPerThousandGet) / 1000,
};
const perMillion = Object.fromEntries(Object.entries(components).map(([k, v]) => [k, Number((v * 1e6).toFixed(2))])) as Record<keyof typeof components, number>;
const usdPerMillionJobs = Number((Object.values(components).reduce((s, v) => s + v, 0) * 1e6).toFixed(2));
const callsPer = (c: CallCounts, n: number) => Number((c.total / n).toFixed(2));
const figures = {
  usdPerMillionJobs,
  components: perMillion,
  counted: {
    jobs,
    dynamoCallsPerSubmit: callsPer(submits.counts, jobs),
    dynamoCallsPerDispatch: callsPer(dispatch.counts, jobs),
    dynamoCallsStartPassPerJob: callsPer(started.counts, jobs),
    dynamoCallsPerLiveJobPerPass: callsPer(steady.counts, liveJobPasses),
    readUnitsPerLiveJobPerPass: Number((steady.counts.readUnits / liveJobPasses).toFixed(3)),
    dynamoCallsEndingPerJob: callsPer(ending.counts, jobs),
    dynamoCallsPerIdlePass: idleReconcile.counts.total + idleWebhooks.counts.total,
    unitsPerSubmit: { read: Number((submits.counts.readUnits / jobs).toFixed(2)), write: Number((submits.counts.writeUnits / jobs).toFixed(2)) },
    sqsMessagesPerJob: Number((sqsSends / jobs).toFixed(2)),
    lambdaMsPerSubmit: Number(((apiSeconds / jobs) * 1000).toFixed(1)),
    lambdaMsPerDispatch: Number(((dispatch.seconds / Math.max(1, dispatch.invocations)) * 1000).toFixed(1)),
    reconcileMsPerLiveJob: Number(((steady.seconds / liveJobPasses) * 1000).toFixed(2)),
    endingPasses: ending.invocations,
  },
  assumptions: {
    jobMinutes,
    jobsPerMonth,
    lambdaInvocationPerDispatchMessage: 1,
    sqsRequestsPerMessage: 3,
    apiRequestsPerJob: 2,
    s3LogRequestsPerJob: { put: 1, get: 1 },
    durations: 'measured on this machine against DynamoDB Local (slower than DynamoDB): an upper bound for Lambda GB-seconds',
  },
  prices: { region: P.region, readOn: P.readOn, file: 'bench/aws-prices.ts' },
};

if (values.json) console.log(JSON.stringify(figures));
else {
  console.log(`Broker AWS cost, ${jobs} jobs through the local system, ${jobMinutes}-minute jobs, ${jobsPerMonth.toLocaleString('en-US')} jobs a month (prices ${P.region}, read ${P.readOn})`);
  for (const [name, usd] of Object.entries(perMillion)) console.log(`  ${name.padEnd(18)} $${usd.toFixed(2)} per million jobs`);
  console.log(`  ${'total'.padEnd(18)} $${usdPerMillionJobs.toFixed(2)} per million jobs (GPU time excluded)`);
  console.log(`counted: ${JSON.stringify(figures.counted)}`);
}
process.exit(0);
