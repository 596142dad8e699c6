// RunPod's contract (REST v2 OpenAPI) must catch the shapes the old v1 adapter sent.
import { describe, expect, it } from 'vitest';
import { podArgsFor } from '../../src/providers/runpod/runpod-provider.js';
import type { Exchange } from './contract.js';
import { runpodContract } from './providers/runpod.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'runpod', query: [], status: 201, injected: false, ...e,
});

const validCreate = {
  name: 'switchyard-att-1',
  image: 'ghcr.io/acme/train:1.2',
  cloud: 'SECURE',
  gpu: { id: 'NVIDIA H100 80GB HBM3', count: 1 },
  args: podArgsFor(['python', 'train.py']),
  env: { SWITCHYARD_ATTEMPT_ID: 'att-1' },
  disk: 50,
};

describe('the RunPod v2 contract', () => {
  const runpod = runpodContract();

  it('accepts the adapter create body as CreatePodRequest', () => {
    const result = runpod.check(exchange({ method: 'POST', path: '/v2/pods', requestBody: validCreate }));
    expect(result.operation).toBe('POST /v2/pods');
    expect(result.violations).toEqual([]);
  });

  it('rejects deliberately wrong fields: args as an array, a v1 flat gpuTypeIds', () => {
    const result = runpod.check(
      exchange({ method: 'POST', path: '/v2/pods', requestBody: { ...validCreate, args: ['python', 'train.py'], gpuTypeIds: ['NVIDIA H100 80GB HBM3'] } }),
    );
    expect(result.violations.some((v) => v.includes('/args must be string'))).toBe(true);
    expect(result.violations.some((v) => v.includes('"gpuTypeIds"'))).toBe(true);
  });

  it('rejects a pod status outside PodStatus and a v1 path', () => {
    const bad = runpod.check(exchange({ method: 'GET', path: '/v2/pods/abc', status: 200, responseBody: { id: 'abc', status: 'DEAD' } }));
    expect(bad.violations.some((v) => v.includes('/status must be equal to one of the allowed values'))).toBe(true);
    expect(runpod.check(exchange({ method: 'POST', path: '/v1/pods' })).violations[0]).toContain('no such operation');
  });
});
