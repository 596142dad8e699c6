// Benchmark of the job path in local mode: POST /v1/jobs throughput and latency
// (autocannon) against the floor, i.e. the raw DynamoDB calls a submit must make (one
// GetItem for the key, one conditional UpdateItem for the rate limit, one TransactWriteItems
// of the same items) issued directly at the same concurrency in the same run; the API with
// and without the dispatcher consuming the queue; DynamoDB calls per submit counted by the
// SDK middleware; raw PutItem throughput (the old baseline); and submit-to-running time
// with a zero-delay sim provider. `npm run bench:api -- --json` prints one JSON object.
import { parseArgs } from 'node:util';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { DynamoCallCounter, difference } from '../src/adapters/dynamodb/call-counter.js';
import { DynamoJobStore } from '../src/adapters/dynamodb/job-store.js';
import { parseApiKey } from '../src/core/api-keys.js';
import type { Job, JobEvent, JobSpec } from '../src/core/job.js';
import { newJobId } from '../src/core/jobs-service.js';
import { monthOf } from '../src/money/amounts.js';
import { holdId } from '../src/money/accounting.js';
import { maxChargeMicroUsd } from '../src/money/pricing.js';
import { startBenchDynamo } from './dynamo-local.js';
import { startSystem, type RunningSystem } from '../src/local/system.js';
import { SimProvider } from '../src/providers/sim/sim-provider.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    e2e: { type: 'string', default: '50' },
    counted: { type: 'string', default: '100' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

const zeroDelay = new SimProvider({
  name: 'sim-zero',
  catalog: [{ gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1 }],
  startDelayMs: 0,
  runTimeMs: 3_600_000,
  failureRate: 0,
  seed: 7,
});
const reconcileIntervalMs = 100;
const dynamo = await startBenchDynamo();
// Throughput phases run without the reconciler, whose polling of every running job would
// otherwise compete for the same two cores; the submit-to-running phase needs it. The rate
// limit stays in the path (its update is one of the calls) but is set high enough never to refuse.
const system = await startSystem({
  port: 0,
  dynamoEndpoint: dynamo.endpoint,
  tableName: 'bench_api',
  providers: [zeroDelay],
  loops: false,
  rateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 },
});
const counter = new DynamoCallCounter().attach(system.db);

const job = JSON.stringify({
  image: 'bench',
  command: ['train'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 3600,
  maxPricePerGpuHourUsd: 5,
  placement: { strategy: 'cheapest', networks: ['sim-zero'], fallback: 'none' },
});
const headers = { authorization: `Bearer ${system.apiKey}`, 'content-type': 'application/json' };
log(`Switchyard API benchmark: ${duration}s per phase, ${connections} connections, local mode (DynamoDB Local in memory)`);

// The floor: what a submit must do in DynamoDB, with nothing around it. The transaction is
// written by the job store's own create (one TransactWriteItems: job, first event and the
// hold's posting and budget counter, as for the seeded invoice tenant), so its items are
// the API's, byte for byte.
const spec = JSON.parse(job) as JobSpec;
const keyId = parseApiKey(system.apiKey)!.keyId;
const rawStore = new DynamoJobStore(system.db, system.tableName);
const floorSubmit = async (worker: number): Promise<void> => {
  await system.db.send(new GetCommand({ TableName: system.tableName, Key: { pk: `KEY#${keyId}`, sk: 'KEY' }, ConsistentRead: true }));
  const now = Date.now();
  await system.db.send(
    new UpdateCommand({
      TableName: system.tableName,
      Key: { pk: `RATE#FLOOR#${worker}`, sk: 'BUCKET' },
      UpdateExpression: 'SET tat = :next, expiresAt = :exp',
      ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
      ExpressionAttributeValues: { ':next': now + 0.001, ':now': now, ':exp': Math.ceil(now / 1000) + 3600 },
    }),
  );
  const at = new Date(now).toISOString();
  const floorJob: Job = { id: newJobId(), tenantId: system.tenantId, status: 'queued', version: 1, eventSeq: 1, spec, attempts: [], createdAt: at, updatedAt: at };
  const event: JobEvent = { jobId: floorJob.id, seq: 1, at, type: 'status', to: 'queued', reason: 'submitted' };
  const amount = maxChargeMicroUsd(spec);
  await rawStore.create(floorJob, event, undefined, {
    posting: { id: holdId(floorJob.id), kind: 'job.hold', at, tenantId: floorJob.tenantId, jobId: floorJob.id, memo: `hold for job ${floorJob.id}`, entries: [], details: { holdMicroUsd: amount, month: monthOf(new Date(now)), mode: 'invoice' } },
    guards: [{ type: 'budget', tenantId: floorJob.tenantId, month: monthOf(new Date(now)), deltaMicroUsd: amount }],
  });
};
const floor = async (seconds: number) => {
  let submits = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      while (Date.now() < deadline) {
        const started = performance.now();
        await floorSubmit(worker);
        latencies.push(performance.now() - started);
        submits++;
      }
    }),
  );
  return { rate: submits / seconds, latencies: latencies.sort((a, b) => a - b) };
};
const submitLoad = (seconds: number) => autocannon({ url: `${system.url}/v1/jobs`, method: 'POST', headers, body: job, connections, duration: seconds });

