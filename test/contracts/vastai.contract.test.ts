// Vast.ai's contract catches what its published OpenAPI forbids, on the fields issue 9 named.
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { vastaiContract } from './providers/vastai.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'vastai',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const search = {
  verified: { eq: true },
  gpu_name: { in: ['H100 SXM', 'H100_SXM'] },
  type: 'ondemand',
  order: [
    ['dph_total', 'asc'],
    ['reliability', 'desc'],
  ],
  limit: 64,
};

describe('the Vast.ai contract', () => {
  const vast = vastaiContract();

  it('accepts the search the adapter sends, and rejects a deliberately wrong `type` spelling', () => {
    const ok = vast.check(exchange({ method: 'POST', path: '/api/v0/bundles/', requestBody: search, responseBody: { offers: [] } }));
    expect(ok).toMatchObject({ operation: 'POST /api/v0/bundles', violations: [] });
    const wrong = vast.check(exchange({ method: 'POST', path: '/api/v0/bundles/', requestBody: { ...search, type: 'on-demand' } }));
    expect(wrong.violations).toContain('POST /api/v0/bundles request body/type must be equal to one of the allowed values (["ondemand","bid","reserved"])');
  });

  it('rejects env sent as a JSON object (the schema types it as a Docker-flag string)', () => {
    const body = { image: 'nginx', label: 'switchyard-a1', runtype: 'args', args: ['sh', '-c', 'true'] };
    expect(vast.check(exchange({ method: 'PUT', path: '/api/v0/asks/1001/', requestBody: { ...body, env: '-e A=1' } })).violations).toEqual([]);
    const wrong = vast.check(exchange({ method: 'PUT', path: '/api/v0/asks/1001/', requestBody: { ...body, env: { A: '1' } } }));
    expect(wrong.violations).toContain('PUT /api/v0/asks/{id} request body/env must be string');
  });

  it('the v0 list is not an operation of the spec; the v1 list checks its rows', () => {
    expect(vast.check(exchange({ method: 'GET', path: '/api/v0/instances/' })).operation).toBeUndefined();
    const row = { id: 1, label: 'x', extra_env: { A: '1' } };
    const wrong = vast.check(exchange({ method: 'GET', path: '/api/v1/instances', responseBody: { instances: [row], next_token: null } }));
    expect(wrong.violations).toContain('GET /api/v1/instances response 200 body/instances/0/extra_env must be array');
  });
});
