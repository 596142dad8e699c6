// Fake Nosana Deployments API and public markets, served from a seeded market, under the
// documented `/api` base prefix, exactly as ../shared/provider-specs/nosana/FACTS.md states
// them (and the contract suite checks them: test/contracts/providers/nosana.ts):
//   GET    /api/markets/                      public; market list (nosana-markets.ts)
//   POST   /api/deployments/create            -> Deployment (status DRAFT)
//   GET    /api/deployments                   -> {deployments, pagination}; cursor, limit, sort_order,
//                                                name and status (one or a comma list) filters
//   GET    /api/deployments/{id}              -> Deployment, or 404 {error:"Deployment not found."}
//   POST   /api/deployments/{id}/start|stop   -> {status, updated_at}; wrong state: 500
//   POST   /api/deployments/{id}/archive      -> {status:"ARCHIVED", updated_at}, only from STOPPED
//   DELETE /api/deployments/{id}              -> 204, only from STOPPED
//   GET    /api/deployments/{id}/jobs         -> {jobs, pagination}, newest first
//   GET    /api/deployments/{id}/jobs/{job}   -> job detail with the FlowState result
// Wrong-state answers are 500 {error:"Deployment is in the incorrect state."} (archived:
// "Cannot modify an archived deployment." for stop). Auth: `Authorization: Bearer <key>`;
// 401 is the bare JSON string "Unauthorized". Inferred, not in FACTS: the bodies of 402
// (refused create: out of credits) and 429, and "Job not found." for an unknown job id.
import {
  Inventory,
  createScenario,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type Scenario,
  type ScenarioOptions,
} from './shared/index.js';
import {
  advance,
  deploymentView,
  jobDetailView,
  jobListView,
  requestStop,
  type FakeDeployment,
  type LifecycleContext,
} from './nosana-lifecycle.js';
import {
  NOSANA_DEFAULT_MARKETS,
  base58Id,
  marketView,
  supplyOf,
  withAddresses,
  type FakeMarket,
  type NosanaMarketSpec,
} from './nosana-markets.js';

export interface NosanaFakeOptions {
  seed: number;
  /** Scenario timing and failure rates; the supply is derived from `markets`. */
  scenario?: Omit<ScenarioOptions, 'supply'>;
  markets?: NosanaMarketSpec[];
  apiKey?: string;
  /** Time from start to the job being listed on the market. */
  listDelayMs?: number;
  stopDelayMs?: number;
}

export interface NosanaFake {
  url: string;
  scenario: Scenario;
  apiKey: string;
  markets: FakeMarket[];
  /** Deployments that exist (any status), for assertions. */
  deployments(): Array<{ id: string; name: string; status: string; market: string; timeout: number; jobDefinition: unknown }>;
  close(): Promise<void>;
}

const err = (status: number, error: string): FakeResponse => ({ status, body: { error } });
const NOT_FOUND = err(404, 'Deployment not found.');
const INCORRECT_STATE = err(500, 'Deployment is in the incorrect state.');
const STRATEGIES = ['SIMPLE', 'SIMPLE-EXTEND', 'SCHEDULED', 'INFINITE'];

const validBody = (b: Record<string, unknown>): boolean => {
  const jd = b.job_definition as Record<string, unknown> | undefined;
  const ops = jd?.ops;
  return (
    typeof b.name === 'string' && b.name.length > 0 &&
    typeof b.market === 'string' &&
    typeof b.replicas === 'number' && b.replicas >= 1 &&
    typeof b.timeout === 'number' && b.timeout >= 1 &&
    typeof b.strategy === 'string' && STRATEGIES.includes(b.strategy) &&
    !!jd && jd.type === 'container' && typeof jd.version === 'string' &&
    Array.isArray(ops) && ops.length > 0 &&
    ops.every((op: Record<string, unknown>) =>
      typeof op.id === 'string' &&
      (op.type === 'container/create-volume' ||
        (op.type === 'container/run' && typeof (op.args as Record<string, unknown> | undefined)?.image === 'string')),
    )
  );
};

/** Keyset-style pages: the cursor is the base64 offset of the next item. */
const paginate = <T>(key: string, items: T[], req: FakeRequest): FakeResponse => {
  const limit = [10, 20, 50, 100].includes(Number(req.query.get('limit'))) ? Number(req.query.get('limit')) : 10;
  const cursor = req.query.get('cursor');
  const from = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8')) || 0 : 0;
  const page = items.slice(from, from + limit);
  const next = from + limit < items.length ? Buffer.from(String(from + limit)).toString('base64') : null;
  const prev = from > 0 ? Buffer.from(String(Math.max(0, from - limit))).toString('base64') : null;
  return { status: 200, body: { [key]: page, pagination: { cursor_next: next, cursor_prev: prev, total_items: items.length } } };
};

