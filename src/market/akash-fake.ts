// Fake Akash Console API (managed wallet) over a seeded market of providers, serving only
// operations of the Console's generated document (../shared/provider-specs/akash/apps/api/
// swagger/openapi.json) in its shapes (akash-views.ts): GET /v1/gpu-prices (public);
// POST/GET /v1/deployments, GET/DELETE /v1/deployments/{dseq}; GET /v1/bids?dseq= (key
// `bid.id`); POST /v1/leases; GET /v1/deployment/{owner}/{dseq} and GET
// /v1/providers/{address} (public); POST /v1/create-jwt-token. Plus the provider daemon's
// lease log stream (akash-provider-daemon.ts; FACTS §2 row C), which carries the wrapper's
// exit line. No `shell-exec` (not in the Console's main branch) and no `consoleSettings`.
// Console behaviour reproduced from FACTS §1 and issue 9: `data.deposit` (USD) is required
// unless `managedDeposits` is on (400 "deposit is required"); SDL prices are rewritten to
// `uact` (the amount kept; 1 ACT = `actUsd` USD, default 1), so every bid is in uact.
// Market: each host is a provider (akash1…) that bids, after `bidDelayMs`, on orders its
// GPUs fit, at its own price converted to uact per block (must be ≤ the SDL max, as the
// chain enforces). The leased container starts after startDelayMs, runs runMs, then prints
// the wrapper's exit line; "lost" closes the lease.
// Errors: {error, message} with the Console reference's codes (the document lists none).
// Not documented, chosen here: closing a closed deployment answers 400; the close reason.
//
// Prices (USD per GPU-hour), read 2026-11-29: the Akash console's own H100 fallback
// ("Starting at $1.80/hr", console repo H100PriceStatus) and its /v1/gpu-prices examples
// (H100 min $2.40, avg $3.00). The A100/H200/consumer-card figures are assumptions
// scaled from those and from the Vast.ai sources cited in vastai-fake.ts.
import { pullRefusal, type PrivateRegistry } from './shared/registry-auth.js';
import { readOrder, type AkashOrder } from './akash-order.js';
import { startAkashProviderDaemon } from './akash-provider-daemon.js';
import { bidView, deploymentView, gpuPricesView, indexedDeploymentView, providerView, type DeploymentFacts } from './akash-views.js';
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

export interface AkashFakeOptions {
  seed: number;
  scenario?: ScenarioOptions;
  apiKey?: string;
  bidDelayMs?: number;
  blocksPerHour?: number;
  /** USD per ACT; bids are in uact. Default 1. */
  actUsd?: number;
  /** A registry whose images need their login in the SDL's services.<name>.credentials. */
  privateRegistry?: PrivateRegistry;
  /** Managed deposits on: `deposit` may be left out. Default off (the API-key default). */
  managedDeposits?: boolean;
}

interface Deployment {
  dseq: string;
  sdl: string;
  deposit?: number;
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
  deployments(): Array<{ dseq: string; state: string; leased: boolean; sdl: string; deposit?: number; denom: string }>;
  /** Every JWT issued so far stops being accepted by the provider daemon (expiry, revocation). */
  expireProviderTokens(): void;
  close(): Promise<void>;
}

const fail = (status: number, error: string, message: string): FakeResponse => ({ status, body: { error, message } });
const CODES: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests' };
const UACT = 'uact';

/**
 * The manifest create returns, as the Console derives it from the SDL: the group's services
 * with their image, env and registry login (so it holds the job's secrets, as the real one does).
 */
const manifestOf = (sdl: string, order: { placement: string; service: string; credentials?: unknown }, image: string): string => {
  const block = /^\s{4}env:\s*\n((?:\s{6}- ".*"\s*\n?)+)/m.exec(sdl)?.[1] ?? '';
  const env = [...block.matchAll(/^\s{6}- (".*")\s*$/gm)].map((m) => JSON.parse(m[1]!) as string);
  return JSON.stringify([{ name: order.placement, services: [{ name: order.service, image, env, ...(order.credentials ? { credentials: order.credentials } : {}) }] }]);
};

