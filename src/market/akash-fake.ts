// Fake Akash Console API (managed wallet) over a seeded market of providers. Reproduces
// the endpoints, bodies and errors the adapter in src/providers/akash follows (see the
// docs list there): x-api-key auth with 401 {error:"Unauthorized", message:"Invalid API
// key"}; {data: …} envelopes; GET /v1/gpu-prices (public); POST/GET/DELETE
// /v1/deployments[/{dseq}]; GET /v1/bids?dseq=; POST /v1/leases; POST
// /v1/deployments/{dseq}/leases/{gseq}/{oseq}/shell-exec.
// Market: each host is a provider (akash1…) that bids, after `bidDelayMs`, on orders its
// GPUs fit, at its own price converted to micro-denom per block (must be ≤ the SDL max,
// as the chain enforces). The leased container starts after startDelayMs, runs runMs,
// then writes its exit file (readable through shell-exec). "lost" closes the lease.
// Not documented, chosen here: closing a closed deployment answers 400; the lease close
// reason string.
//
// Prices (USD per GPU-hour), read 2026-11-29: the Akash console's own H100 fallback
// ("Starting at $1.80/hr", console repo H100PriceStatus) and its /v1/gpu-prices examples
// (H100 min $2.40, avg $3.00). The A100/H200/consumer-card figures are assumptions
// scaled from those and from the Vast.ai sources cited in vastai-fake.ts.
import { readOrder, type AkashOrder } from './akash-order.js';
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

export const AKASH_DEFAULT_SUPPLY: GpuSupply[] = [
  { model: 'h100', vramGb: 80, machines: 4, gpusPerMachine: 8, pricePerGpuHourUsd: 1.9 },
  { model: 'h200', vramGb: 141, machines: 1, gpusPerMachine: 8, pricePerGpuHourUsd: 2.6 },
  { model: 'a100', vramGb: 80, machines: 3, gpusPerMachine: 4, pricePerGpuHourUsd: 1.15 },
  { model: 'rtx4090', vramGb: 24, machines: 4, gpusPerMachine: 2, pricePerGpuHourUsd: 0.42 },
  { model: 'rtx3090', vramGb: 24, machines: 3, gpusPerMachine: 2, pricePerGpuHourUsd: 0.22 },
];

const USDC = 'ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1';

export interface AkashFakeOptions {
  seed: number;
  scenario?: ScenarioOptions;
  apiKey?: string;
  bidDelayMs?: number;
  blocksPerHour?: number;
  /** USD per whole denom unit; bids are priced in the order's denom. */
  usdPerDenom?: Record<string, number>;
}

interface Deployment {
  dseq: string;
  sdl: string;
  order: AkashOrder;
  state: 'active' | 'closed';
  createdAt: number;
  plan: ReturnType<Scenario['takeLaunchPlan']>;
  bids?: Array<{ host: Host; amount: number; state: 'open' | 'active' | 'closed' }>;
  lease?: { host: Host; amount: number; workload: Workload; createdAt: number };
}

export interface AkashFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  owner: string;
  deployments(): Array<{ dseq: string; state: string; leased: boolean; sdl: string }>;
  close(): Promise<void>;
}

const fail = (status: number, error: string, message: string): FakeResponse => ({ status, body: { error, message } });
const iso = (ms: number) => new Date(ms).toISOString();
const CODES: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests' };

