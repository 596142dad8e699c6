// io.net's contract catches what the full published OpenAPI file forbids, on the fields
// issue 9 named: the nested deploy body, `args` minItems, `id` and `name` in responses.
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { ionetContract } from './providers/ionet.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'ionet',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const CAAS = '/enterprise/v1/io-cloud/caas';
const deploy = {
  resource_private_name: 'switchyard-a1',
  duration_hours: 1,
  gpus_per_container: 8,
  hardware_id: 201,
  location_ids: [1],
  container_config: { replica_count: 1, traffic_port: 8080, entrypoint: ['sh', '-c', 'exec "$@"', 'switchyard-agent', 'python'], env_variables: { A: '1' } },
  registry_config: { image_url: 'ghcr.io/acme/train:1' },
};

describe('the io.net contract', () => {
  const io = ionetContract();

  it('accepts the deploy body the adapter sends; rejects an empty `args` and a flat field', () => {
    expect(io.check(exchange({ method: 'POST', path: `${CAAS}/deploy`, requestBody: deploy })).violations).toEqual([]);
    const emptyArgs = { ...deploy, container_config: { ...deploy.container_config, args: [] } };
    const v = io.check(exchange({ method: 'POST', path: `${CAAS}/deploy`, requestBody: emptyArgs })).violations;
    expect(v.some((x) => x.includes('/container_config/args') && x.includes('fewer than 1 items'))).toBe(true);
    const flat = { ...deploy, container_config: { ...deploy.container_config, image_url: 'x' } };
    expect(io.check(exchange({ method: 'POST', path: `${CAAS}/deploy`, requestBody: flat })).violations).toContain(
      `POST ${CAAS}/deploy request body/container_config must NOT have additional properties ("image_url")`,
    );
  });

  it('rejects available-replicas rows keyed `location_id` instead of `id`', () => {
    const row = { iso2: 'US', name: 'United States', available_replicas: 2 };
    const query: Exchange['query'] = [
      ['hardware_id', '201'],
      ['hardware_qty', '8'],
    ];
    const ok = io.check(exchange({ method: 'GET', path: `${CAAS}/available-replicas`, query, responseBody: { data: [{ ...row, id: 1 }] } }));
    expect(ok.violations).toEqual([]);
    const wrong = io.check(exchange({ method: 'GET', path: `${CAAS}/available-replicas`, query, responseBody: { data: [{ ...row, location_id: 1 }] } }));
    expect(wrong.violations).toContain(`GET ${CAAS}/available-replicas response 200 body/data/0 must have required property 'id'`);
  });

  it('rejects deployment rows that carry resource_private_name but no `name`', () => {
    const row = {
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      status: 'running',
      completed_percent: 0,
      hardware_quantity: 8,
      brand_name: 'NVIDIA',
      hardware_name: 'H100',
      compute_minutes_served: 0,
      compute_minutes_remaining: 60,
    };
    const body = (r: object) => ({ data: { deployments: [r], total: 1, statuses: ['running'] } });
    expect(io.check(exchange({ method: 'GET', path: `${CAAS}/deployments`, responseBody: body({ ...row, name: 'switchyard-a1' }) })).violations).toEqual([]);
    const wrong = io.check(exchange({ method: 'GET', path: `${CAAS}/deployments`, responseBody: body({ ...row, resource_private_name: 'switchyard-a1' }) }));
    expect(wrong.violations).toContain(`GET ${CAAS}/deployments response 200 body/data/deployments/0 must have required property 'name'`);
  });
});
