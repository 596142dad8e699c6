// Fake Vast.ai: the operations of the published OpenAPI file (vast-ai/docs
// api-reference/openapi.yaml) Switchyard uses, served from a seeded market, and nothing else:
//   POST   /api/v0/bundles/        searchOffers -> {offers: [...]}; filter objects
//          {eq,neq,gt,gte,lt,lte,in,notin}, limit, order; 404 {error, msg: "Invalid user key"}
//          is the operation's documented answer to a bad key
//   PUT    /api/v0/asks/{id}/      createInstance -> {success, new_contract}; 400 invalid_args,
//          403 "Offer … is not your own" (for offers marked host-only), 404/410 no_such_ask
//   GET    /api/v1/instances       showInstances: keyset pages (limit ≤ 25, after_token ->
//          next_token), select_filters on stored columns (id, label, actual_status, …)
//   DELETE /api/v0/instances/{id}/ destroyInstance -> {success, msg}; 404 not_found
// Bearer auth; error bodies {success: false, error, msg} (components/schemas/Error); 429 {detail}.
// Trailing slashes are accepted either way (the spec omits them, the CLI sends them).
//
// Prices (USD per GPU-hour, on-demand), read 2026-11-29 from public summaries of the
// live market: usagepricing.com/blueprint/vast-ai (rates captured June 2026: RTX 4090
// $0.68-0.88, A100 80GB $1.17-1.21, H100 NVL $2.53) and fairlane.systems/en/wissen/tool-vast-ai
// (May 2026: RTX 3090 from $0.18, H100-80GB $1.85-2.50). Hosts are jittered ±10%.
import {
  Inventory,
  createScenario,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type GpuSupply,
  type Host,
  type Route,
  type Scenario,
  type ScenarioOptions,
} from './shared/index.js';
import { parseDockerEnvFlags } from './vastai-env.js';
import { parseDockerLoginArgs, pullRefusal, type PrivateRegistry, type PulledLogin } from './shared/registry-auth.js';
import { listInstances, type FakeInstance } from './vastai-instances.js';
import { matchesVastQuery, orderOffers } from './vastai-query.js';

export const VAST_DEFAULT_SUPPLY: GpuSupply[] = [
  { model: 'RTX 3090', vramGb: 24, machines: 6, gpusPerMachine: 1, pricePerGpuHourUsd: 0.22, regions: ['US', 'PL', 'CA'] },
  { model: 'RTX 4090', vramGb: 24, machines: 6, gpusPerMachine: 1, pricePerGpuHourUsd: 0.75, regions: ['US', 'DE', 'SE'] },
  { model: 'RTX 4090', vramGb: 24, machines: 2, gpusPerMachine: 4, pricePerGpuHourUsd: 0.7, regions: ['US'] },
  { model: 'A100 SXM4', vramGb: 80, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 1.19, regions: ['US', 'NL'] },
  { model: 'A100 SXM', vramGb: 80, machines: 1, gpusPerMachine: 1, pricePerGpuHourUsd: 1.25, regions: ['US'] },
  { model: 'H100 SXM', vramGb: 80, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 2.2, regions: ['US', 'FI'] },
  { model: 'H100 SXM', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 2.1, regions: ['US'] },
  { model: 'H100 NVL', vramGb: 94, machines: 2, gpusPerMachine: 1, pricePerGpuHourUsd: 2.53, regions: ['CA'] },
];

export interface VastFakeOptions {
  seed: number;
  scenario?: ScenarioOptions;
  /** The key the fake accepts; tests pass the same to the adapter. */
  apiKey?: string;
  /** A registry whose images need their login in createInstance's `image_login`. */
  privateRegistry?: PrivateRegistry;
}

export interface VastFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  /** Instances that exist (not destroyed), for assertions; env parsed back from the flag string. */
  instances(): Array<{ id: number; label: string; image: string; env: Record<string, string>; args: string[]; imageLogin?: PulledLogin }>;
  /** Marks an offer as one only its host may rent: createInstance answers the documented 403. */
  hostOnly(offerId: number): void;
  /** The platform gives an instance id to another workload (tests of the ownership check). */
  reassign(instanceId: number, label: string): void;
  close(): Promise<void>;
}

const err = (status: number, error: string, msg: string): FakeResponse => ({
  status,
  body: { success: false, error, msg },
});

/** A per-machine score in [0.90, 0.999], fixed by the host id (the market's hosts differ). */
const reliabilityOf = (h: Host): number => Math.round((0.9 + ((h.id * 37) % 100) / 1010) * 10_000) / 10_000;

