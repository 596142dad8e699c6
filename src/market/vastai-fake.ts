// Fake Vast.ai: the parts of the REST API Switchyard uses, served from a seeded market.
// Follows the same docs as src/providers/vastai (see there for URLs):
//   POST /api/v0/bundles/ (search offers; filter objects {eq,neq,gt,gte,lt,lte,in,notin},
//        plus limit/order/type), GET /api/v0/bundles/?q=<json>  — public, no auth
//   PUT  /api/v0/asks/{id}/      create instance -> {success, new_contract}
//   GET  /api/v0/instances/      -> {instances_found, instances: [...]}
//   GET  /api/v0/instances/{id}/ -> {instances: {...}} or {instances: null} when unknown
//   DELETE /api/v0/instances/{id}/ -> {success, msg}
// Auth as documented: `Authorization: Bearer <key>` (the older `?api_key=` also works).
// Errors use the documented {success:false, error, msg} shape; 429 uses {detail}. The
// 401 `error` code string is not documented, so "unauthorized" is our choice.
//
// Prices (USD per GPU-hour, on-demand), read 2026-11-29 from public summaries of the
// live market: usagepricing.com/blueprint/vast-ai (rates captured June 2026: RTX 4090
// $0.68-0.88, A100 80GB $1.17-1.21, H100 NVL $2.53) and fairlane.systems/en/wissen/tool-vast-ai
// (May 2026: RTX 3090 from $0.18, H100-80GB $1.85-2.50). Hosts are jittered ±10%.
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
import { matchesVastQuery, orderOffers } from './vastai-query.js';

export const VAST_DEFAULT_SUPPLY: GpuSupply[] = [
  { model: 'RTX 3090', vramGb: 24, machines: 6, gpusPerMachine: 1, pricePerGpuHourUsd: 0.22, regions: ['US', 'PL', 'CA'] },
  { model: 'RTX 4090', vramGb: 24, machines: 6, gpusPerMachine: 1, pricePerGpuHourUsd: 0.75, regions: ['US', 'DE', 'SE'] },
  { model: 'RTX 4090', vramGb: 24, machines: 2, gpusPerMachine: 4, pricePerGpuHourUsd: 0.7, regions: ['US'] },
  { model: 'A100 SXM4', vramGb: 80, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 1.19, regions: ['US', 'NL'] },
  { model: 'H100 SXM', vramGb: 80, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 2.2, regions: ['US', 'FI'] },
  { model: 'H100 SXM', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 2.1, regions: ['US'] },
  { model: 'H100 NVL', vramGb: 94, machines: 2, gpusPerMachine: 1, pricePerGpuHourUsd: 2.53, regions: ['CA'] },
];

export interface VastFakeOptions {
  seed: number;
  scenario?: ScenarioOptions;
  /** The key the fake accepts; tests pass the same to the adapter. */
  apiKey?: string;
}

interface Instance {
  id: number;
  hostId: number;
  label: string;
  image: string;
  env: unknown;
  args: string[];
  workload: Workload;
  startDate: number;
}

export interface VastFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  /** Instances that exist (not destroyed), for assertions. */
  instances(): Array<{ id: number; label: string; image: string; env: unknown; args: string[] }>;
  close(): Promise<void>;
}

const err = (status: number, error: string, msg: string): FakeResponse => ({
  status,
  body: { success: false, error, msg },
});

const offerOf = (h: Host) => ({
  id: h.id,
  ask_contract_id: h.id,
  machine_id: h.id,
  gpu_name: h.model,
  num_gpus: h.gpus,
  gpu_ram: h.vramGb * 1024,
  gpu_total_ram: h.vramGb * 1024 * h.gpus,
  dph_base: Math.round(h.pricePerGpuHourUsd * h.gpus * 10_000) / 10_000,
  dph_total: Math.round(h.pricePerGpuHourUsd * h.gpus * 10_000) / 10_000,
  geolocation: `${h.region === 'US' ? 'Texas' : 'Region'}, ${h.region}`,
  reliability: 0.98,
  verification: 'verified',
  verified: true,
  rentable: true,
  rented: false,
  external: false,
  disk_space: 500,
  cuda_max_good: 12.4,
});