export const startNosanaFake = async (options: NosanaFakeOptions): Promise<NosanaFake> => {
  const specs = options.markets ?? NOSANA_DEFAULT_MARKETS;
  const scenario = createScenario(options.seed, { ...options.scenario, supply: supplyOf(specs) }, []);
  const apiKey = options.apiKey ?? 'nos_test_key';
  const owner = base58Id(scenario.rng);
  const markets = withAddresses(specs, scenario.rng);
  const ctx: LifecycleContext = {
    scenario,
    inventory: new Inventory(scenario),
    markets: new Map(markets.map((m) => [m.address, m])),
    listDelayMs: options.listDelayMs ?? Math.max(1, Math.floor(scenario.startDelayMs / 4)),
    stopDelayMs: options.stopDelayMs ?? 10,
    newId: () => base58Id(scenario.rng),
  };
  const all = new Map<string, FakeDeployment>();

  // Every read moves the whole market forward, oldest first, so a node freed by one
  // deployment is seen by the jobs queued behind it (FIFO per market).
  const tick = (): void => {
    for (const d of all.values()) advance(ctx, d);
  };
  const find = (req: FakeRequest): FakeDeployment | undefined => {
    tick();
    return all.get(req.params.id ?? '');
  };
  const stamp = (d: FakeDeployment): FakeResponse => ({ status: 200, body: { status: d.status, updated_at: new Date(d.updatedAt).toISOString() } });

  const create = (req: FakeRequest): FakeResponse => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!validBody(body)) return err(400, 'Invalid request body.');
    const plan = scenario.takeLaunchPlan();
    if (plan.kind === 'refuse') return err(402, 'Insufficient credits.');
    const now = scenario.now();
    const d: FakeDeployment = {
      id: ctx.newId(),
      name: body.name as string,
      market: body.market as string,
      status: 'DRAFT',
      timeout: body.timeout as number,
      replicas: body.replicas as number,
      strategy: body.strategy as string,
      jobDefinition: body.job_definition as Record<string, unknown>,
      createdAt: now,
      updatedAt: now,
      plan,
      jobs: [],
    };
    all.set(d.id, d);
    return { status: 200, body: deploymentView(d, owner) };
  };

  const start = (req: FakeRequest): FakeResponse => {
    const d = find(req);
    if (!d) return NOT_FOUND;
    if (!['DRAFT', 'STOPPED', 'ERROR', 'INSUFFICIENT_FUNDS'].includes(d.status)) return INCORRECT_STATE;
    if (d.jobs.length > 0) d.plan = scenario.takeLaunchPlan(); // a restart lists a new job
    d.status = 'STARTING';
    d.startedAt = d.updatedAt = scenario.now();
    return stamp(d);
  };

  const stop = (req: FakeRequest): FakeResponse => {
    const d = find(req);
    if (!d) return NOT_FOUND;
    if (d.status === 'ARCHIVED') return err(500, 'Cannot modify an archived deployment.');
    return requestStop(ctx, d) ? stamp(d) : INCORRECT_STATE;
  };

  // FACTS: archive and delete only from STOPPED; anything else is the 500 wrong-state answer.
  const archive = (req: FakeRequest): FakeResponse => {
    const d = find(req);
    if (!d) return NOT_FOUND;
    if (d.status !== 'STOPPED') return INCORRECT_STATE;
    d.status = 'ARCHIVED';
    d.updatedAt = scenario.now();
    return stamp(d);
  };

  const remove = (req: FakeRequest): FakeResponse => {
    const d = find(req);
    if (!d) return NOT_FOUND;
    if (d.status !== 'STOPPED') return INCORRECT_STATE;
    all.delete(d.id);
    return { status: 204 };
  };

  const list = (req: FakeRequest): FakeResponse => {
    tick();
    const name = req.query.get('name');
    const statuses = req.query.get('status')?.split(',');
    const found = [...all.values()]
      .filter((d) => (!name || d.name.includes(name)) && (!statuses || statuses.includes(d.status)))
      .sort((a, b) => b.createdAt - a.createdAt);
    return paginate('deployments', found.map((d) => deploymentView(d, owner)), req);
  };

  const server = await startFakeServer({
    provider: 'nosana',
    scenario,
    errorBody: (status, message) => ({ error: status === 429 ? 'Too Many Requests' : message }),
    authenticate: (req) => {
      const header = req.headers.authorization;
      const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
      if (!key || key !== apiKey || scenario.authRevoked) return { status: 401, body: 'Unauthorized' };
      return undefined;
    },
    routes: [
      { method: 'GET', pattern: '/api/markets/', public: true, handle: () => ({ status: 200, body: markets.map(marketView) }) },
      { method: 'POST', pattern: '/api/deployments/create', handle: create },
      { method: 'GET', pattern: '/api/deployments', handle: list },
      {
        method: 'GET',
        pattern: '/api/deployments/:id',
        handle: (req) => {
          const d = find(req);
          return d ? { status: 200, body: deploymentView(d, owner) } : NOT_FOUND;
        },
      },
      { method: 'POST', pattern: '/api/deployments/:id/start', handle: start },
      { method: 'POST', pattern: '/api/deployments/:id/stop', handle: stop },
      { method: 'POST', pattern: '/api/deployments/:id/archive', handle: archive },
      { method: 'DELETE', pattern: '/api/deployments/:id', handle: remove },
      {
        method: 'GET',
        pattern: '/api/deployments/:id/jobs',
        handle: (req) => {
          const d = find(req);
          if (!d) return NOT_FOUND;
          const jobs = [...d.jobs].reverse().map((j) => jobListView(d, j));
          return paginate('jobs', req.query.get('sort_order') === 'asc' ? jobs.reverse() : jobs, req);
        },
      },
      {
        method: 'GET',
        pattern: '/api/deployments/:id/jobs/:job',
        handle: (req) => {
          const d = find(req);
          if (!d) return NOT_FOUND;
          const j = d.jobs.find((x) => x.id === req.params.job);
          return j ? { status: 200, body: jobDetailView(d, j) } : err(404, 'Job not found.');
        },
      },
    ],
  });

  return {
    url: server.url,
    scenario,
    apiKey,
    markets,
    deployments: () =>
      (tick(), [...all.values()]).map((d) => ({
        id: d.id, name: d.name, status: d.status, market: d.market, timeout: d.timeout, jobDefinition: d.jobDefinition,
      })),
    close: server.close,
  };
};
