// RunPod registry credentials (createRegistry, one per attempt) left behind when an attempt
// vanished between storing the credential and deleting its Pod are found by the orphan
// sweep through listRegistries (GET /v2/registries) and deleted (DELETE /v2/registries/{id})
// once their attempt is no longer live; live, foreign and other credentials stay.
import { afterEach, describe, expect, it } from 'vitest';
import { sweepOrphans } from '../../src/core/sweep.js';
import type { RunningSystem } from '../../src/local/system.js';
import { startRunPodFake, type RunPodFake } from '../../src/market/cloud/runpod-fake.js';
import { createRunPodProvider } from '../../src/providers/runpod/index.js';
import { registryNameFor } from '../../src/providers/runpod/registries.js';
import { simJob } from '../support/sim.js';
import { api, startTestSystem } from '../support/system.js';

let system: RunningSystem | undefined;
let fake: RunPodFake | undefined;
afterEach(async () => {
  await system?.stop();
  await fake?.close();
  system = fake = undefined;
});

/** Stores a credential the way the adapter does (createRegistry), as a crashed attempt left it. */
const createRegistry = async (f: RunPodFake, name: string): Promise<string> => {
  const res = await fetch(`${f.url}/v2/registries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${f.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, username: 'bot', password: 'pw-left-behind' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

const names = (f: RunPodFake): string[] => [...f.registries.values()].map((r) => r.name).sort();

describe('RunPod: the orphan sweep deletes registry credentials of attempts that vanished', () => {
  it('deletes an ended attempt’s credential, keeps a live attempt’s, a foreign one and one not named by us', async () => {
    fake = await startRunPodFake({ seed: 5, startDelayMs: 60_000, runMs: 3_600_000 });
    const runpod = createRunPodProvider({ apiKey: fake.apiKey, baseUrl: fake.url });
    system = await startTestSystem({ loops: false, providers: [runpod] });
    const s = system;
    const submit = async (): Promise<string> => (await api(s, 'POST', '/v1/jobs', { body: simJob({ placement: { strategy: 'cheapest', networks: ['runpod'], fallback: 'cloud' } }) })).body.id;

    // Job A ran on RunPod and was cancelled; its attempt's credential survived (the process
    // died between createRegistry and the Pod's delete).
    const ended = await submit();
    await s.queue.pollOnce();
    const cancel = await api(s, "POST", `/v1/jobs/${ended}/cancel`);
    expect(cancel.status, JSON.stringify(cancel.body)).toBeLessThan(300);
    await s.queue.pollOnce().catch(() => undefined);
    const endedAttempt = (await s.store.get(ended))!.attempts.at(-1)!.id;
    await createRegistry(fake, registryNameFor(endedAttempt));
    // Job B is running: its credential is in use by a live attempt.
    const live = await submit();
    await s.queue.pollOnce();
    // (The fake's community-cloud H100 may refuse for capacity first: the launched attempt is the last.)
    const liveAttempt = (await s.store.get(live))!.attempts.at(-1)!;
    expect(liveAttempt.status).toMatch(/starting|running/);
    await createRegistry(fake, registryNameFor(liveAttempt.id));
    // Another deployment's attempt, and a credential the RunPod user made by hand.
    await createRegistry(fake, registryNameFor('job_elsewhere-a1'));
    await createRegistry(fake, 'dockerhub-private');

    const owned = await runpod.listOwned();
    expect(owned).toEqual(expect.arrayContaining([{ attemptId: endedAttempt }, { attemptId: 'job_elsewhere-a1' }]));
    expect(owned.filter((r) => r.attemptId === liveAttempt.id)).toHaveLength(1); // its Pod, listed once

    const summary = await sweepOrphans(s.deps);
    expect(summary).toMatchObject({ stopped: 1, foreign: 1, errors: 0 });
    expect(names(fake)).toEqual(['dockerhub-private', registryNameFor('job_elsewhere-a1'), registryNameFor(liveAttempt.id)].sort());
    expect((await s.store.get(live))!.attempts.at(-1)!.status).toBe(liveAttempt.status);
    // Nothing left to sweep on the next pass.
    expect(await sweepOrphans(s.deps)).toMatchObject({ stopped: 0, errors: 0 });
  });
});
