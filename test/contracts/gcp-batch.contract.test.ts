// GCP Batch's contract is converted from Google's discovery document; it must still catch
// what the document forbids, and reach every method the adapter calls.
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { gcpBatchContract } from './providers/gcp-batch.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'gcp-batch', query: [], status: 200, injected: false, ...e,
});

const JOBS = '/v1/projects/acme/locations/us-central1/jobs';
const validJob = {
  taskGroups: [{ taskCount: '1', taskSpec: { runnables: [{ container: { imageUri: 'ghcr.io/a/b:1', commands: ['python', 'x.py'] } }], maxRunDuration: '3600s', maxRetryCount: 0 } }],
  allocationPolicy: { instances: [{ policy: { machineType: 'g2-standard-4', accelerators: [{ type: 'nvidia-l4', count: '1' }], provisioningModel: 'STANDARD' }, installGpuDrivers: true }] },
  labels: { 'managed-by': 'switchyard' },
};

describe('the GCP Batch contract (discovery → OpenAPI 3.1)', () => {
  const gcp = gcpBatchContract();

  it('accepts a create whose Job matches the discovery schemas', () => {
    const result = gcp.check(exchange({ method: 'POST', path: JOBS, query: [['jobId', 'sy-abc']], requestBody: validJob }));
    expect(result.operation).toBe('POST /v1/projects/{projectsId}/locations/{locationsId}/jobs');
    expect(result.violations).toEqual([]);
  });

  it('rejects deliberately wrong fields: an unknown Job field, a duration without its unit, an int64 that is no integer', () => {
    const taskSpec = { ...validJob.taskGroups[0]!.taskSpec, maxRunDuration: '3600' };
    const bad = { ...validJob, taskGroups: [{ taskCount: 'one', taskSpec }], priority: '1', entrypoint: 'sh' };
    const violations = gcp.check(exchange({ method: 'POST', path: JOBS, requestBody: bad })).violations;
    expect(violations).toContain('POST /v1/projects/{projectsId}/locations/{locationsId}/jobs request body must NOT have additional properties ("entrypoint")');
    expect(violations.some((v) => v.includes('/taskGroups/0/taskSpec/maxRunDuration must match pattern'))).toBe(true);
    expect(violations.some((v) => v.includes('/taskGroups/0/taskCount must match pattern'))).toBe(true);
  });

  it('knows the new states and jobs.cancel, and rejects a state the document lacks', () => {
    const cancel = gcp.check(exchange({ method: 'POST', path: `${JOBS}/sy-abc:cancel`, requestBody: {}, responseBody: { name: 'op', done: false } }));
    expect(cancel.operation).toBe('POST /v1/projects/{projectsId}/locations/{locationsId}/jobs/{jobsId}:cancel');
    expect(cancel.violations).toEqual([]);
    const get = (state: string) => gcp.check(exchange({ method: 'GET', path: `${JOBS}/sy-abc`, responseBody: { name: 'n', status: { state } } }));
    expect(get('CANCELLED').violations).toEqual([]);
    expect(get('CANCELLATION_IN_PROGRESS').violations).toEqual([]);
    expect(get('STOPPED').violations.some((v) => v.includes('/status/state must be equal to one of the allowed values'))).toBe(true);
  });

  it('checks error bodies against Google\'s error model', () => {
    const ok = gcp.check(exchange({ method: 'GET', path: `${JOBS}/x`, status: 404, responseBody: { error: { code: 404, message: 'Job not found', status: 'NOT_FOUND' } } }));
    expect(ok.violations).toEqual([]);
    const flat = gcp.check(exchange({ method: 'GET', path: `${JOBS}/x`, status: 404, responseBody: { message: 'Job not found' } }));
    expect(flat.violations.length).toBeGreaterThan(0);
  });
});