const putItems = async (seconds: number) => {
  let puts = 0;
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      while (Date.now() < deadline) {
        const started = performance.now();
        await system.db.send(new PutCommand({ TableName: system.tableName, Item: { pk: `BENCH#${worker}#${puts}`, sk: 'X', payload: job } }));
        latencies.push(performance.now() - started);
        puts++;
      }
    }),
  );
  return { rate: puts / seconds, latencies: latencies.sort((a, b) => a - b) };
};

// 0. Warm the JVM and the Node HTTP path so no phase pays for JIT compilation.
await putItems(3);
await floor(3);
await submitLoad(3);

// 1. Raw DynamoDB Local PutItem throughput at the same concurrency (the old baseline).
const put = await putItems(duration);

// 2. The floor: the submit's own DynamoDB calls, issued directly.
const floorRun = await floor(duration);

// 3. POST /v1/jobs with no dispatcher.
const submit = await submitLoad(duration);

// DynamoDB calls per submit, counted by the middleware over sequential submits with no
// dispatcher (under load, requests still in flight when a phase ends would blur the count).
const counted = Number(values.counted);
// Let the requests autocannon left in flight finish first: no call may be counted twice.
for (let last = -1; last !== counter.snapshot().total; ) {
  last = counter.snapshot().total;
  await new Promise((r) => setTimeout(r, 1000));
}
const countsBefore = counter.snapshot();
for (let i = 0; i < counted; i++) {
  const res = await fetch(`${system.url}/v1/jobs`, { method: 'POST', headers, body: job });
  if (res.status !== 202) throw new Error(`counted submit answered ${res.status}`);
  await res.arrayBuffer();
}
const submitCounts = difference(counter.snapshot(), countsBefore);
const accepted = counted;
const callsPerSubmit = submitCounts.total / counted;

// 4. POST /v1/jobs while the dispatcher consumes the queue (the backlog of phase 3 included).
system.queue.start();
const withDispatch = await submitLoad(duration);
const non2xx = submit.non2xx + submit.errors + withDispatch.non2xx + withDispatch.errors;
await system.stop();

