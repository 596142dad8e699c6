// The registry-login fields each adapter sends for a private image, checked against the
// provider's published description: the shape the adapter builds passes, a deliberately
// wrong one is caught (so a green contract run covers these fields, not just their absence).
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../src/core/provider.js';
import { buildJobBody, encodeOfferId } from '../../src/providers/render/job-body.js';
import { imageLoginFor } from '../../src/providers/vastai/image-login.js';
import type { Exchange } from './contract.js';
import { gcpBatchContract } from './providers/gcp-batch.js';
import { ionetContract } from './providers/ionet.js';
import { renderContract } from './providers/render.js';
import { runpodContract } from './providers/runpod.js';
import { vastaiContract } from './providers/vastai.js';

const ex = (provider: string, e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider, query: [], status: 200, injected: false, ...e,
});
const login = { username: 'bot', password: 'pw-1', server: 'ghcr.io' };

describe('registry-login fields against the published specs', () => {
  it('vastai createInstance: image_login is a string; an object is caught', () => {
    const vast = vastaiContract();
    const body = { image: 'ghcr.io/acme/x:1', label: 'switchyard-a1', runtype: 'args', args: ['true'] };
    const ok = vast.check(ex('vastai', { method: 'PUT', path: '/api/v0/asks/1001/', requestBody: { ...body, image_login: imageLoginFor(login, 'ghcr.io/acme/x:1') } }));
    expect(ok.violations).toEqual([]);
    const wrong = vast.check(ex('vastai', { method: 'PUT', path: '/api/v0/asks/1001/', requestBody: { ...body, image_login: login } }));
    expect(wrong.violations).toContain('PUT /api/v0/asks/{id} request body/image_login must be string');
  });

  it('ionet deploy: registry_config.registry_username / registry_secret pass; a made-up registry_password is caught', () => {
    const io = ionetContract();
    const deploy = {
      resource_private_name: 'switchyard-a1', duration_hours: 1, gpus_per_container: 1, hardware_id: 201, location_ids: [1],
      container_config: { replica_count: 1, traffic_port: 8080 },
      registry_config: { image_url: 'ghcr.io/acme/x:1', registry_username: 'bot', registry_secret: 'pw-1' },
    };
    const path = '/enterprise/v1/io-cloud/caas/deploy';
    expect(io.check(ex('ionet', { method: 'POST', path, requestBody: deploy })).violations).toEqual([]);
    const wrong = { ...deploy, registry_config: { image_url: 'ghcr.io/acme/x:1', registry_username: 'bot', registry_password: 'pw-1' } };
    expect(io.check(ex('ionet', { method: 'POST', path, requestBody: wrong })).violations.some((v) => v.includes('registry_password'))).toBe(true);
  });

  it('runpod: createRegistry takes {name, username, password}; a Pod names it in `registry` (a string)', () => {
    const rp = runpodContract();
    const created = rp.check(ex('runpod', { method: 'POST', path: '/v2/registries', status: 201, requestBody: { name: 'switchyard-a1', username: 'bot', password: 'pw-1' }, responseBody: { id: 'reg_1', name: 'switchyard-a1' } }));
    expect(created).toMatchObject({ operation: 'POST /v2/registries', violations: [] });
    const noPassword = rp.check(ex('runpod', { method: 'POST', path: '/v2/registries', status: 201, requestBody: { name: 'switchyard-a1', username: 'bot' } }));
    expect(noPassword.violations.some((v) => v.includes('password'))).toBe(true);
    const pod = { name: 'switchyard-a1', image: 'ghcr.io/acme/x:1', cloud: 'SECURE', gpu: { id: 'NVIDIA H100 80GB HBM3', count: 1 }, disk: 50 };
    expect(rp.check(ex('runpod', { method: 'POST', path: '/v2/pods', status: 201, requestBody: { ...pod, registry: 'reg_1' } })).violations).toEqual([]);
    const inline = rp.check(ex('runpod', { method: 'POST', path: '/v2/pods', status: 201, requestBody: { ...pod, registry: login } }));
    expect(inline.violations.some((v) => v.includes('/registry must be'))).toBe(true);
    expect(rp.check(ex('runpod', { method: 'DELETE', path: '/v2/registries/reg_1', status: 204 })).operation).toBe('DELETE /v2/registries/{id}');
  });

  it('gcp-batch: Container.username / password are strings; a number is caught', () => {
    const gcp = gcpBatchContract();
    const job = (container: Record<string, unknown>) => ({
      taskGroups: [{ taskCount: '1', taskSpec: { runnables: [{ container: { imageUri: 'ghcr.io/acme/x:1', ...container } }] } }],
    });
    const path = '/v1/projects/acme/locations/us-central1/jobs';
    expect(gcp.check(ex('gcp-batch', { method: 'POST', path, requestBody: job({ username: 'bot', password: 'pw-1' }) })).violations).toEqual([]);
    const wrong = gcp.check(ex('gcp-batch', { method: 'POST', path, requestBody: job({ username: 'bot', password: 1234 }) }));
    expect(wrong.violations.some((v) => v.includes('/container/password must be string'))).toBe(true);
  });

  it('render: the adapter body with host / user / secret passes; a numeric secret is caught', () => {
    const render = renderContract();
    const offer: Offer = { provider: 'render', offerId: encodeOfferId('o-1', undefined), gpuModel: 'RTX4090', gpuCount: 1, vramGb: 24, pricePerGpuHourUsd: 0.4, expectedStartSeconds: 180 };
    const body = buildJobBody(
      { attemptId: 'a1', jobId: 'j1', offer, image: 'ghcr.io/acme/runner:1', command: ['echo'], env: {}, maxDurationSeconds: 60, imageCredentials: login },
      { title: 'switchyard-a1', commandImages: ['ghcr.io/acme/runner'], minStorageGb: 20, runGraceSeconds: 300 },
    );
    expect(body.parameters.parameters).toMatchObject({ host: 'ghcr.io', user: 'bot', secret: 'pw-1' });
    const answer = { status: 201, responseBody: { uuid: '6f1c5a52-6d9e-4c1e-9f5e-2a7f3c1d8b90', status: 'PENDING' } };
    expect(render.check(ex('render', { method: 'POST', path: '/v1/jobs', requestBody: body, ...answer })).violations).toEqual([]);
    const wrong = { ...body, parameters: { ...body.parameters, parameters: { ...body.parameters.parameters, secret: 5 } } };
    expect(render.check(ex('render', { method: 'POST', path: '/v1/jobs', requestBody: wrong, ...answer })).violations.some((v) => v.includes('secret'))).toBe(true);
  });
});
