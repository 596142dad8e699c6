// `switchyard run examples/hello.yaml --follow` in a real terminal (tmux) against a running
// local system: the placement, the job's logs and its exit code are on the screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startTestSystem } from '../support/system.js';
import { BIN, cliEnv, ROOT, tempHome } from './run-cli.js';
import { startTmux, type TmuxSession } from './tmux.js';

let system: RunningSystem;
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  system = await startTestSystem({ providers: [new LocalProvider()], agentHeartbeatSeconds: 1 });
  system.agent.logsFollowPollMs = 100;
});
afterAll(async () => {
  for (const s of sessions) s.kill();
  await system?.stop();
});

const env = () => {
  const home = tempHome();
  return { dir: home, env: cliEnv({ HOME: home, TERM: 'xterm-256color', SWITCHYARD_URL: system.url, SWITCHYARD_API_KEY: system.apiKey }) };
};

describe('switchyard run --follow in a terminal', () => {
  it('shows the placement, streams the logs and exits with the job exit code', async () => {
    const session = startTmux([process.execPath, BIN, 'run', 'examples/hello.yaml', '--follow'], { env: env().env, cwd: ROOT });
    sessions.push(session);
    const screen = await session.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/^submitted job_\S+$/m);
    expect(screen).toMatch(/▸ placed on local .*\[job_\S+-a1\]/);
    expect(screen).toMatch(/^hello from \S+$/m);
    expect(screen).toMatch(/^done$/m);
    expect(screen).toMatch(/▸ job running → succeeded/);
    expect(screen).toMatch(/job_\S+ succeeded, exit code 0/);
    expect(screen).toMatch(/^EXIT=0$/m);
    // The spinner is cleared once the job ended: no frame is left on the screen.
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  }, 180_000);

  it("ends with a failed job's own exit code", async () => {
    const { dir, env: e } = env();
    const file = join(dir, 'fails.json');
    writeFileSync(file, JSON.stringify({ image: 'x', command: ['sh', '-c', 'echo about to fail; exit 42'], resources: { gpu: { models: ['H100'], count: 1 } }, maxDurationSeconds: 60, maxPricePerGpuHourUsd: 3, placement: { networks: ['local'], fallback: 'none' } }));
    const session = startTmux([process.execPath, BIN, 'run', file, '--follow'], { env: e, cwd: ROOT });
    sessions.push(session);
    const screen = await session.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/^about to fail$/m);
    expect(screen).toMatch(/job_\S+ failed, exit code 42/);
    expect(screen).toMatch(/^EXIT=42$/m);
  }, 180_000);
});
