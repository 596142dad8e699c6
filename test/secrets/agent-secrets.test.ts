// GET /v1/agent/secrets: the job's refs resolved for its live attempt's agent, and for
// nobody else; a deleted secret is named, never a value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { agentFor, submitAndPlace } from '../support/agent-client.js';
import { sim, simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ providers: [sim({ name: 'sim-sec', runTimeMs: 600_000 })] });
  await api(system, 'POST', '/v1/secrets', { body: { name: 'wandb', value: 'wandb-value-abc123' } });
  await api(system, 'POST', '/v1/secrets', { body: { name: 'hf', value: 'hf-value-def456' } });
});
afterAll(() => system.stop());

describe('agent secrets route', () => {
  it("hands the live attempt's agent the decrypted values, not cacheable", async () => {
    const { jobId, attemptId } = await submitAndPlace(system, simJob({ secrets: { WANDB_API_KEY: 'wandb', HF_TOKEN: 'hf' } }));
    const res = await fetch(`${system.url}/v1/agent/secrets`, { headers: { authorization: `Bearer ${agentFor(system, jobId, attemptId).token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ env: { WANDB_API_KEY: 'wandb-value-abc123', HF_TOKEN: 'hf-value-def456' } });
  });

  it('a job without refs gets an empty env', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, simJob());
    expect((await agentFor(system, jobId, attemptId).call('GET', '/v1/agent/secrets')).body).toEqual({ env: {} });
  });

  it('forged, expired or API-key credentials get a 401 and no value', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, simJob({ secrets: { WANDB_API_KEY: 'wandb' } }));
    const forged = agentFor(system, jobId, attemptId, { key: 'f'.repeat(64) });
    const expired = agentFor(system, jobId, attemptId, { expiresAt: 10 });
    for (const token of [forged.token, expired.token, system.apiKey]) {
      const res = await forged.call('GET', '/v1/agent/secrets', undefined, token);
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain('wandb-value');
    }
  });

  it('a secret deleted after submit is a 409 naming it', async () => {
    await api(system, 'POST', '/v1/secrets', { body: { name: 'temp', value: 'temp-value-789' } });
    const { jobId, attemptId } = await submitAndPlace(system, simJob({ secrets: { TEMP: 'temp' } }));
    await api(system, 'DELETE', '/v1/secrets/temp');
    const res = await agentFor(system, jobId, attemptId).call('GET', '/v1/agent/secrets');
    expect(res.status).toBe(409);
    expect(res.body.secrets).toEqual(['temp']);
    expect(JSON.stringify(res.body)).not.toContain('temp-value');
  });

  it('an ended attempt gets no secrets', async () => {
    const { jobId, attemptId } = await submitAndPlace(system, simJob({ secrets: { WANDB_API_KEY: 'wandb' } }));
    expect((await api(system, 'POST', `/v1/jobs/${jobId}/cancel`)).status).toBe(200);
    const res = await agentFor(system, jobId, attemptId).call('GET', '/v1/agent/secrets');
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).not.toContain('wandb-value');
  });
});
