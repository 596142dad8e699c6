// Benchmark of the job path in local mode: POST /v1/jobs throughput and latency
// (autocannon), submit-to-running time with a zero-delay sim provider, and raw
// DynamoDB Local PutItem throughput in the same run, so the API's overhead shows
// as a ratio. `npm run bench:api -- --json` prints one JSON object.
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { startDynamoDbLocal } from '../src/local/dynamodb-local.js';
import { startSystem, type RunningSystem } from '../src/local/system.js';
import { SimProvider } from '../src/providers/sim/sim-provider.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    e2e: { type: 'string', default: '50' },
    // Measure the API alone, with no dispatcher competing for the same cores.
    'no-dispatch': { type: 'boolean', default: false },
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
const dynamo = await startDynamoDbLocal();
// Throughput phases run without the reconciler, whose polling of every running job would
// otherwise compete for the same two cores; the submit-to-running phase needs it.
const system = await startSystem({ port: 0, dynamoEndpoint: dynamo.endpoint, tableName: 'bench_api', providers: [zeroDelay], loops: false });
if (!values['no-dispatch']) system.queue.start();

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

// 0. Warm the JVM and the Node HTTP path so neither phase pays for JIT compilation.
await putItems(3);
await autocannon({ url: `${system.url}/v1/jobs`, method: 'POST', headers, body: job, connections, duration: 3 });

// 1. Raw DynamoDB Local PutItem throughput at the same concurrency.
const put = await putItems(duration);
const putRate = put.rate;
const putLatencies = put.latencies;

// 2. POST /v1/jobs under load (the dispatcher is consuming the queue meanwhile).
const submit = await autocannon({ url: `${system.url}/v1/jobs`, method: 'POST', headers, body: job, connections, duration });
const non2xx = submit.non2xx + submit.errors;
await system.stop();

// 3. Submit-to-running, one job at a time, on a fresh table with every loop running.
const e2eSystem: RunningSystem = await startSystem({
  port: 0,
  dynamoEndpoint: dynamo.endpoint,
  tableName: 'bench_e2e',
  providers: [zeroDelay],
  reconcileIntervalMs,
  queue: { pollIntervalMs: 5 },
});
const e2eHeaders = { ...headers, authorization: `Bearer ${e2eSystem.apiKey}` };
const e2e: number[] = [];
for (let i = 0; i < Number(values.e2e); i++) {
  const started = performance.now();
  const res = await fetch(`${e2eSystem.url}/v1/jobs`, { method: 'POST', headers: e2eHeaders, body: job });
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

const figures = {
  submit: {
    requestsPerSecond: round(submit.requests.average),
    p50LatencyMs: submit.latency.p50,
    p99LatencyMs: submit.latency.p99,
    requests: submit.requests.total,
    non2xx,
  },
  dynamodbLocalPutItem: {
    putsPerSecond: round(putRate),
    p50LatencyMs: round(percentile(putLatencies, 50), 2),
    p99LatencyMs: round(percentile(putLatencies, 99), 2),
  },
  apiToPutItemRatio: round(submit.requests.average / putRate, 3),
  submitToRunning: {
    jobs: e2e.length,
    p50Ms: round(percentile(e2e, 50)),
    p99Ms: round(percentile(e2e, 99)),
    reconcileIntervalMs,
  },
  settings: { durationSeconds: duration, connections, dispatcherRunning: !values['no-dispatch'], cores: (await import('node:os')).cpus().length },
};

if (values.json) console.log(JSON.stringify(figures));
else {
  log(`POST /v1/jobs         ${figures.submit.requestsPerSecond} req/s, p50 ${figures.submit.p50LatencyMs} ms, p99 ${figures.submit.p99LatencyMs} ms (${figures.submit.requests} requests, ${non2xx} non-2xx)`);
  log(`DynamoDB Local Put    ${figures.dynamodbLocalPutItem.putsPerSecond} puts/s, p50 ${figures.dynamodbLocalPutItem.p50LatencyMs} ms, p99 ${figures.dynamodbLocalPutItem.p99LatencyMs} ms`);
  log(`API / PutItem ratio   ${figures.apiToPutItemRatio} (each submit: 1 key lookup + 1 transaction of 2-3 items + the dispatcher's writes)`);
  log(`submit -> running     p50 ${figures.submitToRunning.p50Ms} ms, p99 ${figures.submitToRunning.p99Ms} ms over ${e2e.length} jobs (reconciler every ${reconcileIntervalMs} ms)`);
}
process.exit(0);
