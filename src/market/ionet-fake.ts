// Fake io.net IO Cloud CaaS API over a seeded market, serving the operations of the full
// published OpenAPI file (ionet-official/docs openapi/full/IO_Explorer__IO_CLouds.json) that
// Switchyard uses, with their response schemas, and nothing else:
//   GET    …/caas/available-replicas  {data: [ReplicasPerLocation {id, iso2, name, available_replicas}]}
//   GET    …/caas/price               {data: GetCaasPriceData {…, total_cost_usdc}}
//   POST   …/caas/deploy              CaaSDeployClusterRequest checked in ionet-deploy.ts -> SuccessResponse
//   GET    …/caas/deployments         {data: {deployments: [DeploymentData], total, statuses}}, page/page_size/status
//   GET    …/caas/deployment/{id}     {data: DeploymentDetails}; 404 (no body, as documented) when unknown
//   DELETE …/caas/deployment/{id}     SuccessResponse; 404 when unknown or already destroyed
// Statuses are CaaSResourceStatus values. A deployment runs its container for the prepaid
// duration_hours: a container that ends first is "completed" (exit 0) or "failed"; one
// still running when the time is up is "completed" with no compute minutes left. A lost
// node reads "destroyed". Not in the spec, so chosen here (and marked in the contract):
// 401 {detail} for a bad key; a 422 value_error for no capacity and for a reused name.
//
// Prices (USD per GPU-hour): io.net's own price list was not in the sources we could
// read, so the "long-tail provider" tier of mercatus-ai.com/blog/cloud-gpu-pricing
// (May 2026, read 2026-11-29: A100 80GB $0.80-1.10, H100 SXM $1.99-2.50) stands in;
// the RTX 4090 figure is an assumption. Start delays in real runs are 30-120 s per
// io.net's FAQ (io.net/p/faq-how-long-does-it-take-to-spin-up-a-gpu-on-io-net).
import { pullRefusal, type PrivateRegistry } from './shared/registry-auth.js';
import { deployBodyProblems, refusal } from './ionet-deploy.js';
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
const STATUSES = ['running', 'completed', 'failed', 'deployment requested', 'termination requested', 'destroyed'];
const HOUR_MS = 3_600_000;

type Json = Record<string, unknown>;

interface Deployment {
  id: string;
  name: string;
  host: Host;
  gpus: number;
  durationHours: number;
  workload: Workload;
  createdAt: number;
  destroyedAt?: number;
  body: Json;
}

export interface IoNetFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  deployments(): Array<{ id: string; name: string; destroyed: boolean; body: Json }>;
  /** The platform hands a deployment id to another workload (tests of the ownership check). */
  reassign(deploymentId: string, attemptId: string): void;
  close(): Promise<void>;
}

