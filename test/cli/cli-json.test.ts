// The `switchyard` CLI as scripts use it (--json, exit codes), against a running local
// system: run/follow, jobs, quote, providers/gpus, balance, usage, login, job-file errors.
import { mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startTestSystem } from '../support/system.js';
import { cliEnv, runCli, tempHome } from './run-cli.js';

// Every case runs the CLI a few times, each a fresh Node process.
const SLOW = 180_000;

let system: RunningSystem;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider({ gpuModels: ['H100', 'A100-80GB'] })], agentHeartbeatSeconds: 1 });
  system.agent.logsFollowPollMs = 100;
  dir = tempHome();
  env = cliEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), SWITCHYARD_URL: system.url, SWITCHYARD_API_KEY: system.apiKey });
});
afterAll(async () => system?.stop());

const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

const jobFile = (name: string, command: string) => {
  const path = join(dir, name);
  writeFileSync(path, `image: x\ncommand: [sh, -c, '${command}']\nresources:\n  gpu: { models: [H100], count: 1 }\nmaxDurationSeconds: 60\nmaxPricePerGpuHourUsd: 3\nplacement: { networks: [local], fallback: none }\n`);
  return path;
};

describe('switchyard --json', () => {
  it('run --follow streams events and logs as JSON lines and exits with the job exit code', async () => {
    const result = await runCli(['run', jobFile('seven.yaml', 'echo out; exit 7'), '--follow', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(7);
    const lines = jsonLines(result.stdout);
    const last = lines.at(-1)!;
    expect(last.exitCode).toBe(7);
    expect(last.job.status).toBe('failed');
    expect(lines.filter((l) => l.log).map((l) => l.log.text).join('')).toBe('out\n');
    const seqs = lines.filter((l) => l.event).map((l) => l.event.seq);
    expect(seqs.length).toBeGreaterThan(2);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(lines.some((l) => l.event?.provider === 'local')).toBe(true);
  }, SLOW);

  it('jobs ls, get, events, logs and cancel answer JSON', async () => {
    const ran = jsonLines((await runCli(['run', 'examples/hello.yaml', '--follow', '--json'], env)).stdout).at(-1)!;
    expect(ran.exitCode).toBe(0);
    const id = ran.job.id as string;
    const ls = JSON.parse((await runCli(['jobs', 'ls', '--json'], env)).stdout);
    expect(ls.items.map((j: { id: string }) => j.id)).toContain(id);
    expect(JSON.parse((await runCli(['jobs', 'get', id, '--json'], env)).stdout).status).toBe('succeeded');
    const events = JSON.parse((await runCli(['jobs', 'events', id, '--json'], env)).stdout);
    expect(events.items.at(-1).to).toBe('succeeded');
    const logs = jsonLines((await runCli(['jobs', 'logs', id, '--json'], env)).stdout);
    expect(logs.map((p) => p.text).join('')).toMatch(/^hello from .*\ndone\n$/);
    const followed = await runCli(['jobs', 'logs', id, '-f'], env);
    expect(followed.stdout).toMatch(/^hello from .*\ndone\n$/);

    const sleeper = JSON.parse((await runCli(['run', jobFile('sleep.yaml', 'sleep 30'), '--json'], env)).stdout);
    expect(sleeper.status).toBe('queued');
    expect(JSON.parse((await runCli(['jobs', 'cancel', sleeper.id, '--json'], env)).stdout).status).toBe('cancelled');
    const again = await runCli(['jobs', 'cancel', sleeper.id, '--json'], env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.status).toBe(409);
  }, SLOW);

  it('quote, providers, gpus, balance and usage answer JSON', async () => {
    const quote = JSON.parse((await runCli(['quote', 'examples/hello.yaml', '--json'], env)).stdout);
    expect(quote.offers[0].provider).toBe('local');
    const providers = JSON.parse((await runCli(['providers', '--json'], env)).stdout);
    expect(providers.items.map((p: { name: string }) => p.name)).toContain('local');
    const gpus = JSON.parse((await runCli(['gpus', '--model', 'h100', '--json'], env)).stdout);
    expect(gpus.items.length).toBeGreaterThan(0);
    expect(gpus.items.every((g: { model: string; provider: string }) => g.model === 'H100' && g.provider)).toBe(true);
    const human = await runCli(['gpus'], env);
    expect(human.stdout).toMatch(/^GPU\s+VRAM\s+PROVIDER/);
    expect(typeof JSON.parse((await runCli(['balance', '--json'], env)).stdout).availableMicroUsd).toBe('number');
    const usage = JSON.parse((await runCli(['usage', '--json'], env)).stdout);
    expect(typeof usage.totalMicroUsd).toBe('number');
  }, SLOW);

  it('points at the line of each error in a job file, and submits nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'image: x\ncommand: [a]\nresources:\n  gpu:\n    models: [H100]\n    count: one\nmaxDurationSeconds: 60\nmaxPricePerGpuHourUsd: 3\ncolour: red\n');
    const before = JSON.parse((await runCli(['jobs', 'ls', '--json', '--limit', '100'], env)).stdout).items.length;
    const human = await runCli(['run', bad], env);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain(`${bad}:6:12: resources.gpu.count: must be integer`);
    expect(human.stderr).toContain(`${bad}:9:1: colour: unknown field "colour"`);
    const json = await runCli(['run', bad, '--json'], env);
    expect(JSON.parse(json.stderr).error.problems.map((p: { line: number }) => p.line).sort()).toEqual([6, 9]);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "image": "x",\n  "command": [\n}\n');
    expect((await runCli(['run', broken], env)).stderr).toMatch(/broken\.json:4:\d+: /);
    expect(JSON.parse((await runCli(['jobs', 'ls', '--json', '--limit', '100'], env)).stdout).items.length).toBe(before);
  }, SLOW);

  it('login keeps the key in $XDG_CONFIG_HOME/switchyard with mode 0600 and refuses a bad key', async () => {
    const home = tempHome();
    const loginEnv = cliEnv({ HOME: home, SWITCHYARD_URL: system.url });
    const none = await runCli(['jobs', 'ls'], loginEnv);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/switchyard login/);
    const refused = await runCli(['login', '--key', 'sy_live_aaaaaaaaaaaaaaaa_nope'], loginEnv);
    expect(refused.code).toBe(1);
    const login = await runCli(['login', '--json'], loginEnv, `${system.apiKey}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    const path = join(home, '.config', 'switchyard', 'config.json');
    expect(JSON.parse(login.stdout).path).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).apiKey).toBe(system.apiKey);
    expect((await runCli(['jobs', 'ls', '--json'], loginEnv)).code).toBe(0);
    const xdg = join(home, 'xdg');
    mkdirSync(xdg);
    await runCli(['login', '--key', system.apiKey], { ...loginEnv, XDG_CONFIG_HOME: xdg });
    expect(statSync(join(xdg, 'switchyard', 'config.json')).mode & 0o777).toBe(0o600);
  }, SLOW);
});
