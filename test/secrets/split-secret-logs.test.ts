// A secret the command prints in two pieces, with a pause longer than the agent's shipping
// interval between them, lands in two different log chunks; it is still masked whole. And a
// secret's start left at the very end of the output (the command died mid-print) is masked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/core/object-store.js';
import type { RunningSystem } from '../../src/local/system.js';
import { maskChunk } from '../../src/secrets/log-redaction.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';

const VALUE = 'hf_live_7d2c9a41b8e0f35c';
const [HEAD, TAIL] = [VALUE.slice(0, 11), VALUE.slice(11)];
let system: RunningSystem;

beforeAll(async () => {
  system = await startTestSystem({ agentLogIntervalSeconds: 1 });
  expect((await api(system, 'POST', '/v1/secrets', { body: { name: 'hf', value: VALUE } })).status).toBe(201);
});
afterAll(() => system?.stop());

const run = async (script: string) => {
  const submitted = await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', script], { secrets: { HF_TOKEN: 'hf' } }) });
  expect(submitted.status).toBe(202);
  const id = submitted.body.id as string;
  await waitFor(() => api(system, 'GET', `/v1/jobs/${id}`), (r) => r.body.status === 'succeeded', { timeoutMs: 60_000 });
  const text = (await api(system, 'GET', `/v1/jobs/${id}/logs`)).body.items.map((p: { text: string }) => p.text).join('');
  const chunks = await listAll(system.buckets.logs, `${system.tenantId}/${id}/`);
  const stored = await Promise.all(chunks.map(async (c) => Buffer.from((await system.buckets.logs.get(c.key))!).toString('utf8')));
  return { text, chunks: stored };
};

describe('secrets split across log chunks', () => {
  it('masks a value printed in two pieces seconds apart', async () => {
    const { text, chunks } = await run(`printf 'token=%s' '${HEAD}'; sleep 3; printf '%s\\n' '${TAIL}'; echo done`);
    expect(text).toBe(`token=${'*'.repeat(VALUE.length)}\ndone\n`);
    expect(chunks.length).toBeGreaterThanOrEqual(2); // "token=" was shipped while the command slept
    for (const chunk of chunks) {
      expect(chunk).not.toContain(HEAD);
      expect(chunk).not.toContain(TAIL);
    }
  }, 90_000);

  it('masks the start of a value left at the end of the output', async () => {
    const { text } = await run(`echo begin; printf '%s' '${HEAD}'`);
    expect(text).toBe(`begin\n${'*'.repeat(HEAD.length)}`);
  }, 90_000);

  it('holds back only a tail that could start a secret, and nothing once final', () => {
    const bytes = Buffer.from('abc hf_li');
    expect(Buffer.from(maskChunk(bytes, [VALUE], false).bytes).toString()).toBe('abc ');
    expect(maskChunk(bytes, [VALUE], false).accepted).toBe(4);
    expect(maskChunk(Buffer.from('abc hf_x'), [VALUE], false).accepted).toBe(8);
    expect(Buffer.from(maskChunk(bytes, [VALUE], true).bytes).toString()).toBe('abc *****');
    expect(maskChunk(bytes, [], false).accepted).toBe(bytes.length);
  });
});
