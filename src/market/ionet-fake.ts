// Fake io.net IO Cloud CaaS API over a seeded market. Endpoints and bodies follow
// src/providers/ionet (see its header for which parts are documented and which are
// inferred): x-api-key auth; FastAPI-style errors {detail}; 422 {detail:[{loc,msg,type}]}
// for missing fields and for a container_config wrapper (extra_forbidden, as the update
// docs describe); unique resource_private_name (409 on reuse).
//
// Prices (USD per GPU-hour): io.net's own price list was not in the sources we could
// read, so the "long-tail provider" tier of mercatus-ai.com/blog/cloud-gpu-pricing
// (May 2026, read 2026-11-29: A100 80GB $0.80-1.10, H100 SXM $1.99-2.50) stands in;
// the RTX 4090 figure is an assumption. Start delays in real runs are 30-120 s per
// io.net's FAQ (io.net/p/faq-how-long-does-it-take-to-spin-up-a-gpu-on-io-net).
import {
  Inventory,
  createScenario,
  phaseAt,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type GpuSupply,
  type Host,
  type Scenario,
  type ScenarioOptions,
  type Workload,
} from './shared/index.js';

export const IONET_HARDWARE = [
  { hardwareId: 201, model: 'H100', vramGb: 80 },
  { hardwareId: 101, model: 'A100-80GB', vramGb: 80 },
  { hardwareId: 301, model: 'RTX4090', vramGb: 24 },
];

export const IONET_DEFAULT_SUPPLY: GpuSupply[] = [
  { model: 'H100', vramGb: 80, machines: 3, gpusPerMachine: 8, pricePerGpuHourUsd: 2.2, regions: ['US', 'DE'] },
  { model: 'A100-80GB', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 1.0, regions: ['US'] },
  { model: 'RTX4090', vramGb: 24, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 0.45, regions: ['SG'] },
];

const LOCATIONS: Record<string, { id: number; name: string }> = {
  US: { id: 1, name: 'United States' },
  DE: { id: 2, name: 'Germany' },
  SG: { id: 3, name: 'Singapore' },
};

interface Deployment {
  id: string;
  name: string;
  host: Host;
  workload: Workload;
  createdAt: number;
  destroyed: boolean;
  body: Record<string, unknown>;
}

export interface IoNetFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  deployments(): Array<{ id: string; name: string; destroyed: boolean; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const detail = (status: number, msg: string): FakeResponse => ({ status, body: { detail: msg } });
const missing = (field: string, type = 'missing', msg = 'Field required'): FakeResponse => ({
  status: 422,
  body: { detail: [{ loc: ['body', field], msg, type }] },
});
const REQUIRED = ['resource_private_name', 'duration_hours', 'gpus_per_container', 'hardware_id', 'location_ids', 'image_url', 'replica_count', 'entrypoint', 'traffic_port'];

export const startIoNetFake = async (options: { seed: number; scenario?: ScenarioOptions; apiKey?: string }): Promise<IoNetFake> => {
  const scenario = createScenario(options.seed, options.scenario ?? {}, IONET_DEFAULT_SUPPLY);
  const apiKey = options.apiKey ?? 'ionet-test-key';
  const inventory = new Inventory(scenario);
  const all = new Map<string, Deployment>();
  const hwOf = (id: number) => IONET_HARDWARE.find((h) => h.hardwareId === id);
  const uuid = () =>
    Array.from({ length: 32 }, () => scenario.rng.int(0, 15).toString(16)).join('').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const freeFor = (hardwareId: number, qty: number, locationId?: number) => {
    const hw = hwOf(hardwareId);
    return inventory.free((h) => !!hw && h.model === hw.model && h.gpus >= qty && (locationId === undefined || LOCATIONS[h.region]?.id === locationId));
  };

  const view = (d: Deployment) => {
    const p = phaseAt(d.workload, scenario.now());
    const status = d.destroyed ? 'destroyed' : p.phase === 'provisioning' || p.phase === 'starting' ? 'deploying' : p.phase === 'running' ? 'running' : p.phase === 'lost' ? 'destroyed' : p.exitCode === 0 ? 'completed' : 'failed';
    return {
      id: d.id,
      resource_private_name: d.name,
      status,
      status_reason: p.phase === 'lost' && !d.destroyed ? 'worker node went offline' : null,
      created_at: new Date(d.createdAt).toISOString(),
      hardware_id: d.body.hardware_id,
      total_gpus: d.host.gpus,
      brand_name: 'NVIDIA',
      locations: [{ id: LOCATIONS[d.host.region]?.id, iso2: d.host.region, name: LOCATIONS[d.host.region]?.name }],
    };
  };

  const deploy = (req: FakeRequest): FakeResponse => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if ('container_config' in body) return missing('container_config', 'extra_forbidden', 'Extra inputs are not permitted');
    for (const f of REQUIRED) if (body[f] === undefined) return missing(f);
    const name = String(body.resource_private_name);
    if ([...all.values()].some((d) => d.name === name)) return detail(409, `resource_private_name ${name} already exists`);
    const locs = body.location_ids as number[];
    const plan = scenario.takeLaunchPlan();
    const host = plan.kind === 'refuse' ? undefined : freeFor(Number(body.hardware_id), Number(body.gpus_per_container), locs[0])[0];
    if (!host) return detail(400, 'No available replicas for the selected hardware and location');
    const id = uuid();
    inventory.rent(host.id, id);
    all.set(id, { id, name, host, body, createdAt: scenario.now(), destroyed: false, workload: { acceptedAt: scenario.now(), plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs } });
    return { status: 200, body: { status: 'success', deployment_id: id } };
  };