const offerOf = (h: Host) => ({
  id: h.id,
  ask_contract_id: h.id,
  machine_id: h.id,
  host_id: 50_000 + h.id,
  gpu_name: h.model,
  num_gpus: h.gpus,
  gpu_ram: h.vramGb * 1024,
  gpu_total_ram: h.vramGb * 1024 * h.gpus,
  dph_base: Math.round(h.pricePerGpuHourUsd * h.gpus * 10_000) / 10_000,
  dph_total: Math.round(h.pricePerGpuHourUsd * h.gpus * 10_000) / 10_000,
  geolocation: `${h.region === 'US' ? 'Texas' : 'Region'}, ${h.region}`,
  reliability: reliabilityOf(h),
  reliability2: reliabilityOf(h),
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
  const live = new Map<number, FakeInstance>();
  const hostOnly = new Set<number>();
  let nextInstanceId = 7_100_000 + Math.floor(scenario.rng.next() * 1000);

  const keyOf = (req: FakeRequest): string | undefined => {
    const header = req.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  };
  const authorized = (req: FakeRequest): boolean => keyOf(req) === apiKey && !scenario.authRevoked;

  const search = (req: FakeRequest): FakeResponse => {
    // searchOffers documents its bad-key answer as 404 "Invalid user key".
    if (!authorized(req)) return err(404, 'auth_error', 'Invalid user key');
    const query = req.body;
    if (!query || typeof query !== 'object' || Array.isArray(query)) return err(400, 'invalid_request', 'Invalid json body');
    const q = query as Record<string, unknown>;
    const offers = inventory.free().map(offerOf).filter((o) => matchesVastQuery(o, q));
    const limit = typeof q.limit === 'number' ? q.limit : 64;
    return { status: 200, body: { offers: orderOffers(offers, q.order).slice(0, limit) } };
  };

  const create = (req: FakeRequest): FakeResponse => {
    const askId = Number(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(askId)) return err(400, 'invalid_args', "Invalid args: 'id' is required and must be a valid offer ID");
    if (typeof body.image !== 'string' || body.image.length === 0 || body.image.length > 1024) {
      return err(400, 'invalid_args', 'Invalid args: image is required');
    }
    if (body.env !== undefined && typeof body.env !== 'string') return err(400, 'invalid_args', 'Invalid args: env must be a string of docker flags');
    if (typeof body.label === 'string' && body.label.length > 1024) return err(400, 'invalid_args', 'label too long');
    // image_login: a string (openapi.yaml); read as `docker login` arguments, as the CLI sends them.
    if (body.image_login !== undefined && typeof body.image_login !== 'string') return err(400, 'invalid_args', 'Invalid args: image_login must be a string');
    const imageLogin = typeof body.image_login === 'string' ? parseDockerLoginArgs(body.image_login) : undefined;
    if (typeof body.image_login === 'string' && !imageLogin) return err(400, 'invalid_args', 'Invalid args: image_login is not docker login arguments');
    const denied = pullRefusal(options.privateRegistry, body.image, imageLogin);
    if (denied) return err(400, 'invalid_args', denied);
    const host = inventory.get(askId);
    if (!host || host.rentedBy) return err(404, 'invalid_args', `no_such_ask Instance type by id ${askId} is not available.`);
    if (hostOnly.has(askId)) return err(403, 'invalid_args', `Offer ${askId} is not your own. Hosts can only rent their own machines.`);
    const plan = scenario.takeLaunchPlan();
    if (plan.kind === 'refuse') return err(410, 'no_such_ask', `no_such_ask Instance type ${askId} is no longer available.`);
    const id = nextInstanceId++;
    inventory.rent(askId, String(id));
    live.set(id, {
      id,
      host,
      label: typeof body.label === 'string' ? body.label : null,
      image: body.image,
      env: parseDockerEnvFlags(typeof body.env === 'string' ? body.env : ''),
      args: Array.isArray(body.args) ? body.args.map(String) : [],
      runtype: typeof body.runtype === 'string' ? body.runtype : 'ssh',
      ...(imageLogin ? { imageLogin } : {}),
      workload: { acceptedAt: scenario.now(), plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
      startDate: scenario.now(),
    });
    return { status: 200, body: { success: true, new_contract: id } };
  };

  const destroy = (req: FakeRequest): FakeResponse => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) return err(400, 'invalid_args', 'invalid instance_id');
    if (!live.has(id)) return err(404, 'not_found', 'Instance not found');
    live.delete(id);
    inventory.release(String(id));
    return { status: 200, body: { success: true, msg: 'Instance destroyed successfully' } };
  };

  // Each v0 route answers with and without the trailing slash.
  const both = (method: string, pattern: string, handle: Route['handle'], isPublic = false): Route[] =>
    [pattern, pattern.replace(/\/$/, '')].map((p) => ({ method, pattern: p, handle, ...(isPublic ? { public: true } : {}) }));

  const server = await startFakeServer({
    provider: 'vastai',
    scenario,
    errorBody: (status, message) =>
      status === 429 ? { detail: 'API requests too frequent endpoint threshold=4.5' } : { success: false, error: `http_${status}`, msg: message },
    authenticate: (req) => (authorized(req) ? undefined : err(401, 'auth_error', 'Invalid user key')),
    routes: [
      // Public at the router: the handler gives the operation's own bad-key answer.
      ...both('POST', '/api/v0/bundles/', search, true),
      ...both('PUT', '/api/v0/asks/:id/', create),
      ...both('GET', '/api/v1/instances/', (req) => listInstances([...live.values()], req.query, scenario.now())),
      ...both('DELETE', '/api/v0/instances/:id/', destroy),
    ],
  });

  return {
    url: server.url,
    scenario,
    apiKey,
    instances: () =>
      [...live.values()].map((i) => ({ id: i.id, label: i.label ?? '', image: i.image, env: Object.fromEntries(i.env), args: i.args, ...(i.imageLogin ? { imageLogin: i.imageLogin } : {}) })),
    hostOnly: (offerId) => void hostOnly.add(offerId),
    reassign: (instanceId, label) => {
      const inst = live.get(instanceId);
      if (inst) inst.label = label;
    },
    close: server.close,
  };
};
