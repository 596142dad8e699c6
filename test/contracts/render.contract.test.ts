// The Render (Dispersed) contract, written from FACTS.md: it must accept what the adapter
// builds and catch a deliberately wrong field, or its "0 violations" means nothing.
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../src/core/provider.js';
import { buildJobBody, encodeOfferId } from '../../src/providers/render/job-body.js';
import type { Exchange } from './contract.js';
import { renderContract } from './providers/render.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'render',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const offer: Offer = {
  provider: 'render',
  offerId: encodeOfferId('o-1', '0f8fad5b-d9cb-469f-a165-70867728950e'),
  gpuModel: 'RTX4090',
  gpuCount: 1,
  vramGb: 24,
  pricePerGpuHourUsd: 0.4,
  region: 'us-east-1',
  expectedStartSeconds: 180,
};
const body = buildJobBody(
  { attemptId: 'a1', jobId: 'j1', offer, image: 'acme/runner:1', command: ['echo', 'hi'], env: {}, maxDurationSeconds: 60 },
  { title: 'switchyard-a1', commandImages: ['acme/runner'], minStorageGb: 20, runGraceSeconds: 300 },
);
const UUID = '6f1c5a52-6d9e-4c1e-9f5e-2a7f3c1d8b90';

describe('the Render (Dispersed) contract', () => {
  const render = renderContract();

  it("accepts the adapter's create body and a create answer carrying the uuid", () => {
    const result = render.check(exchange({ method: 'POST', path: '/v1/jobs', requestBody: body, status: 201, responseBody: { uuid: UUID, status: 'PENDING' } }));
    expect(result.operation).toBe('POST /v1/jobs');
    expect(result.violations).toEqual([]);
  });

  it('rejects a deliberately wrong field: a `command` the API does not have', () => {
    const result = render.check(exchange({ method: 'POST', path: '/v1/jobs', requestBody: { ...body, command: ['echo', 'hi'] }, status: 201, responseBody: { uuid: UUID } }));
    expect(result.violations).toContain('POST /v1/jobs request body must NOT have additional properties ("command")');
  });

  it('rejects a BATCH job without max_timeout_run_ms, both GPU selectors at once, and an entrypoint in the docker parameters', () => {
    const { max_timeout_run_ms: _m, ...noLimit } = body;
    expect(render.check(exchange({ method: 'POST', path: '/v1/jobs', requestBody: noLimit, responseBody: { uuid: UUID } })).violations).toContain(
      "POST /v1/jobs request body must have required property 'max_timeout_run_ms'",
    );
    const both = { ...body, gpu_name: 'NVIDIA RTX 4090' };
    expect(render.check(exchange({ method: 'POST', path: '/v1/jobs', requestBody: both, responseBody: { uuid: UUID } })).violations).toContain(
      'POST /v1/jobs request body must NOT be valid',
    );
    const entry = { ...body, parameters: { type: 'docker', parameters: { ...body.parameters.parameters, entrypoint: ['sh'] } } };
    expect(render.check(exchange({ method: 'POST', path: '/v1/jobs', requestBody: entry, responseBody: { uuid: UUID } })).violations).toContain(
      'POST /v1/jobs request body/parameters/parameters must NOT have additional properties ("entrypoint")',
    );
  });

  it('checks responses too: an offer priced as text, a run with a status Dispersed does not have, a list over its limit', () => {
    const badOffer = {
      data: [{ offer_id: 'o', region_code: 'us-east-1', hardware_summary: {}, pricing: { hourly_rate_usd: '0.40', quoted_at: '2026-01-01T00:00:00Z' }, availability: {} }],
      limit: 50,
      page: 1,
      total: 1,
    };
    expect(render.check(exchange({ method: 'GET', path: '/v1/compute/offers', responseBody: badOffer })).violations).toContain(
      'GET /v1/compute/offers response 2XX body/data/0/pricing/hourly_rate_usd must be number',
    );
    const run = { uuid: 'r', status: 'SUCCEEDED', started_at_ms: 1, node_urls: [] };
    expect(render.check(exchange({ method: 'GET', path: '/v1/job-runs', query: [['filter[job_uuid]', UUID]], responseBody: { data: [run], page: 1, limit: 10, total: 1 } })).violations).toEqual([
      'GET /v1/job-runs response 2XX body/data/0/status must be equal to one of the allowed values (["PENDING","ASSIGNED","RUNNING","COMPLETED","FAILED","CANCELLING","CANCELLED"])',
    ]);
    expect(render.check(exchange({ method: 'GET', path: '/v1/jobs', query: [['limit', '100']] })).violations).toContain(
      'GET /v1/jobs query parameter limit must be <= 50',
    );
  });

  it('names an operation FACTS.md does not list, and reports an assumed error status as an assumption, not a pass', () => {
    expect(render.check(exchange({ method: 'GET', path: `/v1/jobs/${UUID}/logs` })).violations).toEqual([
      `GET /v1/jobs/${UUID}/logs: no such operation in in-code OpenAPI 3.1 from render-dispersed/FACTS.md`,
    ]);
    const refused = render.check(exchange({ method: 'GET', path: '/v1/jobs', status: 401, responseBody: { error: 'Unauthorized' } }));
    expect(refused.violations).toEqual([]);
    expect(refused.assumptions[0]).toMatch(/401 is not documented .*assumed/);
    // An error status with no assumption behind it stays a violation.
    expect(render.check(exchange({ method: 'GET', path: '/v1/compute/offers', status: 404, responseBody: {} })).violations).toHaveLength(1);
  });
});
