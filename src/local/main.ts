// `npm start`: the whole system on this machine. See README "Local mode".
import { parseArgs } from 'node:util';
import { JavaMissingError } from './dynamodb-local.js';
import { reportOnSignal } from './chaos-report.js';
import { faultsFromEnv, InvalidFaultsError } from './faults.js';
import { InvalidApiKeyFormatError } from './seed.js';
import { startSystem } from './system.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: false,
});

if (values.help) {
  console.log(`Usage: npm start [-- --data DIR] [-- --port N]

  --data DIR   keep data on disk in DIR (or set SWITCHYARD_DATA_DIR); in memory otherwise
  --port N     serve the API on port N (or set PORT); default 8787
  SWITCHYARD_API_KEY   seed this API key instead of a random one
  SWITCHYARD_ADMIN_KEY seed this admin key (tenants, keys, audit) instead of a random one
  SWITCHYARD_ALLOW_PRIVATE_WEBHOOKS=1  let job webhooks go to loopback (127.0.0.1, ::1) for local receivers
  SWITCHYARD_AGENT_TOKEN_KEY  HMAC key (>= 32 chars) of job agent tokens; kept in DIR/agent-token.key with --data, else random per start
  SWITCHYARD_PUBLIC_URL       where job agents reach the API (default: this API's URL)
  SWITCHYARD_FAULTS           JSON fault knobs for chaos runs (src/local/faults.ts); off when unset
                              with --data, SIGUSR2 writes DIR/chaos-report.json (faults injected, billed after end)`);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 8787);
const dataDir = values.data ?? process.env.SWITCHYARD_DATA_DIR;
const quiet = process.env.SWITCHYARD_QUIET === '1';

const main = async () => {
  // The SDK's notice about Node 20 support is for maintainers, not for someone trying Switchyard.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const faults = faultsFromEnv();
  const system = await startSystem({
    port,
    host: process.env.HOST ?? '127.0.0.1',
    ...(dataDir ? { dataDir } : {}),
    ...(process.env.SWITCHYARD_API_KEY ? { apiKey: process.env.SWITCHYARD_API_KEY } : {}),
    ...(process.env.SWITCHYARD_ADMIN_KEY ? { adminKey: process.env.SWITCHYARD_ADMIN_KEY } : {}),
    allowPrivateWebhooks: process.env.SWITCHYARD_ALLOW_PRIVATE_WEBHOOKS === '1',
    ...(faults ? { faults } : {}),
    localBilling: true, // the Stripe and USDC chain fakes (README "Billing locally")
    log: (message, fields) => {
      if (!quiet) console.error(JSON.stringify({ level: 'warn', message, ...fields }));
    },
  });
  const body = JSON.stringify({
    image: 'python:3.12',
    command: ['sh', '-c', 'echo hello from Switchyard; nvidia-smi -L 2>/dev/null || echo "(no GPU here: the local provider runs the command on this machine)"'],
    resources: { gpu: { models: ['H100'], count: 1 } },
    maxDurationSeconds: 60,
    maxPricePerGpuHourUsd: 3,
    placement: { strategy: 'cheapest', networks: ['local'], fallback: 'none' },
  });
  console.log(`Switchyard is running at ${system.url}
  data:     ${dataDir ? `on disk in ${dataDir}` : 'in memory (use --data DIR to keep it)'}
  API key:  ${system.apiKey}
  admin key: ${process.env.SWITCHYARD_ADMIN_KEY ? '(from SWITCHYARD_ADMIN_KEY)' : `${system.adminKey}  (tenants and keys: POST /v1/tenants; keep it secret)`}
  docs:     ${system.url}/docs
  billing:  Stripe fake ${system.localBilling?.stripeUrl} (key ${system.localBilling?.stripeKey}), Base RPC ${system.localBilling?.baseRpcUrl}, Solana RPC ${system.localBilling?.solanaRpcUrl}
  S3:       ${system.s3Endpoint ?? '(given buckets)'}  (logs, outputs, checkpoints; embedded s3rver)

Submit a job that runs on this machine:

  curl -s -X POST ${system.url}/v1/jobs \\
    -H "Authorization: Bearer ${system.apiKey}" \\
    -H "Content-Type: application/json" \\
    -H "Idempotency-Key: npm-start-first-job" \\
    -d '${body}'

Then: curl -s -H "Authorization: Bearer ${system.apiKey}" ${system.url}/v1/jobs
Logs: curl -sN -H "Authorization: Bearer ${system.apiKey}" "${system.url}/v1/jobs/<id>/logs?follow=true"

Press Ctrl-C to stop.`);

  if (dataDir) reportOnSignal(system, faults, dataDir);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Switchyard…`);
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
};

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof InvalidApiKeyFormatError || error instanceof InvalidFaultsError) {
    console.error(`switchyard: ${error.message}`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`switchyard: port ${port} is already in use; set PORT or pass --port to use another.`);
  } else {
    console.error('switchyard: failed to start:', error);
  }
  process.exit(1);
});
