// At most once on the local provider across a kill -9 of Switchyard: `npm start --data DIR` runs
// as a child process, two local jobs are mid-run, the whole process group is killed with SIGKILL
// (DynamoDB Local's JVM too), and the system restarts on the same data. One job ends while
// Switchyard is down, the other after the restart: each command ran exactly once (its marker
// file says so, not the API), and each job succeeded once, with the command's exit code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/dynamodb-local.js';
import { runMembers } from '../../src/providers/local/processes.js';
import { api, localJob, waitFor } from '../support/system.js';

const KEY = `sy_live_${'k'.repeat(16)}_${'s'.repeat(43)}`;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) killGroup(child.pid!);
});

const killGroup = (pgid: number) => {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone
  }
};

/** `npm start --data DIR` in a process group of its own, as a terminal would run it. */
const startCli = async (dataDir: string, port: number): Promise<ChildProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/main.ts', '--data', dataDir], {
    env: { ...process.env, SWITCHYARD_QUIET: '1', PORT: String(port), SWITCHYARD_API_KEY: KEY },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(async () => output, (o) => o.includes('Press Ctrl-C'), { timeoutMs: 90_000, intervalMs: 100 });
  return child;
};

const javaFor = (dataDir: string): number[] =>
  spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${dataDir}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

/** Appends "start", waits for its go file, appends "end". */
const gatedCommand = (dir: string, name: string) => [
  'sh',
  '-c',
  `echo start >> ${join(dir, `${name}.marker`)}; until [ -f ${join(dir, `${name}.go`)} ]; do sleep 0.1; done; echo end >> ${join(dir, `${name}.marker`)}`,
];

describe('local provider across kill -9 of Switchyard', () => {
  it('runs each command once: a run that ended while we were down reports its code, a live one is adopted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-kill9-'));
    const port = await freePort();
    const system = { url: `http://127.0.0.1:${port}`, apiKey: KEY };
    const first = await startCli(dataDir, port);

    const jobs: Record<string, string> = {};
    for (const name of ['down', 'after']) {
      const res = await api(system, 'POST', '/v1/jobs', { body: localJob(gatedCommand(dataDir, name)) });
      expect(res.status).toBe(202);
      jobs[name] = res.body.id;
    }
    const attempts: Record<string, string> = {};
    for (const [name, id] of Object.entries(jobs)) {
      const running = await waitFor(() => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body), (j) => j.status === 'running', { timeoutMs: 30_000 });
      attempts[name] = running.attempts[0].id;
      await waitFor(async () => lines(join(dataDir, `${name}.marker`)), (l) => l.length === 1);
    }

    // kill -9 of the whole group, and of DynamoDB Local (a group of its own under its watchdog).
    killGroup(first.pid!);
    for (const pid of javaFor(dataDir)) killGroup(pid);
    for (const pid of javaFor(dataDir)) process.kill(pid, 'SIGKILL');
    await waitFor(async () => javaFor(dataDir), (p) => p.length === 0, { timeoutMs: 30_000 });
    const marker = (name: string) => `SWITCHYARD_ATTEMPT_ID=${attempts[name]}`;
    // Both runs outlived us (their groups are their own); one now ends while nobody watches.
    expect(runMembers(undefined, marker('down')).length).toBeGreaterThan(0);
    expect(runMembers(undefined, marker('after')).length).toBeGreaterThan(0);
    writeFileSync(join(dataDir, 'down.go'), '');
    await waitFor(async () => runMembers(undefined, marker('down')).length, (n) => n === 0, { timeoutMs: 30_000 });

    await startCli(dataDir, port);
    const ended = (id: string) =>
      waitFor(() => api(system, 'GET', `/v1/jobs/${id}`).then((r) => r.body), (j) => ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(j.status), { timeoutMs: 60_000 });
    // Only a reconcile pass ends the first job, and a pass examines every live job: the second
    // one has been looked at (and must have been adopted) before its command may finish.
    const endedFirst = await ended(jobs.down!);
    writeFileSync(join(dataDir, 'after.go'), '');
    for (const [name, id] of Object.entries(jobs)) {
      const done = name === 'down' ? endedFirst : await ended(id);
      expect(done.status, JSON.stringify(done.attempts)).toBe('succeeded');
      expect(done.attempts).toHaveLength(1);
      expect(done.attempts[0]).toMatchObject({ status: 'succeeded', exitCode: 0 });
      expect(lines(join(dataDir, `${name}.marker`))).toEqual(['start', 'end']);
      // Released: only the run's bookkeeping is left of its folder.
      const workdir = join(dataDir, 'local-runs', `switchyard-job-${attempts[name]}`);
      await waitFor(async () => readdirSync(workdir), (entries) => entries.length === 1 && entries[0] === '.switchyard', { timeoutMs: 30_000 });
    }
  }, 300_000);
});
