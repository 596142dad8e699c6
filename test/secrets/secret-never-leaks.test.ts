// End to end in local mode: a secret reaches the command's environment (the command proves it
// by writing the value's SHA-256 as an output), and the value appears in no API response,
// event, webhook body, stored item (the whole table is scanned), or stored log chunk, even
// though the command prints it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/core/object-store.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { api, localJob, startTestSystem, waitFor, scanTable as scanAll } from '../support/system.js';

const VALUE = 'wandb-live-9c41e07b2f8d3a65-SECRET';
let system: RunningSystem;
let receiver: Receiver;
const responses: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  system = await startTestSystem({ allowPrivateWebhooks: true, webhookIntervalMs: 100, agentLogIntervalSeconds: 1 });
});
afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await api(system, method, path, body === undefined ? {} : { body });
  responses.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  return res;
};

const scanTable = async (): Promise<string> => JSON.stringify(await scanAll(system));

describe('a secret in a real run', () => {
  it('reaches the command and nothing else', async () => {
    expect((await call('POST', '/v1/secrets', { name: 'wandb', value: VALUE })).status).toBe(201);
    const command = ['sh', '-c', 'printf %s "$WANDB_API_KEY" | sha256sum | cut -d" " -f1 > "$SWITCHYARD_OUTPUTS_DIR/proof.txt"; echo "the key is $WANDB_API_KEY"; sleep 2'];
    const submitted = await call('POST', '/v1/jobs', localJob(command, { secrets: { WANDB_API_KEY: 'wandb' }, outputs: { path: '/outputs' }, webhookUrl: receiver.url }));
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.id as string;
    const done = await waitFor(() => call('GET', `/v1/jobs/${jobId}`).then((r) => r.body), (j) => j.status === 'succeeded' || j.status === 'failed', { timeoutMs: 60_000 });
    expect(done.status, JSON.stringify(done)).toBe('succeeded');

    // The command had the value: its output holds the value's hash.
    const outputs = await waitFor(() => call('GET', `/v1/jobs/${jobId}/outputs`).then((r) => r.body), (o) => o.status === 'listed');
    const proof = outputs.items.find((i: { path: string }) => i.path === 'proof.txt');
    expect((await (await fetch(proof.url)).text()).trim()).toBe(createHash('sha256').update(VALUE).digest('hex'));

    // The printed line is in the logs, masked.
    const logs = await waitFor(() => call('GET', `/v1/jobs/${jobId}/logs`).then((r) => r.body), (l) => JSON.stringify(l).includes('the key is'));
    expect(JSON.stringify(logs)).toContain(`the key is ${'*'.repeat(VALUE.length)}`);
    for (const chunk of await listAll(system.buckets.logs, `${system.tenantId}/${jobId}/`)) {
      expect(Buffer.from((await system.buckets.logs.get(chunk.key))!).toString('utf8')).not.toContain(VALUE);
    }

    await call('GET', `/v1/jobs/${jobId}/events`);
    await call('GET', '/v1/jobs');
    await call('GET', '/v1/secrets');
    await waitFor(async () => receiver.received.map((r) => r.body).join(''), (bodies) => bodies.includes('"succeeded"'), { timeoutMs: 30_000 });

    expect(responses.length).toBeGreaterThan(5);
    for (const body of responses) expect(body).not.toContain(VALUE);
    for (const hook of receiver.received) expect(hook.body).not.toContain(VALUE);
    expect(await scanTable()).not.toContain(VALUE);
  }, 90_000);
});