export const startAkashFake = async (options: AkashFakeOptions): Promise<AkashFake> => {
  const scenario = createScenario(options.seed, options.scenario ?? {}, AKASH_DEFAULT_SUPPLY);
  const apiKey = options.apiKey ?? 'akash-test-key';
  const owner = 'akash1switchyardfakeowner0000000000000000000';
  const bidDelayMs = options.bidDelayMs ?? 20;
  const blocksPerHour = options.blocksPerHour ?? 3600 / 6.098;
  const usdPerDenom: Record<string, number> = { [USDC]: 1, uusdc: 1, uakt: 1.5, ...options.usdPerDenom };
  const inventory = new Inventory(scenario);
  const providerAddr = (h: Host) => `akash1provider${String(h.id).padStart(6, '0')}`;
  const all = new Map<string, Deployment>();
  let nextDseq = 21_000_000 + scenario.rng.int(0, 99_999);

  const bidsOf = (d: Deployment) => {
    if (d.bids || scenario.now() - d.createdAt < bidDelayMs) return d.bids ?? [];
    const usd = usdPerDenom[d.order.denom];
    d.bids = [];
    if (d.plan.kind === 'refuse' || usd === undefined) return d.bids;
    for (const h of inventory.free((x) => x.model === d.order.gpuModel && x.gpus >= d.order.gpuUnits)) {
      if (d.order.gpuRam && `${h.vramGb}Gi` !== d.order.gpuRam) continue;
      const amount = (h.pricePerGpuHourUsd * d.order.gpuUnits * 1e6) / usd / blocksPerHour;
      if (amount <= d.order.maxAmount) d.bids.push({ host: h, amount, state: 'open' });
    }
    return d.bids;
  };

  const leaseView = (d: Deployment, withStatus: boolean) => {
    if (!d.lease) return [];
    const p = phaseAt(d.lease.workload, scenario.now());
    const closed = d.state === 'closed' || p.phase === 'lost';
    const ready = !closed && (p.phase === 'running' || p.phase === 'exited') ? 1 : 0;
    const svc = { name: d.order.service, available: ready, total: 1, uris: [], observed_generation: 1, replicas: 1, updated_replicas: 1, ready_replicas: ready, available_replicas: ready };
    return [
      {
        id: { owner, dseq: d.dseq, gseq: 1, oseq: 1, provider: providerAddr(d.lease.host), bseq: 0 },
        state: closed ? 'closed' : 'active',
        price: { denom: d.order.denom, amount: d.lease.amount.toFixed(18) },
        created_at: iso(d.lease.createdAt),
        closed_on: closed ? iso(scenario.now()) : '',
        ...(p.phase === 'lost' ? { reason: 'lease_closed_reason_unstable' } : {}),
        ...(withStatus ? { status: closed ? null : { forwarded_ports: {}, ips: {}, services: { [d.order.service]: svc } } } : {}),
      },
    ];
  };

  const view = (d: Deployment, detail: boolean) => ({
    deployment: { id: { owner, dseq: d.dseq }, state: d.state, hash: 'ZmFrZQ==', created_at: iso(d.createdAt) },
    leases: leaseView(d, detail),
    escrow_account: { id: { scope: 'deployment', xid: `${owner}/${d.dseq}` }, state: { owner, state: d.state === 'active' ? 'open' : 'closed', transferred: [], settled_at: '0', funds: [], deposits: [] } },
    ...(detail ? { consoleSettings: { sdl: d.sdl, manifestVersion: 'ZmFrZQ==' } } : {}),
  });

  const closeDeployment = (d: Deployment) => {
    d.state = 'closed';
    inventory.release(d.dseq);
  };

  const routes = [
    {
      method: 'GET',
      pattern: '/v1/gpu-prices',
      public: true,
      handle: (): FakeResponse => {
        const byModel = new Map<string, Host[]>();
        for (const h of inventory.hosts) byModel.set(`${h.model}/${h.vramGb}`, [...(byModel.get(`${h.model}/${h.vramGb}`) ?? []), h]);
        const models = [...byModel.values()].map((hs) => {
          const prices = hs.map((h) => h.pricePerGpuHourUsd).sort((a, b) => a - b);
          const free = hs.filter((h) => !h.rentedBy);
          const sum = (xs: Host[]) => xs.reduce((n, h) => n + h.gpus, 0);
          return {
            vendor: 'nvidia', model: hs[0]!.model, ram: `${hs[0]!.vramGb}Gi`, interface: 'pcie',
            availability: { total: sum(hs), available: sum(free) },
            providerAvailability: { total: hs.length, available: free.length },
            price: { currency: 'USD', min: prices[0]!, max: prices[prices.length - 1]!, avg: prices.reduce((a, b) => a + b, 0) / prices.length, weightedAverage: prices[0]!, med: prices[Math.floor(prices.length / 2)]! },
          };
        });
        const total = inventory.hosts.reduce((n, h) => n + h.gpus, 0);
        return { status: 200, body: { availability: { total, available: inventory.free().reduce((n, h) => n + h.gpus, 0) }, models } };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/deployments',
      handle: (req: FakeRequest): FakeResponse => {
        const sdl = (req.body as { data?: { sdl?: unknown } } | undefined)?.data?.sdl;
        if (typeof sdl !== 'string') return fail(400, 'BadRequest', 'data.sdl is required');
        const order = readOrder(sdl);
        if (!order) return fail(400, 'BadRequest', 'Invalid SDL');
        const dseq = String(nextDseq++);
        all.set(dseq, { dseq, sdl, order, state: 'active', createdAt: scenario.now(), plan: scenario.takeLaunchPlan() });
        return { status: 201, body: { data: { dseq, manifest: JSON.stringify([{ name: 'dcloud', services: [{ name: order.service }] }]), signTx: { code: 0, transactionHash: 'FAKE', rawLog: '' } } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/deployments',
      handle: (req: FakeRequest): FakeResponse => {
        const skip = Number(req.query.get('skip') ?? 0);
        const limit = Math.min(Number(req.query.get('limit') ?? 1000), 1000);
        const list = [...all.values()];
        return { status: 200, body: { data: { deployments: list.slice(skip, skip + limit).map((d) => view(d, false)), pagination: { total: list.length, skip, limit, hasMore: skip + limit < list.length } } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/deployments/:dseq',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.params.dseq!);
        return d ? { status: 200, body: { data: view(d, true) } } : fail(404, 'NotFound', `Deployment ${req.params.dseq} not found`);
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/deployments/:dseq',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.params.dseq!);
        if (!d) return fail(404, 'NotFound', `Deployment ${req.params.dseq} not found`);
        if (d.state === 'closed') return fail(400, 'BadRequest', `Deployment ${d.dseq} is not active`);
        closeDeployment(d);
        return { status: 200, body: { data: { success: true } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/bids',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.query.get('dseq') ?? '');
        if (!d) return fail(404, 'NotFound', 'Deployment not found');
        const data = bidsOf(d).map((b) => ({
          bid: { bid_id: { owner, dseq: d.dseq, gseq: 1, oseq: 1, provider: providerAddr(b.host) }, state: b.state, price: { denom: d.order.denom, amount: b.amount.toFixed(18) }, created_at: iso(d.createdAt + bidDelayMs), resources_offer: [] },
          escrow_account: { id: { scope: 'bid', xid: providerAddr(b.host) }, owner: providerAddr(b.host), state: 'open', balance: { denom: 'uakt', amount: '500000' }, transferred: { denom: 'uakt', amount: '0' }, settled_at: '0', depositor: providerAddr(b.host), funds: { denom: 'uakt', amount: '0' } },
        }));
        return { status: 200, body: { data } };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/leases',
      handle: (req: FakeRequest): FakeResponse => {
        const body = (req.body ?? {}) as { manifest?: unknown; leases?: Array<{ dseq?: string; gseq?: number; oseq?: number; provider?: string }> };
        const want = body.leases?.[0];
        if (typeof body.manifest !== 'string' || !want?.dseq || !want.provider) return fail(400, 'BadRequest', 'manifest and leases are required');
        const d = all.get(String(want.dseq));
        if (!d || d.state !== 'active') return fail(404, 'NotFound', `Deployment ${want.dseq} not found`);
        if (d.lease) return fail(409, 'Conflict', 'Lease already exists');
        const bid = bidsOf(d).find((b) => providerAddr(b.host) === want.provider && b.state === 'open');
        if (!bid || !inventory.rent(bid.host.id, d.dseq)) return fail(400, 'BadRequest', 'Bid not found or not open');
        for (const b of d.bids ?? []) b.state = b === bid ? 'active' : 'closed';
        d.lease = { host: bid.host, amount: bid.amount, createdAt: scenario.now(), workload: { acceptedAt: scenario.now(), plan: d.plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs } };
        return { status: 200, body: { data: view(d, false) } };
      },
    },
    {
      method: 'POST',
      pattern: '/v1/deployments/:dseq/leases/:gseq/:oseq/shell-exec',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.params.dseq!);
        if (!d?.lease) return fail(404, 'NotFound', 'Deployment or lease not found');
        const p = phaseAt(d.lease.workload, scenario.now());
        if (d.state !== 'active' || p.phase === 'lost') return fail(400, 'BadRequest', 'Lease is not active');
        if (p.phase === 'exited') return { status: 200, body: { stdout: `${p.exitCode}\n`, stderr: '', exitCode: 0, truncated: false } };
        return { status: 200, body: { stdout: '', stderr: "cat: can't open '/tmp/switchyard-exit': No such file or directory\n", exitCode: 1, truncated: false } };
      },
    },
  ];

  const server = await startFakeServer({
    provider: 'akash',
    scenario,
    routes,
    errorBody: (status, message) => ({ error: CODES[status] ?? 'InternalServerError', message }),
    authenticate: (req) => {
      const key = req.headers['x-api-key'];
      return key === apiKey && !scenario.authRevoked ? undefined : fail(401, 'Unauthorized', 'Invalid API key');
    },
  });

  return {
    url: server.url,
    scenario,
    apiKey,
    owner,
    deployments: () => [...all.values()].map((d) => ({ dseq: d.dseq, state: d.state, leased: !!d.lease, sdl: d.sdl })),
    close: server.close,
  };
};
