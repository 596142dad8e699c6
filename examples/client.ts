// A first program with the typed client: submit examples/hello.yaml's job, follow its
// logs, wait for the end. Run with: SWITCHYARD_API_KEY=sy_live_… npx tsx examples/client.ts
// (in your own project, import from '@switchyard/client').
import { createSwitchyard, SwitchyardError } from '../packages/client/src/index.js';

const client = createSwitchyard({ apiKey: process.env.SWITCHYARD_API_KEY ?? '', url: process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8787' });

try {
  const job = await client.submit({
    image: 'python:3.12',
    command: ['sh', '-c', 'echo hello from the client'],
    resources: { gpu: { models: ['H100'], count: 1 } },
    maxDurationSeconds: 60,
    maxPricePerGpuHourUsd: 3,
    placement: { networks: ['local'], fallback: 'none' },
  });
  console.log('submitted', job.id);
  for await (const piece of client.followLogs(job.id)) process.stdout.write(piece.text);
  const done = await client.wait(job.id);
  console.log(done.status, 'exit code', done.attempts.at(-1)?.exitCode);
} catch (error) {
  if (error instanceof SwitchyardError) console.error(error.status, error.type, error.detail, error.fields);
  throw error;
}
