// An Akash auction the reconciler finishes, in local mode on DynamoDB Local, through the real
// Akash adapter against its fake Console API: the dispatcher returns once the deployment
// exists (it does not wait on bids), the manifest is stored only sealed (the registry
// password and the agent token it carries are in no stored item or response), reconcile
// passes lease the bid and the job runs; no bid by the window's end is a capacity wait with
// the deployment closed. Also: a sealed state opens only for its own tenant and attempt.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { attemptRefOf, sealLaunchState } from '../../src/core/launch-state.js';
import type { Attempt } from '../../src/core/job.js';
import { startAkashFake, type AkashFake } from '../../src/market/akash-fake.js';
import { createAkashProvider } from '../../src/providers/akash/index.js';
import { SecretCipher } from '../../src/secrets/envelope.js';
import { LocalKeyWrapper } from '../../src/secrets/local-key.js';
import { api, scanTable, startTestSystem, waitFor } from '../support/system.js';

const PASSWORD = 'auction-registry-pass-7d2e-never-stored';
let fake: AkashFake | undefined;
let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.stop();
  await fake?.close();
  system = fake = undefined;
});

const start = async (bidDelayMs: number, bidWaitMs: number): Promise<RunningSystem> => {
  fake = await startAkashFake({ seed: 3, apiKey: 'k', scenario: { startDelayMs: 50, runMs: 100 }, bidDelayMs });
  const akash = createAkashProvider({ baseUrl: fake.url, apiKey: 'k', bidWaitMs, bidPollMs: 60_000 });
  system = await startTestSystem({ loops: false, providers: [akash] });
  const secret = { name: 'acme-registry', value: JSON.stringify({ username: 'ci-bot', password: PASSWORD, server: 'registry.acme.test' }) };
  expect((await api(system, 'POST', '/v1/secrets', { body: secret })).status).toBe(201);
  return system;
};

const submit = async (s: RunningSystem): Promise<string> => {
  const res = await api(s, 'POST', '/v1/jobs', {
    body: {
      image: 'registry.acme.test/acme/train:2.0',
      imageCredentials: 'acme-registry',
      command: ['python', 'train.py'],
      resources: { gpu: { models: ['H100'], count: 1 } },
      maxDurationSeconds: 600,
      maxPricePerGpuHourUsd: 10,
      placement: { strategy: 'cheapest', networks: ['akash'], fallback: 'none' },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
};

describe('an Akash auction finished by the reconciler', () => {
  it('the dispatcher does not wait on bids; the sealed manifest leaks nothing; a reconcile pass leases the bid and the job runs', async () => {
    const s = await start(1_500, 60_000);
    const id = await submit(s);
    const dispatched = Date.now();
    await s.queue.pollOnce();
    expect(Date.now() - dispatched).toBeLessThan(1_500); // returned before any bid came in
    let job = (await s.store.get(id))!;
    expect(job.status).toBe('starting');
    expect(job.attempts[0]).toMatchObject({ status: 'starting', launchState: { wrapper: 'local' } });
    const [deployment] = fake!.deployments();
    expect(deployment).toMatchObject({ state: 'active', leased: false });
    const token = /SWITCHYARD_AGENT_TOKEN=([^\s"']+)/.exec(deployment!.sdl)?.[1];
    expect(token).toBeDefined();
    expect(deployment!.sdl).toContain(PASSWORD); // the SDL carries the login; the manifest derived from it is what is sealed
    const stored = JSON.stringify(await scanTable(s));
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(token!);
    const view = await api(s, 'GET', `/v1/jobs/${id}`);
    expect(view.body.attempts[0]).not.toHaveProperty('launchState');

    await s.reconcile(); // no bid yet
    expect(fake!.deployments()[0]!.leased).toBe(false);
    await new Promise((r) => setTimeout(r, 1_600));
    await s.reconcile(); // the bid is in: leased
    expect(fake!.deployments()[0]!.leased).toBe(true);
    job = await waitFor(
      async () => {
        await s.reconcile();
        return (await s.store.get(id))!;
      },
      (j) => j.status === 'succeeded',
      { timeoutMs: 20_000 },
    );
    expect(job.attempts).toHaveLength(1);
    expect(job.attempts[0]!.launchState).toBeUndefined(); // dropped once the attempt left `starting`
  });

  it('no bid by the end of the window: the job waits for capacity, spends no try, and the deployment is closed', async () => {
    const s = await start(10, 300);
    fake!.scenario.planNextLaunch({ kind: 'refuse' });
    const id = await submit(s);
    await s.queue.pollOnce();
    expect((await s.store.get(id))!.status).toBe('starting');
    await new Promise((r) => setTimeout(r, 350));
    await s.reconcile();
    const job = (await s.store.get(id))!;
    expect(job.status, job.reason).toBe('queued');
    expect(job.reason).toContain('waiting for capacity');
    expect(job.attempts[0]).toMatchObject({ status: 'failed', refusedFor: 'capacity' });
    expect(job.attempts[0]!.launchState).toBeUndefined();
    expect(fake!.deployments()).toEqual([expect.objectContaining({ state: 'closed', leased: false })]);
  });
});

describe('a sealed launch state', () => {
  const cipher = new SecretCipher(new LocalKeyWrapper(Buffer.alloc(32, 7)), 'local');
  const attempt = (id: string, launchState?: Attempt['launchState']): Attempt => ({
    id, provider: 'akash', offerId: 'o', gpuModel: 'H100', pricePerGpuHourUsd: 1, status: 'starting', createdAt: '2026-12-01T00:00:00Z', providerRef: '42',
    ...(launchState ? { launchState } : {}),
  });

  it('opens for its own tenant and attempt only; otherwise the ref goes without it', async () => {
    const sealed = await sealLaunchState(cipher, 'ten_a', 'job-1-a1', '{"manifest":"m"}');
    expect(JSON.stringify(sealed)).not.toContain('manifest');
    expect(await attemptRefOf(cipher, { tenantId: 'ten_a' }, attempt('job-1-a1', sealed))).toEqual({ attemptId: 'job-1-a1', providerRef: '42', launchState: '{"manifest":"m"}' });
    const logged: string[] = [];
    const log = (m: string) => void logged.push(m);
    expect(await attemptRefOf(cipher, { tenantId: 'ten_b' }, attempt('job-1-a1', sealed), log)).toEqual({ attemptId: 'job-1-a1', providerRef: '42' });
    expect(await attemptRefOf(cipher, { tenantId: 'ten_a' }, attempt('job-1-a2', sealed), log)).toEqual({ attemptId: 'job-1-a2', providerRef: '42' });
    expect(logged).toEqual(['launch state did not open', 'launch state did not open']);
    expect(await attemptRefOf(undefined, { tenantId: 'ten_a' }, attempt('job-1-a1', sealed))).toEqual({ attemptId: 'job-1-a1', providerRef: '42' });
  });
});
