// End to end, in local mode: a job that checkpoints every 10% of its work runs for real on a
// fake AWS Batch (its executor runs the command under the injected agent), loses its machine
// at ~70%, fails over to another provider (a second fake Batch queue), restores the
// checkpoint there and finishes, repeating at most one step (10%) plus the restore.
// The same job without a checkpoint, lost at the same point, restarts from zero; both billed
// times are printed (running seconds summed over attempts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/core/job.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startAwsBatchFake, type AwsBatchFake } from '../../src/market/cloud/aws-batch-fake.js';
import { WorkloadExecutor } from '../../src/market/shared/executor.js';
import { createAwsBatchProvider } from '../../src/providers/aws-batch/aws-batch-provider.js';
import { DEFAULT_AWS_BATCH_CATALOG } from '../../src/providers/aws-batch/catalog.js';
import { api, startTestSystem, waitFor } from '../support/system.js';

const STEPS = 10;
const STEP_SECONDS = 10; // = everySeconds: the agent saves once per step (10% of the work)
const LOSE_AT_STEP = 7;

// The work: one step every STEP_SECONDS, progress kept in the checkpoint folder (written, then
// renamed, so a save never sees half a file). Without a checkpoint folder it starts from zero.
const WORK = `d="$SWITCHYARD_CHECKPOINT_DIR"; [ -n "$d" ] || d=$(mktemp -d)
s=0; [ -f "$d/step" ] && s=$(cat "$d/step")
echo "starting at step $s"
while [ "$s" -lt ${STEPS} ]; do sleep ${STEP_SECONDS}; s=$((s + 1)); echo "$s" >"$d/step.tmp"; mv "$d/step.tmp" "$d/step"; echo "step $s done"; done
echo finished`;

const a10g = (price: number) => DEFAULT_AWS_BATCH_CATALOG.filter((e) => e.gpuModel === 'A10G').map((e) => ({ ...e, pricePerGpuHourUsd: price }));

let east: AwsBatchFake;
let west: AwsBatchFake;
const executors = [new WorkloadExecutor(), new WorkloadExecutor()];
let system: RunningSystem;

beforeAll(async () => {
  east = await startAwsBatchFake({ seed: 1, startDelayMs: 400, executor: executors[0] });
  west = await startAwsBatchFake({ seed: 2, startDelayMs: 400, executor: executors[1] });
  const adapter = (name: string, fake: AwsBatchFake, price: number) =>
    createAwsBatchProvider({ name, region: fake.region, endpoint: fake.url, credentials: fake.credentials, jobQueue: 'switchyard-gpu', catalog: a10g(price) });
  system = await startTestSystem({
    // The cheaper queue first; the other is where the job goes once the first loses its machine.
    // Dearer than the exploration budget's reach (1.5×, src/core/exploration.ts): at 1.2× the 2%
    // of placements that explore sent a job to west first (seen once in a full run).
    providers: [adapter('aws-batch', east, 1.0), adapter('aws-batch-west', west, 1.8)],
    agentHeartbeatSeconds: 5,
    agentLogIntervalSeconds: 1,
    reconcileIntervalMs: 250,
  });
}, 120_000);
afterAll(async () => {
  await system?.stop();
  for (const e of executors) e.stopAll();
  await east?.close();
  await west?.close();
});

const logText = async (jobId: string): Promise<string> => {
  const page = await api(system, 'GET', `/v1/jobs/${jobId}/logs?limit=1000`);
  return (page.body.items ?? []).map((p: { text: string }) => p.text).join('');
};

const billedSeconds = (job: Job | Record<string, any>): number =>
  job.attempts
    .filter((a: any) => a.startedAt && a.endedAt)
    .reduce((sum: number, a: any) => sum + (Date.parse(a.endedAt) - Date.parse(a.startedAt)) / 1000, 0);

const runLosingAt = async (withCheckpoint: boolean) => {
  const spec = {
    image: 'python:3.12-slim',
    command: ['sh', '-c', WORK],
    resources: { gpu: { models: ['A10G'], count: 1 } },
    maxDurationSeconds: 600,
    maxPricePerGpuHourUsd: 5,
    placement: { strategy: 'cheapest', fallback: 'cloud', networks: ['aws-batch', 'aws-batch-west'] },
    ...(withCheckpoint ? { checkpoint: { path: '/checkpoints', everySeconds: STEP_SECONDS } } : {}),
  };
  const submitted = await api(system, 'POST', '/v1/jobs', { body: spec });
  expect(submitted.status).toBe(202);
  const jobId = submitted.body.id as string;
  // Lose the machine once step 7 of 10 is done (the command's own log says so).
  await waitFor(() => logText(jobId), (text) => text.includes(`step ${LOSE_AT_STEP} done`), { timeoutMs: 200_000, intervalMs: 500 });
  const first = (await system.store.get(jobId))!.attempts[0]!;
  expect(first.provider).toBe('aws-batch');
  east.jobs.loseMachine(first.providerRef!);
  const done = await waitFor(
    () => api(system, 'GET', `/v1/jobs/${jobId}`).then((r) => r.body),
    (j) => ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(j.status),
    { timeoutMs: 240_000, intervalMs: 500 },
  );
  return { jobId, job: done, logs: await logText(jobId) };
};

describe('resume after a lost machine', () => {
  it('resumes on another provider from the last checkpoint and bills less than a restart from zero', async () => {
    const [resumed, restarted] = await Promise.all([runLosingAt(true), runLosingAt(false)]);

    for (const run of [resumed, restarted]) {
      expect(run.job.status, JSON.stringify(run.job.attempts)).toBe('succeeded');
      expect(run.job.attempts.map((a: any) => a.provider)).toEqual(['aws-batch', 'aws-batch-west']);
      expect(run.job.attempts[0]).toMatchObject({ status: 'failed', lostBy: 'provider' });
      expect(run.logs).toContain('finished');
    }

    // The resumed attempt started from the checkpoint: at most one step (10%) is repeated.
    const resumedAt = Number(/starting at step (\d+)\n(?![\s\S]*starting at step)/.exec(resumed.logs)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(LOSE_AT_STEP - 1);
    expect(resumed.job.attempts[1].resumedFrom).toMatchObject({ attemptId: resumed.job.attempts[0].id });
    expect(resumed.job.attempts[1].resumedFrom.sizeBytes).toBeGreaterThan(0);
    expect(resumed.job.checkpoint.attemptId).toBe(resumed.job.attempts[1].id);
    // Without a checkpoint the second attempt starts over.
    expect(restarted.logs.match(/starting at step 0/g)).toHaveLength(2);
    expect(restarted.job.attempts[1].resumedFrom).toBeUndefined();

    const withResume = billedSeconds(resumed.job);
    const fromZero = billedSeconds(restarted.job);
    console.log(
      JSON.stringify({
        bench: 'resume-after-lost-machine',
        steps: STEPS,
        stepSeconds: STEP_SECONDS,
        lostAtStep: LOSE_AT_STEP,
        resumedAtStep: resumedAt,
        billedSecondsWithResume: Math.round(withResume * 10) / 10,
        billedSecondsRestartFromZero: Math.round(fromZero * 10) / 10,
      }),
    );
    expect(withResume).toBeLessThan(fromZero);
    // Lost at 70%, the restart repeats 70% of the work; the resume at most 10% plus the restore.
    expect(fromZero - withResume).toBeGreaterThan((LOSE_AT_STEP - 1 - 1) * STEP_SECONDS);
  }, 480_000);
});
