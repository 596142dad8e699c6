// `npm start` as a new user runs it: a banner with the key and a working curl, Ctrl-C
// stops everything (Java included), data survives a restart with --data, and a
// missing Java is one clear line.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/dynamodb-local.js';
import { api, localJob, waitFor } from '../support/system.js';

const KEY = `sy_live_${'k'.repeat(16)}_${'s'.repeat(43)}`;
const running: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

const startCli = (args: string[], env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts', ...args], {
    env: { ...process.env, SWITCHYARD_QUIET: '1', ...env },
  });
  running.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

const javaProcessesFor = (dataDir: string): string[] =>
  spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${dataDir}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

describe('npm start', () => {
  it('prints the key and a curl that works, stops on Ctrl-C, and keeps data across a restart', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-data-'));
    const env = { PORT: String(port), SWITCHYARD_API_KEY: KEY };
    const first = startCli(['--data', dataDir], env);
    await waitFor(async () => first.output(), (o) => o.includes('Press Ctrl-C'), { timeoutMs: 60_000, intervalMs: 100 });
    const banner = first.output();
    expect(banner).toContain(`http://127.0.0.1:${port}`);
    expect(banner).toContain(`API key:  ${KEY}`);
    expect(banner).toContain('curl -s -X POST');

    // Run the banner's own curl, as a user would paste it.
    const curl = banner.slice(banner.indexOf('curl -s -X POST'), banner.indexOf('\n\nThen:')).replaceAll('\\\n', ' ');
    const pasted = spawnSync('sh', ['-c', curl], { encoding: 'utf8' });
    const submitted = JSON.parse(pasted.stdout);
    expect(submitted.status).toBe('queued');
    const system = { url: `http://127.0.0.1:${port}`, apiKey: KEY };
    const done = await waitFor(() => api(system, 'GET', `/v1/jobs/${submitted.id}`).then((r) => r.body), (j) => j.status === 'succeeded', { timeoutMs: 20_000 });
    expect(done.attempts[0].outputTail).toContain('hello from Switchyard');
    expect(javaProcessesFor(dataDir)).toHaveLength(1);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(javaProcessesFor(dataDir)).toEqual([]);

    const second = startCli(['--data', dataDir], env);
    await waitFor(async () => second.output(), (o) => o.includes('Press Ctrl-C'), { timeoutMs: 60_000, intervalMs: 100 });
    const after = await api(system, 'GET', `/v1/jobs/${submitted.id}`);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('succeeded');
    const events = await api(system, 'GET', `/v1/jobs/${submitted.id}/events`);
    expect(events.body.items.length).toBeGreaterThanOrEqual(5);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('says in one clear line when Java is missing', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const cli = startCli([], { PATH: bin, PORT: String(await freePort()) });
    expect(await cli.exited).toBe(1);
    const lines = cli.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchyard: Java 17\+ is required .*apt-get install openjdk-17-jre-headless/);
  }, 60_000);

  it('refuses a malformed SWITCHYARD_API_KEY with a clear message', async () => {
    const cli = startCli([], { SWITCHYARD_API_KEY: 'hunter2', PORT: String(await freePort()) });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('SWITCHYARD_API_KEY must look like sy_live_');
  }, 60_000);
});

describe('restart with a data dir', () => {
  it('runs a local job again when the restart killed it mid-run', async () => {
    const { startSystem } = await import('../../src/local/system.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-rerun-'));
    const fast = { reconcileIntervalMs: 100, reconcile: { requeueAfterSeconds: 0 }, queue: { pollIntervalMs: 10 } };
    const before = await startSystem({ port: 0, dataDir, apiKey: KEY, ...fast });
    // The command waits for a file the test writes only after the restart, so it is surely
    // mid-run when the first system stops, however loaded the machine is.
    const go = join(dataDir, 'go');
    const res = await api(before, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', `until [ -f ${go} ]; do sleep 0.1; done; echo finished`]) });
    await waitFor(() => api(before, 'GET', `/v1/jobs/${res.body.id}`).then((r) => r.body.status), (s) => s === 'running');
    await before.stop(); // kills the command mid-run
    writeFileSync(go, '');

    const after = await startSystem({ port: 0, dataDir, apiKey: KEY, ...fast });
    try {
      const job = await waitFor(() => api(after, 'GET', `/v1/jobs/${res.body.id}`).then((r) => r.body), (j) => j.status === 'succeeded' || j.status === 'failed');
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
      expect(job.attempts.map((a: any) => a.status)).toEqual(['failed', 'succeeded']);
      expect(job.attempts[0].reason).toContain('no longer knows');
      expect(job.attempts[1].outputTail).toContain('finished');
    } finally {
      await after.stop();
    }
  }, 90_000);

  it('runs a job that was queued when the system stopped', async () => {
    const { startSystem } = await import('../../src/local/system.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-restart-'));
    const before = await startSystem({ port: 0, dataDir, apiKey: KEY, loops: false });
    const res = await api(before, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'echo survived']) });
    expect(res.status).toBe(202);
    await before.stop(); // the in-memory queue message dies here

    const after = await startSystem({ port: 0, dataDir, apiKey: KEY, reconcileIntervalMs: 100, reconcile: { requeueAfterSeconds: 0 } });
    try {
      const job = await waitFor(() => api(after, 'GET', `/v1/jobs/${res.body.id}`).then((r) => r.body), (j) => j.status === 'succeeded');
      expect(job.attempts[0].outputTail).toContain('survived');
    } finally {
      await after.stop();
    }
  }, 90_000);
});
