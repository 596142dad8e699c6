// The README's lose-and-resume example, run as written (only the API's address is this test
// system's instead of :8787) against a started local system with the `local` provider: the
// job checkpoints, its machine is lost by hand, the next attempt resumes from the checkpoint
// and the job finishes with less billed time than a restart from zero. So the README cannot rot.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import { api, startTestSystem } from '../support/system.js';

const MARKER = '<!-- readme-test: lose-and-resume';
const README_API = 'http://127.0.0.1:8787';

/** The ```sh block right after the marker comment. */
const readmeBlock = (): string => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(MARKER);
  expect(at, 'the README marks its lose-and-resume example').toBeGreaterThan(0);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(block).not.toBeNull();
  return block![1]!;
};

const runScript = (script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const seconds = (a: { startedAt: string; endedAt: string }): number => (Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000;

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider()] });
}, 60_000);
afterAll(async () => {
  await system?.stop();
});

describe('README: lose a machine and resume (local mode)', () => {
  it('runs the example: the job is lost mid-run, resumes from its checkpoint and bills less than from zero', async () => {
    const script = readmeBlock();
    expect(script).toContain(README_API);
    const run = await runScript(script.replaceAll(README_API, system.url), { KEY: system.apiKey });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');

    const lost = JSON.parse(lines[0]!) as { jobId: string; attemptId: string; lost: boolean };
    expect(lost).toMatchObject({ provider: 'local', lost: true, attemptId: `${lost.jobId}-a1` });
    expect(lines[1]).toBe('"succeeded"');
    const [first, second] = lines.slice(2, 4).map((l) => JSON.parse(l));
    expect(first).toMatchObject({ id: `${lost.jobId}-a1`, status: 'failed', lostBy: 'provider', resumedFrom: null });
    expect(second).toMatchObject({ id: `${lost.jobId}-a2`, status: 'succeeded', resumedFrom: { attemptId: `${lost.jobId}-a1` } });
    // The command's own log: the second attempt did not start at step 0.
    const starts = lines.slice(4).filter((l) => l.startsWith('starting at step')).map((l) => Number(l.split(' ').at(-1)));
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThanOrEqual(5);
    expect(lines.at(-1)).toBe('finished');

    // Billed (running) time, from the API itself: with resume, against a restart from zero
    // (the lost attempt's time plus the whole 20 steps again).
    const job = (await api(system, 'GET', `/v1/jobs/${lost.jobId}`)).body;
    const withResume = job.attempts.reduce((sum: number, a: any) => sum + seconds(a), 0);
    const fromZero = seconds(job.attempts[0]) + 20;
    console.log(JSON.stringify({ example: 'readme-lose-and-resume', resumedAtStep: starts[1], billedSecondsWithResume: withResume, billedSecondsFromZeroAtLeast: fromZero }));
    expect(withResume).toBeLessThan(fromZero);

    // The route itself: nothing running any more → 409; no key → 401; not this tenant's (or no) job → 404.
    const again = await api(system, 'POST', `/v1/local/jobs/${lost.jobId}/lose-machine`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('no attempt running on "local"');
    expect((await api(system, 'POST', `/v1/local/jobs/${lost.jobId}/lose-machine`, { key: null })).status).toBe(401);
    expect((await api(system, 'POST', '/v1/local/jobs/job_000000000000000000000000/lose-machine')).status).toBe(404);
  }, 180_000);
});
