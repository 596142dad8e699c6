// Private images: spec.imageCredentials names a tenant secret; the dispatcher reads it as a
// registry login and hands it to the adapter in LaunchRequest.imageCredentials, never in env.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/core/provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { dispatchJob } from '../../src/core/dispatch.js';
import { sim, simJob, type CountingSim } from '../support/sim.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

let system: RunningSystem;
let provider: CountingSim;
const requests: LaunchRequest[] = [];

beforeAll(async () => {
  provider = sim({ name: 'privreg' });
  const launch = provider.launch.bind(provider);
  provider.launch = async (request) => {
    requests.push(request);
    return launch(request);
  };
  system = await startTestSystem({ providers: [provider] });
});
afterAll(() => system.stop());

const job = (id: string) => waitFor(() => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body), (j) => j.status !== 'queued' && j.status !== 'placing');

describe('image credentials', () => {
  it('reach the adapter as a registry login, not as env', async () => {
    await api(system, 'POST', '/v1/secrets', { body: { name: 'ghcr', value: '{"username":"bot","password":"ghp-registry-pass-123","server":"ghcr.io"}' } });
    const res = await api(system, 'POST', '/v1/jobs', { body: simJob({ image: 'ghcr.io/acme/private:1', imageCredentials: 'ghcr' }) });
    expect(res.status).toBe(202);
    await job(res.body.id);
    const sent = requests.find((r) => r.jobId === res.body.id)!;
    expect(sent.imageCredentials).toEqual({ username: 'bot', password: 'ghp-registry-pass-123', server: 'ghcr.io' });
    expect(JSON.stringify(sent.env)).not.toContain('ghp-registry-pass-123');
    const view = await api(system, 'GET', `/v1/jobs/${res.body.id}`);
    expect(JSON.stringify(view.body)).not.toContain('ghp-registry-pass-123');
  });

  it('a secret that is not a registry login fails the job with a reason naming it, not its value', async () => {
    await api(system, 'POST', '/v1/secrets', { body: { name: 'not-a-login', value: 'justonewordvalue' } });
    const res = await api(system, 'POST', '/v1/jobs', { body: simJob({ imageCredentials: 'not-a-login' }) });
    const failed = await job(res.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toContain('not-a-login');
    expect(failed.reason).not.toContain('justonewordvalue');
    expect(requests.some((r) => r.jobId === res.body.id)).toBe(false);
  });

  it('a secret deleted after submit fails the job at dispatch, naming it', async () => {
    // No loops: nothing dispatches the job before the secret is gone.
    const paused = await startTestSystem({ providers: [provider], loops: false });
    try {
      await api(paused, 'POST', '/v1/secrets', { body: { name: 'doomed', value: 'u:p-doomed-pass' } });
      const res = await api(paused, 'POST', '/v1/jobs', { body: simJob({ imageCredentials: 'doomed' }) });
      expect(res.status).toBe(202);
      expect((await api(paused, 'DELETE', '/v1/secrets/doomed')).status).toBe(204);
      expect(await dispatchJob(paused.deps, res.body.id)).toBe('failed');
      const failed = (await api(paused, 'GET', `/v1/jobs/${res.body.id}`)).body;
      expect(failed.status).toBe('failed');
      expect(failed.reason).toContain('doomed');
    } finally {
      await paused.stop();
    }
  });
});