// 5. Submit-to-running, one job at a time, on a fresh table with every loop running.
const e2eSystem: RunningSystem = await startSystem({
  port: 0,
  dynamoEndpoint: dynamo.endpoint,
  tableName: 'bench_e2e',
  providers: [zeroDelay],
  reconcileIntervalMs,
  queue: { pollIntervalMs: 5 },
  // Its status polls (every 5 ms) would otherwise spend the key's rate limit, and a refused submit has no job to wait for.
  rateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 },
});
const e2eHeaders = { ...headers, authorization: `Bearer ${e2eSystem.apiKey}` };
const e2e: number[] = [];
for (let i = 0; i < Number(values.e2e); i++) {
  const started = performance.now();
  const res = await fetch(`${e2eSystem.url}/v1/jobs`, { method: 'POST', headers: e2eHeaders, body: job });
  if (res.status !== 202) throw new Error(`submit-to-running: submit answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const view = (await (await fetch(`${e2eSystem.url}/v1/jobs/${id}`, { headers: e2eHeaders })).json()) as { status: string };
    if (view.status === 'running') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  e2e.push(performance.now() - started);
}
e2e.sort((a, b) => a - b);
await e2eSystem.stop();
await dynamo.stop();

const perOperation = Object.fromEntries(Object.entries(submitCounts.calls).map(([op, n]) => [op, round(n / accepted, 2)]));
const figures = {
  apiPerFloor: round(submit.requests.average / floorRun.rate, 3),
  apiPerFloorWithDispatch: round(withDispatch.requests.average / floorRun.rate, 3),
  callsPerSubmit: round(callsPerSubmit, 2),
  callsPerSubmitByOperation: perOperation,
  submitP99Ms: submit.latency.p99,
  submit: {
    requestsPerSecond: round(submit.requests.average),
    p50LatencyMs: submit.latency.p50,
    p99LatencyMs: submit.latency.p99,
    requests: submit.requests.total,
  },
  submitWithDispatch: {
    requestsPerSecond: round(withDispatch.requests.average),
    p50LatencyMs: withDispatch.latency.p50,
    p99LatencyMs: withDispatch.latency.p99,
    requests: withDispatch.requests.total,
  },
  non2xx,
  floor: {
    submitsPerSecond: round(floorRun.rate),
    p50LatencyMs: round(percentile(floorRun.latencies, 50), 2),
    p99LatencyMs: round(percentile(floorRun.latencies, 99), 2),
  },
  dynamodbLocalPutItem: {
    putsPerSecond: round(put.rate),
    p50LatencyMs: round(percentile(put.latencies, 50), 2),
    p99LatencyMs: round(percentile(put.latencies, 99), 2),
  },
  apiToPutItemRatio: round(submit.requests.average / put.rate, 3),
  submitToRunning: {
    jobs: e2e.length,
    p50Ms: round(percentile(e2e, 50)),
    p99Ms: round(percentile(e2e, 99)),
    reconcileIntervalMs,
  },
  settings: { durationSeconds: duration, connections, cores: (await import('node:os')).cpus().length },
};

if (values.json) console.log(JSON.stringify(figures));
else {
  log(`POST /v1/jobs              ${figures.submit.requestsPerSecond} req/s, p50 ${figures.submit.p50LatencyMs} ms, p99 ${figures.submit.p99LatencyMs} ms (${figures.submit.requests} requests; dispatcher off)`);
  log(`POST /v1/jobs + dispatcher ${figures.submitWithDispatch.requestsPerSecond} req/s, p50 ${figures.submitWithDispatch.p50LatencyMs} ms, p99 ${figures.submitWithDispatch.p99LatencyMs} ms (${figures.submitWithDispatch.requests} requests)`);
  log(`floor (Get+Update+Transact) ${figures.floor.submitsPerSecond} submits/s, p50 ${figures.floor.p50LatencyMs} ms, p99 ${figures.floor.p99LatencyMs} ms`);
  log(`API / floor                ${figures.apiPerFloor} (dispatcher off), ${figures.apiPerFloorWithDispatch} (dispatcher on)`);
  log(`DynamoDB calls per submit  ${figures.callsPerSubmit} ${JSON.stringify(perOperation)} (counted by the SDK middleware)`);
  log(`DynamoDB Local Put         ${figures.dynamodbLocalPutItem.putsPerSecond} puts/s, p50 ${figures.dynamodbLocalPutItem.p50LatencyMs} ms, p99 ${figures.dynamodbLocalPutItem.p99LatencyMs} ms`);
  log(`API / PutItem ratio        ${figures.apiToPutItemRatio}`);
  log(`non-2xx                    ${non2xx}`);
  log(`submit -> running          p50 ${figures.submitToRunning.p50Ms} ms, p99 ${figures.submitToRunning.p99Ms} ms over ${e2e.length} jobs (reconciler every ${reconcileIntervalMs} ms)`);
}
process.exit(0);
