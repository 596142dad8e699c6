// The agent on a real provider (local, and a local-backed network that reports no exit
// codes), against the real API, DynamoDB Local and s3rver.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { sim } from '../support/sim.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';
import { NoExitCodeProvider } from './test-providers.js';
import { available, toolPath } from './tool-path.js';

// Real processes and HTTP round trips on a shared, loaded machine: generous, never timed assertions.
vi.setConfig({ testTimeout: 120_000 });

const GRACE_SECONDS = 3;
const RECONCILE_INTERVAL_MS = 100;
let system: RunningSystem;
const noExit = new NoExitCodeProvider('noexit');

beforeAll(async () => {
  system = await startTestSystem({
    providers: [new LocalProvider(), noExit, sim({ name: 'sim-b', runTimeMs: 200 })],
    agentHeartbeatSeconds: 1,
    heartbeatGraceSeconds: GRACE_SECONDS,
    reconcileIntervalMs: RECONCILE_INTERVAL_MS,
  });
});
afterAll(async () => {
  noExit.stopAll();
  await system?.stop();
});

const finished = (jobId: string) =>
  waitFor(() => api(system, 'GET', `/v1/jobs/${jobId}`), (r) => ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(r.body.status), { timeoutMs: 90_000 });
const submit = async (command: string[], extra: Record<string, unknown> = {}) => (await api(system, 'POST', '/v1/jobs', { body: localJob(command, extra) })).body;
const logsOf = async (jobId: string) => ((await api(system, 'GET', `/v1/jobs/${jobId}/logs`)).body.items as { text: string }[]).map((i) => i.text).join('');

describe('exit codes', () => {
  it('records the agent\'s exit code on the local provider', async () => {
    const job = await submit(['sh', '-c', 'echo working; exit 7']);
    const done = (await finished(job.id)).body;
    expect(done.status).toBe('failed');
    expect(done.attempts[0]).toMatchObject({ exitCode: 7, exitCodeSource: 'agent', reason: 'the command exited with code 7' });
  });

  it('gets the real exit code from the agent on a provider that reports none (noexit: a local-backed fake)', async () => {
    const job = await submit(['sh', '-c', 'echo failing; exit 5'], { placement: { strategy: 'cheapest', networks: ['noexit'], fallback: 'none' } });
    const done = (await finished(job.id)).body;
    // The provider alone would have called it a success.
    expect(done.status).toBe('failed');
    expect(done.attempts[0]).toMatchObject({ provider: 'noexit', exitCode: 5, exitCodeSource: 'agent' });
  });

  it('says so when neither the agent nor the provider reported an exit code', async () => {
    const job = await submit(['sh', '-c', 'exit 5'], { env: { PATH: toolPath([]) }, placement: { strategy: 'cheapest', networks: ['noexit'], fallback: 'none' } });
    const done = (await finished(job.id)).body;
    expect(done.status).toBe('succeeded');
    expect(done.attempts[0].exitCode).toBeUndefined();
    expect(done.attempts[0].reason).toBe('noexit reported success; exit code not reported by noexit');
  });
});

describe('heartbeats', () => {
  it('fails a job over when its heartbeats stop while the provider still says running', async () => {
    const job = await submit(['sh', '-c', 'echo started; sleep 300'], { placement: { strategy: 'cheapest', networks: ['noexit', 'sim-b'], fallback: 'none' } });
    const attemptId = `${job.id}-a1`;
    await waitFor(() => system.agent.store.get(job.id, attemptId), (r) => r?.firstHeartbeatAt !== undefined, { timeoutMs: 60_000 });
    noExit.lose(attemptId);
    const lostAt = Date.now();
    const done = (await finished(job.id)).body;
    const judgedAfterSeconds = (Date.now() - lostAt) / 1000;
    expect(done.status).toBe('succeeded');
    expect(done.attempts.map((a: { provider: string }) => a.provider)).toEqual(['noexit', 'sim-b']);
    expect(done.attempts[0]).toMatchObject({ status: 'failed', lostBy: 'heartbeat' });
    expect(done.attempts[0].reason).toMatch(/no heartbeat from the job agent for \d+s \(grace 3s\) while noexit said running/);
    // Never before the grace: judged from the last heartbeat the API received.
    const record = await system.agent.store.get(job.id, attemptId);
    expect(Date.parse(done.attempts[0].endedAt) - Date.parse(record!.lastHeartbeatAt!)).toBeGreaterThan(GRACE_SECONDS * 1000);
    console.log(`heartbeat loss: failed over ${judgedAfterSeconds.toFixed(1)} s after the machine died (grace ${GRACE_SECONDS} s, reconcile every ${RECONCILE_INTERVAL_MS} ms, heartbeats every 1 s)`);
  });

  it('never judges by heartbeat an attempt whose agent never spoke (no HTTP client in the image)', async () => {
    const job = await submit(['sh', '-c', `sleep ${GRACE_SECONDS * 2}; echo done`], { env: { PATH: toolPath([]) } });
    const done = (await finished(job.id)).body;
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts[0].lostBy).toBeUndefined();
  });
});

describe('HTTP clients', () => {
  for (const client of ['curl', 'wget', 'python3'] as const) {
    it(`works with ${client} only`, async () => {
      expect(available(client), `${client} must be installed for this test`).toBe(true);
      const job = await submit(['sh', '-c', `echo "via ${client}"; echo "to stderr" >&2; exit 4`], { env: { PATH: toolPath([client]) } });
      const done = (await finished(job.id)).body;
      expect(done.attempts[0]).toMatchObject({ exitCode: 4, exitCodeSource: 'agent' });
      expect(await logsOf(job.id)).toBe(`via ${client}\nto stderr\n`);
      const record = await system.agent.store.get(job.id, done.attempts[0].id);
      expect(record?.firstHeartbeatAt).toBeDefined();
    });
  }

  it('with none, runs the command anyway with provider-reported status only', async () => {
    const job = await submit(['sh', '-c', 'echo "no client"; exit 3'], { env: { PATH: toolPath([]) } });
    const done = (await finished(job.id)).body;
    expect(done.attempts[0]).toMatchObject({ exitCode: 3, exitCodeSource: 'provider' });
    expect(done.attempts[0].outputTail).toContain('no client');
    expect(done.attempts[0].outputTail).toContain('running the command without the agent');
    expect(await system.agent.store.get(job.id, done.attempts[0].id)).toBeUndefined();
    expect(await logsOf(job.id)).toBe('');
  });
});

describe('the command\'s environment', () => {
  it('does not see the agent token, and finds per-attempt outputs and checkpoint folders', async () => {
    const job = await submit(
      ['sh', '-c', 'echo "token=[$SWITCHYARD_AGENT_TOKEN]"; echo "out=$SWITCHYARD_OUTPUTS_DIR"; echo "ck=$SWITCHYARD_CHECKPOINT_DIR"; test -d "$SWITCHYARD_OUTPUTS_DIR" && test -d "$SWITCHYARD_CHECKPOINT_DIR"'],
      { outputs: { path: '/outputs' }, checkpoint: { path: '/checkpoints', everySeconds: 600 } },
    );
    const done = (await finished(job.id)).body;
    expect(done.status).toBe('succeeded');
    const text = await logsOf(job.id);
    expect(text).toContain('token=[]');
    expect(text).toMatch(new RegExp(`out=.*switchyard-job-[^/]+/outputs`));
    expect(text).toMatch(new RegExp(`ck=.*switchyard-job-[^/]+/checkpoints`));
  });
});