const detail = (status: number, msg: string): FakeResponse => ({ status, body: { detail: msg } });
const NOT_FOUND: FakeResponse = { status: 404 };
const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export const startIoNetFake = async (options: {
  seed: number;
  scenario?: ScenarioOptions;
  apiKey?: string;
  /** A registry whose images need registry_config.registry_username / registry_secret. */
  privateRegistry?: PrivateRegistry;
}): Promise<IoNetFake> => {
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

  /** Where a deployment is now: its status and when it stopped serving (if it has). */
  const stateOf = (d: Deployment, now: number): { status: string; startedAt?: number; endedAt?: number } => {
    const w = d.workload;
    const startedAt = now - w.acceptedAt >= w.startDelayMs ? w.acceptedAt + w.startDelayMs : undefined;
    const expiry = d.createdAt + d.durationHours * HOUR_MS;
    const p = phaseAt(w, Math.min(now, expiry));
    if (d.destroyedAt !== undefined && d.destroyedAt <= now) return { status: 'destroyed', startedAt, endedAt: d.destroyedAt };
    if (p.phase === 'exited') return { status: p.exitCode === 0 ? 'completed' : 'failed', startedAt, endedAt: w.acceptedAt + w.startDelayMs + w.runMs };
    if (p.phase === 'lost') return { status: 'destroyed', startedAt, endedAt: w.acceptedAt + w.startDelayMs + (w.plan.kind === 'lost' ? w.plan.afterMs : 0) };
    if (now >= expiry) return { status: 'completed', startedAt, endedAt: expiry };
    return { status: p.phase === 'running' ? 'running' : 'deployment requested', startedAt };
  };

  /** Reads a deployment, giving its machine back to the market once it has stopped. */
  const read = (d: Deployment) => {
    const now = scenario.now();
    const s = stateOf(d, now);
    if (s.endedAt !== undefined) inventory.release(d.id);
    const totalMinutes = d.durationHours * 60;
    const served = s.startedAt === undefined ? 0 : Math.floor(((s.endedAt ?? now) - s.startedAt) / 60_000);
    const expired = s.endedAt !== undefined && s.endedAt >= d.createdAt + d.durationHours * HOUR_MS;
    const remaining = expired ? 0 : Math.max(1, totalMinutes - served);
    return { ...s, served, remaining, percent: round4(Math.min(100, (100 * (totalMinutes - remaining)) / totalMinutes)) };
  };

  const row = (d: Deployment) => {
    const r = read(d);
    return {
      id: d.id,
      status: r.status,
      name: d.name,
      completed_percent: r.percent,
      hardware_quantity: d.gpus,
      brand_name: 'NVIDIA',
      hardware_name: d.host.model,
      compute_minutes_served: r.served,
      compute_minutes_remaining: r.remaining,
    };
  };

  const details = (d: Deployment) => {
    const r = read(d);
    const cc = (d.body.container_config ?? {}) as Json;
    const rc = (d.body.registry_config ?? {}) as Json;
    const loc = LOCATIONS[d.host.region]!;
    return {
      ...row(d),
      created_at: iso(d.createdAt),
      started_at: iso(r.startedAt),
      finished_at: iso(r.endedAt),
      amount_paid: round4(d.host.pricePerGpuHourUsd * d.gpus * d.durationHours),
      total_gpus: d.gpus,
      gpus_per_container: d.gpus,
      total_containers: 1,
      hardware_id: Number(d.body.hardware_id),
      locations: [{ id: loc.id, iso2: d.host.region, name: loc.name }],
      container_config: {
        entrypoint: (cc.entrypoint as string[] | undefined) ?? null,
        env_variables: (cc.env_variables as Json | undefined) ?? null,
        traffic_port: Number(cc.traffic_port),
        image_url: String(rc.image_url),
        secret_env_keys: Object.keys((cc.secret_env_variables as Json | undefined) ?? {}),
      },
    };
  };

  const deploy = (req: FakeRequest): FakeResponse => {
    const invalid = deployBodyProblems(req.body);
    if (invalid) return invalid;
    const body = req.body as Json;
    const rc = body.registry_config as Json;
    const login = typeof rc.registry_username === 'string' && typeof rc.registry_secret === 'string' ? { username: rc.registry_username, password: rc.registry_secret } : undefined;
    const denied = pullRefusal(options.privateRegistry, String(rc.image_url), login);
    if (denied) return refusal('registry_config', denied);
    const name = String(body.resource_private_name);
    if ([...all.values()].some((d) => d.name === name)) return refusal('resource_private_name', `Value error, resource_private_name ${name} already exists`);
    const locs = (body.location_ids as number[] | null | undefined) ?? undefined;
    const gpus = Number(body.gpus_per_container);
    const plan = scenario.takeLaunchPlan();
    const host = plan.kind === 'refuse' ? undefined : freeFor(Number(body.hardware_id), gpus, locs?.[0])[0];
    if (!host) return refusal('location_ids', 'Value error, no available replicas for the selected hardware and location');
    const id = uuid();
    inventory.rent(host.id, id);
    const now = scenario.now();
    const durationHours = typeof body.duration_hours === 'number' ? body.duration_hours : 1;
    all.set(id, { id, name, host, gpus, durationHours, body, createdAt: now, workload: { acceptedAt: now, plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs } });
    return { status: 200, body: { status: 'success', deployment_id: id } };
  };

  const list = (req: FakeRequest): FakeResponse => {
    const page = Number(req.query.get('page') ?? 0);
    const size = Number(req.query.get('page_size') ?? 10);
    const status = req.query.get('status');
    if (!Number.isInteger(page) || page < 0) return refusal('page', 'Input should be a valid integer');
    if (!Number.isInteger(size) || size < 1 || size > 100) return refusal('page_size', 'Input should be less than or equal to 100');
    if (status !== null && !STATUSES.includes(status)) return refusal('status', `Input should be ${STATUSES.map((s) => `'${s}'`).join(', ')}`);
    const rows = [...all.values()].map(row).filter((r) => status === null || r.status === status);
    return {
      status: 200,
      body: { data: { deployments: rows.slice(page * size, (page + 1) * size), total: rows.length, statuses: [...new Set(rows.map((r) => r.status))] } },
    };
  };

  const price = (req: FakeRequest): FakeResponse => {
    for (const f of ['location_ids', 'hardware_id', 'duration_hours', 'gpus_per_container', 'replica_count']) {
      if (!req.query.get(f)) return { status: 422, body: { detail: [{ loc: ['query', f], msg: 'Field required', type: 'missing' }] } };
    }
    let locs: number[];
    try {
      locs = JSON.parse(req.query.get('location_ids')!) as number[];
    } catch {
      return refusal('location_ids', 'list of ids in a form of json array');
    }
    const gpus = Number(req.query.get('gpus_per_container'));
    const replicas = Number(req.query.get('replica_count'));
    const hosts = freeFor(Number(req.query.get('hardware_id')), gpus, locs[0]).sort((a, b) => a.pricePerGpuHourUsd - b.pricePerGpuHourUsd);
    if (!hosts[0]) return refusal('location_ids', 'Value error, no available replicas for the selected hardware and location');
    const total = hosts[0].pricePerGpuHourUsd * gpus * Number(req.query.get('duration_hours')) * replicas;
    const data = {
      replica_count: replicas,
      gpus_per_container: gpus,
      available_replica_count: [hosts.length],
      discount: 0,
      ionet_fee: 0,
      ionet_fee_percent: 0,
      currency_conversion_fee: 0,
      currency_conversion_fee_percent: 0,
      total_cost_usdc: round4(total),
    };
    return { status: 200, body: { data } };
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
          if (!Number.isInteger(hw) || !Number.isInteger(qty) || qty < 1) {
            return { status: 422, body: { detail: [{ loc: ['query', 'hardware_qty'], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' }] } };
          }
          const data = Object.entries(LOCATIONS).map(([iso2, loc]) => ({ id: loc.id, iso2, name: loc.name, available_replicas: freeFor(hw, qty, loc.id).length }));
          return { status: 200, body: { data } };
        },
      },
      { method: 'GET', pattern: '/enterprise/v1/io-cloud/caas/price', handle: price },
      { method: 'POST', pattern: '/enterprise/v1/io-cloud/caas/deploy', handle: deploy },
      { method: 'GET', pattern: '/enterprise/v1/io-cloud/caas/deployments', handle: list },
      {
        method: 'GET',
        pattern: '/enterprise/v1/io-cloud/caas/deployment/:id',
        handle: (req) => {
          const d = all.get(req.params.id!);
          return d ? { status: 200, body: { data: details(d) } } : NOT_FOUND;
        },
      },
      {
        method: 'DELETE',
        pattern: '/enterprise/v1/io-cloud/caas/deployment/:id',
        handle: (req) => {
          const d = all.get(req.params.id!);
          if (!d || read(d).status === 'destroyed') return NOT_FOUND;
          d.destroyedAt = scenario.now();
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
    deployments: () => [...all.values()].map((d) => ({ id: d.id, name: d.name, destroyed: d.destroyedAt !== undefined, body: d.body })),
    reassign: (deploymentId, attemptId) => {
      const cc = all.get(deploymentId)?.body.container_config as Json | undefined;
      if (cc) cc.env_variables = { ...((cc.env_variables as Json | undefined) ?? {}), SWITCHYARD_ATTEMPT_ID: attemptId };
    },
    close: server.close,
  };
};
