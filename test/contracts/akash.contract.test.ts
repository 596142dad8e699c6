// The Akash contract (the Console's generated OpenAPI 3.0 document) must catch the
// findings of issue 9, or its "0 violations" means nothing.
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { akashContract } from './providers/akash.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'akash',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const escrow = { id: { scope: 'bid', xid: 'x' }, state: { owner: 'akash1p', state: 'open', transferred: [], settled_at: '0', funds: [], deposits: [] } };
const bid = (key: 'id' | 'bid_id') => ({
  data: [{
    bid: { [key]: { owner: 'akash1o', dseq: '21000001', gseq: 1, oseq: 1, provider: 'akash1p', bseq: 0 }, state: 'open', price: { denom: 'uact', amount: '12.5' }, created_at: '2026-12-01T00:00:00Z', resources_offer: [] },
    escrow_account: escrow,
  }],
});

describe('the Akash contract', () => {
  const akash = akashContract();

  it('accepts a bid keyed under bid.id, with a real digit-string dseq (the ^d+$ pattern overridden)', () => {
    const r = akash.check(exchange({ method: 'GET', path: '/v1/bids', query: [['dseq', '21000001']], responseBody: bid('id') }));
    expect(r.operation).toBe('GET /v1/bids');
    expect(r.violations).toEqual([]);
  });

  it('rejects a deliberately wrong field: the old bid.bid_id key', () => {
    const r = akash.check(exchange({ method: 'GET', path: '/v1/bids', query: [['dseq', '21000001']], responseBody: bid('bid_id') }));
    expect(r.violations).toContain("GET /v1/bids response 200 body/data/0/bid must have required property 'id'");
  });

  it('rejects a dseq that is not digits, and names shell-exec as an operation the document lacks', () => {
    const r = akash.check(exchange({ method: 'GET', path: '/v1/bids', query: [['dseq', 'abc']], responseBody: bid('id') }));
    expect(r.violations.some((v) => v.includes('query parameter dseq must match pattern'))).toBe(true);
    const exec = akash.check(exchange({ method: 'POST', path: '/v1/deployments/21000001/leases/1/1/shell-exec', requestBody: { command: ['cat'] } }));
    expect(exec.operation).toBeUndefined();
    expect(exec.violations[0]).toMatch(/no such operation/);
  });

  it('accepts error statuses only as marked assumptions, and still fails an undocumented success', () => {
    const r = akash.check(exchange({ method: 'GET', path: '/v1/deployments/21000001', status: 404, responseBody: { error: 'NotFound', message: 'x' } }));
    expect(r.violations).toEqual([]);
    expect(r.assumptions[0]).toMatch(/assumed: .*Errors table/);
    const odd = akash.check(exchange({ method: 'GET', path: '/v1/deployments/21000001', status: 202 }));
    expect(odd.violations.some((v) => v.includes('response status 202 is not documented'))).toBe(true);
  });
});
