// The Nosana contract (an in-code OpenAPI 3.1 document from nosana/FACTS.md) must catch
// what the FACTS tables forbid, or its "0 violations" means nothing.
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { nosanaContract } from './providers/nosana.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'nosana',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const KEY = 'A'.repeat(44);
const deployment = {
  id: KEY, name: 'switchyard-a1', vault: KEY, market: KEY, owner: KEY, status: 'RUNNING', replicas: 1, timeout: 60,
  endpoints: [], confidential: false, active_revision: 1, active_jobs: 1, strategy: 'SIMPLE',
  created_at: '2026-12-01T00:00:00.000Z', updated_at: '2026-12-01T00:00:00.000Z',
};

describe('the Nosana contract', () => {
  const nosana = nosanaContract();

  it('accepts a Deployment as the FACTS Objects row gives it, below the /api base', () => {
    const r = nosana.check(exchange({ method: 'GET', path: `/api/deployments/${KEY}`, responseBody: deployment }));
    expect(r.operation).toBe('GET /deployments/{id}');
    expect(r.violations).toEqual([]);
  });

  it('rejects a deliberately wrong field: an unknown status and an extra property', () => {
    const r = nosana.check(exchange({ method: 'GET', path: `/api/deployments/${KEY}`, responseBody: { ...deployment, status: 'DONE', exit: 0 } }));
    expect(r.violations.some((v) => v.includes('/status must be equal to one of the allowed values'))).toBe(true);
    expect(r.violations.some((v) => v.includes('must NOT have additional properties ("exit")'))).toBe(true);
  });

  it('names a route FACTS does not list (the old GET form of stop, and the un-prefixed path)', () => {
    expect(nosana.check(exchange({ method: 'GET', path: `/api/deployments/${KEY}/stop` })).violations[0]).toMatch(/no such operation/);
    expect(nosana.check(exchange({ method: 'GET', path: '/deployments' })).violations[0]).toMatch(/no such operation/);
  });

  it('holds wrong-state answers to 500 {error} and a list limit to 10|20|50|100', () => {
    const wrong = nosana.check(exchange({ method: 'POST', path: `/api/deployments/${KEY}/archive`, status: 409, responseBody: { error: 'x' } }));
    expect(wrong.violations.some((v) => v.includes('response status 409 is not documented'))).toBe(true);
    const limit = nosana.check(exchange({ method: 'GET', path: '/api/deployments', query: [['limit', '25']], responseBody: { deployments: [], pagination: { cursor_next: null, cursor_prev: null, total_items: 0 } } }));
    expect(limit.violations.some((v) => v.includes('query parameter limit'))).toBe(true);
  });
});
