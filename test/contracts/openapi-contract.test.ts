// The contract checker itself: it must catch what the providers' published APIs forbid,
// or the per-provider figures from `npm run test:contracts` mean nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange } from './contract.js';
import { ionetContract } from './providers/ionet.js';
import { vastaiContract } from './providers/vastai.js';
import { CONTRACTS } from './registry.js';
import { readRecordings, summarise } from './report.js';
import { readSpec, SpecsMissingError } from './spec-files.js';

const exchange = (e: Partial<Exchange> & Pick<Exchange, 'method' | 'path'>): Exchange => ({
  provider: 'test',
  query: [],
  status: 200,
  injected: false,
  ...e,
});

const validDeploy = {
  resource_private_name: 'sy-job1-a1',
  duration_hours: 1,
  gpus_per_container: 1,
  hardware_id: 206,
  location_ids: [1],
  container_config: { replica_count: 1, traffic_port: 8080, entrypoint: ['sh'], args: ['-c', 'echo hi'] },
  registry_config: { image_url: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime' },
};

describe('the OpenAPI contract checker', () => {
  const ionet = ionetContract();

  it('accepts an io.net deploy body shaped as CaaSDeployClusterRequest', () => {
    const result = ionet.check(exchange({ method: 'POST', path: '/enterprise/v1/io-cloud/caas/deploy', requestBody: validDeploy }));
    expect(result.operation).toBe('POST /enterprise/v1/io-cloud/caas/deploy');
    expect(result.violations).toEqual([]);
  });

  it('rejects a deliberately wrong field: the old flat deploy body', () => {
    const { container_config: _c, ...flat } = validDeploy;
    const result = ionet.check(
      exchange({ method: 'POST', path: '/enterprise/v1/io-cloud/caas/deploy', requestBody: { ...flat, image_url: 'pytorch/pytorch' } }),
    );
    expect(result.violations).toContain(
      'POST /enterprise/v1/io-cloud/caas/deploy request body must NOT have additional properties ("image_url")',
    );
    expect(result.violations.some((v) => v.includes("required property 'container_config'"))).toBe(true);
  });

  it('names the path of an operation the spec lacks', () => {
    const result = vastaiContract().check(exchange({ method: 'GET', path: '/api/v0/instances/' }));
    expect(result.operation).toBeUndefined();
    expect(result.violations).toEqual(['GET /api/v0/instances/: no such operation in vastai/api-reference/openapi.yaml']);
  });

  it('matches Vast paths with or without the trailing slash the spec omits', () => {
    const vast = vastaiContract();
    expect(vast.check(exchange({ method: 'GET', path: '/api/v1/instances/', responseBody: { instances: [] } })).operation).toBe(
      'GET /api/v1/instances',
    );
  });

  it('flags query parameters the spec does not list, and undocumented statuses', () => {
    const result = ionet.check(
      exchange({ method: 'GET', path: '/enterprise/v1/io-cloud/caas/deployments', query: [['made_up', '1']], status: 418 }),
    );
    expect(result.violations).toContain('GET /enterprise/v1/io-cloud/caas/deployments query parameter made_up is not in the spec');
    expect(result.violations.some((v) => v.includes('response status 418 is not documented'))).toBe(true);
  });

  it('does not count an injected fault with an undocumented status as a violation, but reports it', () => {
    const result = ionet.check(exchange({ method: 'GET', path: '/enterprise/v1/io-cloud/caas/deployments', status: 503, injected: true }));
    expect(result.violations).toEqual([]);
    expect(result.undocumentedInjected).toBe(true);
  });

  it('coerces typed query values before validating them', () => {
    const ok = ionet.check(exchange({ method: 'GET', path: '/enterprise/v1/io-cloud/caas/deployments', query: [['page', '2']] }));
    expect(ok.violations).toEqual([]);
    const bad = ionet.check(exchange({ method: 'GET', path: '/enterprise/v1/io-cloud/caas/deployments', query: [['page', 'two']] }));
    expect(bad.violations.some((v) => v.includes('query parameter page must be integer'))).toBe(true);
  });
});

describe('the contract report', () => {
  it('fails a provider whose adapter tests recorded no traffic', () => {
    const [summary] = summarise({ ionet: CONTRACTS.ionet! }, []);
    expect(summary!.violations).toEqual(['no traffic was recorded for ionet: its adapter tests did not reach the fake']);
  });

  it('reads recordings written as JSON lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    const e = exchange({ provider: 'ionet', method: 'GET', path: '/enterprise/v1/io-cloud/caas/deployments' });
    writeFileSync(join(dir, 'exchanges-1.jsonl'), `${JSON.stringify(e)}\n${JSON.stringify(e)}\n`);
    const [summary] = summarise({ ionet: CONTRACTS.ionet! }, readRecordings(dir));
    expect(summary).toMatchObject({ messages: 4, operations: ['GET /enterprise/v1/io-cloud/caas/deployments'], violations: [] });
  });
});

describe('the specs folder', () => {
  it('says plainly where it looked when ../shared/provider-specs is missing', () => {
    const before = process.env.SWITCHYARD_PROVIDER_SPECS;
    process.env.SWITCHYARD_PROVIDER_SPECS = join(tmpdir(), 'no-such-provider-specs');
    try {
      expect(() => readSpec('ionet/openapi/full/IO_Explorer__IO_CLouds.json')).toThrow(SpecsMissingError);
      expect(() => readSpec('ionet/openapi/full/IO_Explorer__IO_CLouds.json')).toThrow(/no-such-provider-specs.*never copied into the project/);
    } finally {
      if (before === undefined) delete process.env.SWITCHYARD_PROVIDER_SPECS;
      else process.env.SWITCHYARD_PROVIDER_SPECS = before;
    }
  });
});
