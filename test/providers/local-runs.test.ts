// The local provider's run folders: what a new provider over the same folder (Switchyard after a
// kill -9 and a restart) makes of runs it did not spawn. Adopted while they run, their recorded
// exit code once they end, killed and confirmed dead when they cannot be adopted, and their
// files removed once released.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/core/provider.js';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import { runMembers } from '../../src/providers/local/processes.js';
import { waitFor } from '../support/system.js';
import { providerError } from './support/errors.js';
import { tempDir } from '../support/temp-dir.js';

const request = (attemptId: string, command: string[]): LaunchRequest => ({
  attemptId,
  jobId: attemptId.replace(/-a\d+$/, ''),
  offer: { provider: 'local', offerId: 'local-H100', gpuModel: 'H100', gpuCount: 1, vramGb: 0, pricePerGpuHourUsd: 0, expectedStartSeconds: 0 },
  image: 'ignored',
  command,
  env: {},
  maxDurationSeconds: 60,
});

/** Waits for `go`, so the run is surely mid-way when the test acts, however loaded the machine. */
const gated = (dir: string, name: string) => [
  'sh',
  '-c',
  `echo start >> ${join(dir, `${name}.marker`)}; until [ -f ${join(dir, `${name}.go`)} ]; do sleep 0.05; done; echo end >> ${join(dir, `${name}.marker`)}; exit 7`,
];

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe('local provider across a restart (a new provider over the same runs folder)', () => {
  it('adopts a run still going and reports its exit code once it ends; a second launch of the attempt runs nothing', async () => {
    const dir = tempDir('local-runs-');
    const before = new LocalProvider({ runsDir: join(dir, 'runs') });
    await before.launch(request('job_x-a1', gated(dir, 'x')));
    await waitFor(async () => lines(join(dir, 'x.marker')), (l) => l.length === 1);

    const after = new LocalProvider({ runsDir: join(dir, 'runs') }); // the old one is simply forgotten
    expect((await after.status({ attemptId: 'job_x-a1' })).state).toBe('running');
    await after.launch(request('job_x-a1', gated(dir, 'x'))); // the dispatcher retrying the same attempt
    writeFileSync(join(dir, 'x.go'), '');
    const ended = await waitFor(() => after.status({ attemptId: 'job_x-a1' }), (s) => s.state !== 'running');
    expect(ended).toMatchObject({ state: 'failed', exitCode: 7 });
    expect(lines(join(dir, 'x.marker'))).toEqual(['start', 'end']);
  });

  it('reports the exit code of a run that ended while nobody watched', async () => {
    const dir = tempDir('local-runs-');
    const before = new LocalProvider({ runsDir: join(dir, 'runs') });
    await before.launch(request('job_y-a1', ['sh', '-c', 'echo hello; exit 0']));
    const group = before.processGroupOf('job_y-a1')!;
    await waitFor(async () => runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_y-a1').length, (n) => n === 0);

    const after = new LocalProvider({ runsDir: join(dir, 'runs') });
    const status = await after.status({ attemptId: 'job_y-a1' });
    expect(status).toMatchObject({ state: 'succeeded', exitCode: 0 });
    expect(status.outputTail).toContain('hello');
  });

  it('kills what is left of a run whose wrapper died, and confirms it dead, before saying the machine is lost', async () => {
    const dir = tempDir('local-runs-');
    const before = new LocalProvider({ runsDir: join(dir, 'runs') });
    await before.launch(request('job_z-a1', gated(dir, 'z')));
    await waitFor(async () => lines(join(dir, 'z.marker')), (l) => l.length === 1);
    const group = before.processGroupOf('job_z-a1')!;
    process.kill(group, 'SIGKILL'); // the wrapper alone: its command runs on, and no exit code will come
    await waitFor(async () => runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_z-a1').length, (n) => n === 1);

    const after = new LocalProvider({ runsDir: join(dir, 'runs') });
    const status = await after.status({ attemptId: 'job_z-a1' });
    expect(status.state).toBe('lost');
    // Dead by the time status answered: a relaunch now cannot overlap it.
    expect(runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_z-a1')).toEqual([]);
    writeFileSync(join(dir, 'z.go'), '');
    expect(lines(join(dir, 'z.marker'))).toEqual(['start']);
  });

  it('removes the run folder once the attempt is released, and lists only runs not yet released', async () => {
    const dir = tempDir('local-runs-');
    const runs = join(dir, 'runs');
    const provider = new LocalProvider({ runsDir: runs });
    await provider.launch({ ...request('job_w-a1', ['sh', '-c', 'echo data > outputs/result.txt']), env: { SWITCHYARD_OUTPUTS_DIR: 'x' } });
    await waitFor(() => provider.status({ attemptId: 'job_w-a1' }), (s) => s.state === 'succeeded');
    expect(await provider.listOwned()).toEqual([{ attemptId: 'job_w-a1', providerRef: 'job_w-a1' }]);
    const workdir = provider.workdirOf('job_w-a1')!;
    expect(readdirSync(workdir).sort()).toEqual(['.switchyard', 'outputs']);

    expect(await waitFor(() => provider.release({ attemptId: 'job_w-a1' }), (r) => r === 'released')).toBe('released');
    expect(readdirSync(workdir)).toEqual(['.switchyard']); // only the few bytes of bookkeeping
    expect(await provider.listOwned()).toEqual([]);
    // A status read that comes after a lost write still gets the recorded code, not "unknown".
    expect(await provider.status({ attemptId: 'job_w-a1' })).toMatchObject({ state: 'succeeded', exitCode: 0 });
  });

  it('an orderly stop ends every run; its private temp folder goes with them, a given runs folder stays for the restart', async () => {
    const dir = tempDir('local-runs-');
    const own = new LocalProvider();
    await own.launch(request('job_u-a1', ['sh', '-c', 'sleep 30']));
    const ownFolder = own.workdirOf('job_u-a1')!;
    const ownGroup = own.processGroupOf('job_u-a1')!;
    await own.stopAll();
    expect(runMembers(ownGroup, 'SWITCHYARD_ATTEMPT_ID=job_u-a1')).toEqual([]);
    expect(existsSync(ownFolder)).toBe(false);

    const kept = new LocalProvider({ runsDir: join(dir, 'runs') });
    await kept.launch(request('job_t-a1', ['sh', '-c', 'sleep 30']));
    await kept.stopAll();
    // After the restart the stopped run is a machine gone with us: the job fails over.
    const after = new LocalProvider({ runsDir: join(dir, 'runs') });
    expect((await providerError(after.status({ attemptId: 'job_t-a1' }))).kind).toBe('unknown-job');
  });

  it('a cancelled run that survived us is killed before it reads as ended', async () => {
    const dir = tempDir('local-runs-');
    const before = new LocalProvider({ runsDir: join(dir, 'runs') });
    // Ignores SIGTERM, so only the SIGKILL (which the crashed process never got to send) ends it.
    await before.launch(request('job_v-a1', ['sh', '-c', `trap '' TERM; echo start >> ${join(dir, 'v.marker')}; while true; do sleep 0.05; done`]));
    await waitFor(async () => lines(join(dir, 'v.marker')), (l) => l.length === 1);
    const group = before.processGroupOf('job_v-a1')!;
    writeFileSync(join(metaOf(before, 'job_v-a1'), 'cancelled'), ''); // as cancel() leaves it, before its SIGKILL

    const after = new LocalProvider({ runsDir: join(dir, 'runs') });
    expect(await after.status({ attemptId: 'job_v-a1' })).toMatchObject({ state: 'failed', message: 'cancelled' });
    expect(runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_v-a1')).toEqual([]);
  });
  it('reads a run past its time limit as timed out at once, while it is still being stopped', async () => {
    const dir = tempDir('local-runs-');
    const p = new LocalProvider({ runsDir: join(dir, 'runs') });
    // Ignores SIGTERM: the run lives on through the stop's grace, until its SIGKILL.
    await p.launch({ ...request('job_w-a1', ['sh', '-c', `trap '' TERM; echo start >> ${join(dir, 'w.marker')}; while true; do sleep 0.05; done`]), maxDurationSeconds: 1 });
    await waitFor(async () => lines(join(dir, 'w.marker')), (l) => l.length === 1);
    const group = p.processGroupOf('job_w-a1')!;
    const seen = await waitFor(
      async () => ({ alive: runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_w-a1').length > 0, status: await p.status({ attemptId: 'job_w-a1' }) }),
      (r) => r.status.state !== 'running',
      { intervalMs: 20 },
    );
    expect(seen.status).toMatchObject({ state: 'failed', timedOut: true });
    expect(seen.alive, 'reported before the stop had ended the run').toBe(true);
    await waitFor(async () => runMembers(group, 'SWITCHYARD_ATTEMPT_ID=job_w-a1').length, (n) => n === 0);
  });
});

const metaOf = (provider: LocalProvider, attemptId: string) => join(provider.workdirOf(attemptId)!, '.switchyard');
