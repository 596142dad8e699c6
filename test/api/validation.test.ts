// Bad input gets a clear 4xx problem and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false });
});
afterAll(() => system.stop());

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.stringContaining('/problems/'), title: expect.any(String), detail: expect.any(String) });
};

const nothingWritten = async () => {
  const res = await api(system, 'GET', '/v1/jobs?limit=100');
  expect(res.body.items).toEqual([]);
  expect(system.queue.depth).toBe(0);
};

describe('validation and limits', () => {
  it('names every invalid field', async () => {
    const res = await api(system, 'POST', '/v1/jobs', {
      body: {
        image: '',
        command: 'not-an-array',
        resources: { gpu: { models: [], count: 0 } },
        maxDurationSeconds: 1.5,
        maxPricePerGpuHourUsd: -1,
        placement: { strategy: 'random' },
        env: { 'BAD NAME': 'x' },
      },
    });
    expectProblem(res, 400);
    const fields = res.body.errors.map((e: any) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'image',
        'command',
        'resources.gpu.models',
        'resources.gpu.count',
        'maxDurationSeconds',
        'maxPricePerGpuHourUsd',
        'placement.strategy',
        'env.BAD NAME',
      ]),
    );
    expect(res.body.errors.find((e: any) => e.field === 'resources.gpu.count').pointer).toBe('/resources/gpu/count');
    await nothingWritten();
  });

  it('rejects unknown fields rather than ignoring a typo', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: { ...localJob(['true']), maxDurationSecs: 10 } });
    expectProblem(res, 400);
    expect(JSON.stringify(res.body.errors)).toContain('maxDurationSecs');
    await nothingWritten();
  });

  it('refuses amounts too near zero to store (the fuzzer sent cpu 1.5e-166 and got a 500)', async () => {
    const base = localJob(['true']) as any;
    for (const body of [
      { ...base, resources: { ...base.resources, cpu: 1.5447807189448943e-166 } },
      { ...base, resources: { ...base.resources, memoryGb: 1e-200 } },
      { ...base, resources: { ...base.resources, gpu: { ...base.resources.gpu, minVramGb: 1e-140 } } },
      { ...base, maxPricePerGpuHourUsd: 1e-150 },
    ]) {
      const res = await api(system, 'POST', '/v1/jobs', { body });
      expectProblem(res, 400);
    }
    await nothingWritten();
  });

  it('rejects an unknown network by name', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { placement: { networks: ['nope-net'], fallback: 'none', strategy: 'cheapest' } }) });
    expectProblem(res, 400);
    expect(res.body.errors[0]).toMatchObject({ field: 'placement.networks.0' });
    expect(res.body.errors[0].detail).toContain('nope-net');
    await nothingWritten();
  });

  it('rejects a job that names only clouds without allowing them (it could never run)', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], { placement: { networks: ['aws-batch'], fallback: 'none', strategy: 'cheapest' } }) });
    expectProblem(res, 400);
    expect(res.body.errors[0]).toMatchObject({ field: 'placement.fallback', pointer: '/placement/fallback' });
    expect(res.body.errors[0].detail).toContain('"fallback": "cloud"');
    await nothingWritten();
  });

  it('answers malformed JSON with 400', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { rawBody: '{"image": ', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400);
    await nothingWritten();
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { rawBody: 'image=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415);
    await nothingWritten();
  });

  it('answers a body over 64 KiB with 413', async () => {
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['echo', 'x'.repeat(70 * 1024)]) });
    expectProblem(res, 413);
    await nothingWritten();
  });

  it('limits env vars, command length and string sizes', async () => {
    const env = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x']));
    const res = await api(system, 'POST', '/v1/jobs', { body: localJob(Array.from({ length: 257 }, () => 'a'), { env, image: 'i'.repeat(513) }) });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['env', 'command', 'image']));
    await nothingWritten();
  });

  it('answers 401 without a key, with a malformed key and with an unknown key', async () => {
    expectProblem(await api(system, 'GET', '/v1/jobs', { key: null }), 401);
    expectProblem(await api(system, 'GET', '/v1/jobs', { key: 'not-a-key' }), 401);
    const forged = `sy_live_${'a'.repeat(16)}_${'b'.repeat(43)}`;
    expectProblem(await api(system, 'GET', '/v1/jobs', { key: forged }), 401);
    const wrongSecret = system.apiKey.slice(0, -3) + 'AAA';
    expectProblem(await api(system, 'POST', '/v1/jobs', { key: wrongSecret, body: localJob(['true']) }), 401);
    await nothingWritten();
  });

  it('answers unknown jobs, unknown routes and wrong methods with problems', async () => {
    expectProblem(await api(system, 'GET', '/v1/jobs/job_doesnotexist'), 404);
    expectProblem(await api(system, 'POST', '/v1/jobs/job_doesnotexist/cancel'), 404);
    expectProblem(await api(system, 'GET', '/v1/jobs/job_doesnotexist/events'), 404);
    expectProblem(await api(system, 'GET', '/v1/nothing-here'), 404);
    const wrongMethod = await api(system, 'DELETE', '/v1/jobs');
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
  });

  it('rejects bad list parameters and foreign cursors', async () => {
    expectProblem(await api(system, 'GET', '/v1/jobs?limit=0'), 400);
    expectProblem(await api(system, 'GET', '/v1/jobs?limit=abc'), 400);
    expectProblem(await api(system, 'GET', '/v1/jobs?status=done'), 400);
    expectProblem(await api(system, 'GET', '/v1/jobs?cursor=%%%'), 400);
    const foreign = Buffer.from(JSON.stringify({ gsi1pk: 'TENANT#other', gsi1sk: 'x', pk: 'JOB#x', sk: 'JOB' })).toString('base64url');
    expectProblem(await api(system, 'GET', `/v1/jobs?cursor=${foreign}`), 400);
  });

  it('serves health, the OpenAPI 3.1 document and a docs page without a key', async () => {
    expect((await api(system, 'GET', '/health', { key: null })).body).toEqual({ status: 'ok' });
    const doc = (await api(system, 'GET', '/openapi.json', { key: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/cancel', '/v1/jobs/{id}/events', '/v1/providers']),
    );
    expect(doc.components.schemas.JobSpec.properties.resources).toBeDefined();
    const page = await fetch(`${system.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/v1/jobs/{id}/cancel');
  });
});