export const startVastFake = async (options: VastFakeOptions): Promise<VastFake> => {
  const scenario = createScenario(options.seed, options.scenario ?? {}, VAST_DEFAULT_SUPPLY);
  const apiKey = options.apiKey ?? 'vast-test-key';
  const inventory = new Inventory(scenario);
  const live = new Map<number, Instance>();
  let nextInstanceId = 7_100_000 + Math.floor(scenario.rng.next() * 1000);

  const search = (query: Record<string, unknown>): FakeResponse => {
    const offers = inventory.free().map(offerOf).filter((o) => matchesVastQuery(o, query));
    const limit = typeof query.limit === 'number' ? query.limit : 64;
    return { status: 200, body: { offers: orderOffers(offers, query.order).slice(0, limit) } };
  };

  const view = (inst: Instance) => {
    const host = inventory.get(inst.hostId)!;
    const p = phaseAt(inst.workload, scenario.now());
    // Status words from the documented actual_status table.
    const actual =
      p.phase === 'provisioning' ? null : p.phase === 'starting' ? 'loading' : p.phase === 'running' ? 'running' : p.phase === 'exited' ? 'exited' : 'offline';
    const statusMsg =
      p.phase === 'exited'
        ? `Exited (${p.exitCode})`
        : p.phase === 'lost'
          ? 'Host machine disconnected'
          : p.phase === 'running'
            ? `success, running ${inst.image}`
            : 'Pulling image';
    return {
      id: inst.id,
      label: inst.label,
      image_uuid: inst.image,
      actual_status: actual,
      intended_status: 'running',
      cur_state: 'running',
      status_msg: statusMsg,
      gpu_name: host.model,
      num_gpus: host.gpus,
      gpu_ram: host.vramGb * 1024,
      dph_total: Math.round(host.pricePerGpuHourUsd * host.gpus * 10_000) / 10_000,
      machine_id: host.id,
      geolocation: `${host.region}`,
      start_date: inst.startDate / 1000,
      extra_env: inst.env,
    };
  };

  const create = (req: FakeRequest): FakeResponse => {
    const askId = Number(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(askId)) return err(400, 'invalid_args', "Invalid args: 'id' is required and must be a valid offer ID");
    if (typeof body.image !== 'string' || body.image.length === 0 || body.image.length > 1024) {
      return err(400, 'invalid_args', 'Invalid args: image is required');
    }
    if (typeof body.label === 'string' && body.label.length > 256) return err(400, 'invalid_args', 'label too long');
    const host = inventory.get(askId);
    if (!host || host.rentedBy) return err(404, 'invalid_args', `no_such_ask Instance type by id ${askId} is not available.`);
    const plan = scenario.takeLaunchPlan();
    if (plan.kind === 'refuse') return err(410, 'no_such_ask', `no_such_ask Instance type ${askId} is no longer available.`);
    const id = nextInstanceId++;
    inventory.rent(askId, String(id));
    live.set(id, {
      id,
      hostId: askId,
      label: typeof body.label === 'string' ? body.label : '',
      image: body.image,
      env: body.env,
      args: Array.isArray(body.args) ? body.args.map(String) : [],
      workload: { acceptedAt: scenario.now(), plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
      startDate: scenario.now(),
    });
    return { status: 200, body: { success: true, new_contract: id } };
  };

  const server = await startFakeServer({
    provider: 'vastai',
    scenario,
    errorBody: (status, message) =>
      status === 429 ? { detail: 'API requests too frequent endpoint threshold=4.5' } : { success: false, error: `http_${status}`, msg: message },
    authenticate: (req) => {
      const header = req.headers.authorization;
      const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : req.query.get('api_key');
      if (!key || key !== apiKey || scenario.authRevoked) return err(401, 'unauthorized', 'Invalid or missing API key');
      return undefined;
    },
    routes: [
      { method: 'POST', pattern: '/api/v0/bundles/', public: true, handle: (req) => search((req.body ?? {}) as Record<string, unknown>) },
      {
        method: 'GET',
        pattern: '/api/v0/bundles/',
        public: true,
        handle: (req) => {
          try {
            return search(JSON.parse(req.query.get('q') ?? '{}') as Record<string, unknown>);
          } catch {
            return err(400, 'invalid_args', 'Invalid json body');
          }
        },
      },
      { method: 'PUT', pattern: '/api/v0/asks/:id/', handle: create },
      {
        method: 'GET',
        pattern: '/api/v0/instances/',
        handle: () => {
          const instances = [...live.values()].map(view);
          return { status: 200, body: { instances_found: instances.length, instances } };
        },
      },
      {
        method: 'GET',
        pattern: '/api/v0/instances/:id/',
        handle: (req) => {
          const inst = live.get(Number(req.params.id));
          return { status: 200, body: { instances: inst ? view(inst) : null } };
        },
      },
      {
        method: 'DELETE',
        pattern: '/api/v0/instances/:id/',
        handle: (req) => {
          const id = Number(req.params.id);
          if (!live.has(id)) return err(404, 'no_such_instance', `Instance ${id} not found`);
          live.delete(id);
          inventory.release(String(id));
          return { status: 200, body: { success: true, msg: 'Instance destroyed successfully' } };
        },
      },
    ],
  });

  return {
    url: server.url,
    scenario,
    apiKey,
    instances: () => [...live.values()].map((i) => ({ id: i.id, label: i.label, image: i.image, env: i.env, args: i.args })),
    close: server.close,
  };
};