export const startAkashFake = async (options: AkashFakeOptions): Promise<AkashFake> => {
  const scenario = createScenario(options.seed, options.scenario ?? {}, AKASH_DEFAULT_SUPPLY);
  const apiKey = options.apiKey ?? 'akash-test-key';
  const owner = 'akash1switchyardfakeowner0000000000000000000';
  const bidDelayMs = options.bidDelayMs ?? 20;
  const blocksPerHour = options.blocksPerHour ?? 3600 / 6.098;
  const actUsd = options.actUsd ?? 1;
  const inventory = new Inventory(scenario);
  const providerAddr = (h: Host) => `akash1provider${String(h.id).padStart(6, '0')}`;
  const hostOf = (address: string) => inventory.hosts.find((h) => providerAddr(h) === address);
  const all = new Map<string, Deployment>();
  const tokens = new Set<string>();
  let nextDseq = 21_000_000 + scenario.rng.int(0, 99_999);

  const bidsOf = (d: Deployment) => {
    if (d.bids || scenario.now() - d.createdAt < bidDelayMs) return d.bids ?? [];
    d.bids = [];
    if (d.plan.kind === 'refuse') return d.bids;
    for (const h of inventory.free((x) => x.model === d.order.gpuModel && x.gpus >= d.order.gpuUnits)) {
      if (d.order.gpuRam && `${h.vramGb}Gi` !== d.order.gpuRam) continue;
      const amount = (h.pricePerGpuHourUsd * d.order.gpuUnits * 1e6) / actUsd / blocksPerHour;
      if (amount <= d.order.maxAmount) d.bids.push({ host: h, amount, state: 'open' });
    }
    return d.bids;
  };

  const facts = (d: Deployment): DeploymentFacts => {
    const base = { owner, dseq: d.dseq, state: d.state, createdAt: d.createdAt, order: d.order };
    if (!d.lease) return base;
    const p = phaseAt(d.lease.workload, scenario.now());
    const closed = d.state === 'closed' || p.phase === 'lost';
    return {
      ...base,
      lease: {
        provider: providerAddr(d.lease.host),
        denom: d.order.denom,
        amount: d.lease.amount,
        createdAt: d.lease.createdAt,
        closed,
        closedAt: scenario.now(),
        ...(p.phase === 'lost' ? { reason: 'lease_closed_reason_unstable' } : {}),
        readyReplicas: !closed && (p.phase === 'running' || p.phase === 'exited') ? 1 : 0,
      },
    };
  };

  /** What the leased container has printed: Switchyard's wrapper ends with its exit line. */
  const containerLogs = (d: Deployment): string[] | undefined => {
    if (!d.lease || d.state !== 'active') return undefined;
    const p = phaseAt(d.lease.workload, scenario.now());
    if (p.phase === 'lost') return undefined;
    if (p.phase !== 'running' && p.phase !== 'exited') return [];
    const out = ['starting'];
    if (p.phase === 'exited' && d.order.wrapperAttempt) out.push(`switchyard-exit ${d.order.wrapperAttempt} ${p.exitCode}`);
    return out;
  };

  const closeDeployment = (d: Deployment) => {
    d.state = 'closed';
    inventory.release(d.dseq);
  };

  const daemon = await startAkashProviderDaemon({
    tokenValid: (t) => tokens.has(t),
    logs: (dseq, gseq, oseq, service) => {
      const d = all.get(dseq);
      return d && gseq === 1 && oseq === 1 && service === d.order.service ? containerLogs(d) : undefined;
    },
  });

  const routes = [
    {
      method: 'GET',
      pattern: '/v1/gpu-prices',
      public: true,
      handle: (): FakeResponse => ({ status: 200, body: gpuPricesView(inventory.hosts) }),
    },
    {
      method: 'POST',
      pattern: '/v1/deployments',
      handle: (req: FakeRequest): FakeResponse => {
        const data = (req.body as { data?: { sdl?: unknown; deposit?: unknown } } | undefined)?.data;
        if (typeof data?.sdl !== 'string') return fail(400, 'BadRequest', 'data.sdl is required');
        const deposit = typeof data.deposit === 'number' && data.deposit > 0 ? data.deposit : undefined;
        if (deposit === undefined && !options.managedDeposits) return fail(400, 'BadRequest', 'deposit is required');
        const read = readOrder(data.sdl);
        if (!read) return fail(400, 'BadRequest', 'Invalid SDL');
        const image = /^\s{4}image:\s*"([^"]+)"/m.exec(data.sdl)?.[1] ?? '';
        const host = read.credentials?.host === 'https://index.docker.io/v1/' ? 'docker.io' : read.credentials?.host;
        const denied = pullRefusal(options.privateRegistry, image, read.credentials && { ...read.credentials, ...(host ? { server: host } : {}) });
        if (denied) return fail(400, 'BadRequest', denied);
        const order = { ...read, denom: UACT }; // the Console rewrites SDL prices to uact
        const dseq = String(nextDseq++);
        all.set(dseq, { dseq, sdl: data.sdl, ...(deposit === undefined ? {} : { deposit }), order, state: 'active', createdAt: scenario.now(), plan: scenario.takeLaunchPlan() });
        return { status: 201, body: { data: { dseq, manifest: manifestOf(data.sdl, order, image), signTx: { code: 0, transactionHash: 'FAKE', rawLog: '' } } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/deployments',
      handle: (req: FakeRequest): FakeResponse => {
        const skip = Number(req.query.get('skip') ?? 0);
        const limit = Math.min(Number(req.query.get('limit') ?? 1000), 1000);
        const list = [...all.values()];
        return { status: 200, body: { data: { deployments: list.slice(skip, skip + limit).map((d) => deploymentView(facts(d), false)), pagination: { total: list.length, skip, limit, hasMore: skip + limit < list.length } } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/deployments/:dseq',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.params.dseq!);
        return d ? { status: 200, body: { data: deploymentView(facts(d), true) } } : fail(404, 'NotFound', `Deployment ${req.params.dseq} not found`);
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
      pattern: '/v1/deployment/:owner/:dseq',
      public: true,
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.params.dseq!);
        if (!d || req.params.owner !== owner) return fail(404, 'NotFound', 'Deployment not found');
        return { status: 200, body: indexedDeploymentView(facts(d), () => daemon.url) };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/providers/:address',
      public: true,
      handle: (req: FakeRequest): FakeResponse => {
        const h = hostOf(req.params.address!);
        return h ? { status: 200, body: providerView(req.params.address!, daemon.url, h.model, h.vramGb) } : fail(404, 'NotFound', 'Provider not found');
      },
    },
    {
      method: 'POST',
      pattern: '/v1/create-jwt-token',
      handle: (req: FakeRequest): FakeResponse => {
        const data = (req.body as { data?: { ttl?: unknown; leases?: unknown } } | undefined)?.data;
        if (!Number.isInteger(data?.ttl) || (data!.ttl as number) <= 0 || typeof data?.leases !== 'object') return fail(400, 'BadRequest', 'ttl and leases are required');
        const token = `fakejwt.${scenario.rng.int(0, 1e9)}.${tokens.size}`;
        tokens.add(token);
        return { status: 201, body: { data: { token } } };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/bids',
      handle: (req: FakeRequest): FakeResponse => {
        const d = all.get(req.query.get('dseq') ?? '');
        if (!d) return fail(404, 'NotFound', 'Deployment not found');
        const data = bidsOf(d).map((b) => bidView(facts(d), providerAddr(b.host), b.amount, b.state, d.createdAt + bidDelayMs));
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
        if (d.lease) return fail(400, 'BadRequest', 'Lease already exists'); // the Errors table has no 409
        const bid = bidsOf(d).find((b) => providerAddr(b.host) === want.provider && b.state === 'open');
        if (!bid || !inventory.rent(bid.host.id, d.dseq)) return fail(400, 'BadRequest', 'Bid not found or not open');
        for (const b of d.bids ?? []) b.state = b === bid ? 'active' : 'closed';
        d.lease = { host: bid.host, amount: bid.amount, createdAt: scenario.now(), workload: { acceptedAt: scenario.now(), plan: d.plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs } };
        return { status: 200, body: { data: deploymentView(facts(d), true) } };
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
    deployments: () =>
      [...all.values()].map((d) => ({ dseq: d.dseq, state: d.state, leased: !!d.lease, sdl: d.sdl, denom: d.order.denom, ...(d.deposit === undefined ? {} : { deposit: d.deposit }) })),
    expireProviderTokens: () => tokens.clear(),
    close: async () => {
      await Promise.all([server.close(), daemon.close()]);
    },
  };
};