  const server = await startFakeServer({
    provider: 'ionet',
    scenario,
    errorBody: (status, message) => ({ detail: status === 429 ? 'Too many requests' : message }),
    authenticate: (req) => (req.headers['x-api-key'] === apiKey && !scenario.authRevoked ? undefined : detail(401, 'Invalid API key')),
    routes: [
      {
        method: 'GET',
        pattern: '/enterprise/v1/io-cloud/caas/available-replicas',
        handle: (req) => {
          const hw = Number(req.query.get('hardware_id'));
          const qty = Number(req.query.get('hardware_qty'));
          if (!hw || !qty) return missing('hardware_id');
          const data = Object.entries(LOCATIONS).map(([iso2, loc]) => ({
            location_id: loc.id,
            location_name: loc.name,
            iso2,
            available_replicas: freeFor(hw, qty, loc.id).length,
          }));
          return { status: 200, body: { data } };
        },
      },
      {
        method: 'GET',
        pattern: '/enterprise/v1/io-cloud/caas/price',
        handle: (req) => {
          for (const f of ['location_ids', 'hardware_id', 'duration_hours', 'gpus_per_container', 'replica_count']) if (!req.query.get(f)) return missing(f);
          const locs = JSON.parse(req.query.get('location_ids')!) as number[];
          const gpus = Number(req.query.get('gpus_per_container'));
          const hosts = freeFor(Number(req.query.get('hardware_id')), gpus, locs[0]).sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
          if (!hosts[0]) return detail(400, 'No available replicas for the selected hardware and location');
          const total = hosts[0].pricePerGpuHourUsd * gpus * Number(req.query.get('duration_hours')) * Number(req.query.get('replica_count'));
          return { status: 200, body: { data: { replica_count: Number(req.query.get('replica_count')), gpus_per_container: gpus, total_cost_usdc: Math.round(total * 10_000) / 10_000 } } };
        },
      },
      { method: 'POST', pattern: '/enterprise/v1/io-cloud/caas/deploy', handle: deploy },
      {
        method: 'GET',
        pattern: '/enterprise/v1/io-cloud/caas/deployments',
        handle: () => ({ status: 200, body: { data: { total: all.size, deployments: [...all.values()].map(view) } } }),
      },
      {
        method: 'GET',
        pattern: '/enterprise/v1/io-cloud/caas/deployment/:id',
        handle: (req) => {
          const d = all.get(req.params.id!);
          return d ? { status: 200, body: { data: view(d) } } : detail(404, 'Deployment not found');
        },
      },
      {
        method: 'DELETE',
        pattern: '/enterprise/v1/io-cloud/caas/deployment/:id',
        handle: (req) => {
          const d = all.get(req.params.id!);
          if (!d || d.destroyed) return detail(404, 'Deployment not found');
          d.destroyed = true;
          inventory.release(d.id);
          return { status: 200, body: { status: 'success', deployment_id: d.id } };
        },
      },
    ],
  });

  return {
    url: server.url,
    scenario,
    apiKey,
    deployments: () => [...all.values()].map((d) => ({ id: d.id, name: d.name, destroyed: d.destroyed, body: d.body })),
    close: server.close,
  };
};
