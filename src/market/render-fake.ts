// Fake Dispersed API (Render Network compute), built from the same FACTS.md the adapter
// follows (../shared/provider-specs/render-dispersed/FACTS.md), serving only its rows:
//   POST /v1/jobs                 create (body checked field by field) -> 201 job object
//   GET  /v1/jobs                 page/limit/sort/filter[status|task|uuid] -> {data, page, limit, total}
//   GET  /v1/jobs/{uuid}          job object with `status`
//   PUT  /v1/jobs/{uuid}/cancel   {reason} -> job object (CANCELLING)         (EX only)
//   GET  /v1/job-runs             filter[job_uuid], filter[status], limit, page -> {data, page, limit, total}
//   GET  /v1/job-runs/{uuid}      one run plus `logs`
//   GET  /v1/compute/offers       the seeded supply's free hosts -> {data, limit, page, total}
// Every request is signed (render-signature.ts). Assumed where FACTS.md is silent: 401 for
// any refused signature or key, 400 for a bad body or query, 404 for an unknown uuid, 409
// for cancelling a finished job; error bodies {error, message}; create answers 201.
import { randomUUID } from 'node:crypto';
import { FINISHED, advance, jobView, runDetailView, runView, type FakeJob, type JobsContext } from './render-jobs.js';
import { offerViews, registryUuids } from './render-offers.js';
import { invalidJobBody, invalidQuery } from './render-validation.js';
import { pullRefusal, type PrivateRegistry } from './shared/registry-auth.js';
import { SignatureChecker } from './render-signature.js';
import {
  Inventory,
  createScenario,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type GpuSupply,
  type Scenario,
  type ScenarioOptions,
} from './shared/index.js';

/** Dispersed's spellings; hosts in AWS-style regions (FACTS.md, `allowed_region_codes`). */
export const RENDER_FAKE_SUPPLY: GpuSupply[] = [
  { model: 'NVIDIA RTX 4090', vramGb: 24, machines: 6, gpusPerMachine: 1, pricePerGpuHourUsd: 0.42, regions: ['us-east-1', 'eu-west-1'] },
  { model: 'NVIDIA RTX 4090', vramGb: 24, machines: 2, gpusPerMachine: 4, pricePerGpuHourUsd: 0.4, regions: ['us-east-1'] },
  { model: 'NVIDIA RTX 5090', vramGb: 32, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 0.69, regions: ['us-west-2'] },
  { model: 'NVIDIA L40S', vramGb: 48, machines: 2, gpusPerMachine: 1, pricePerGpuHourUsd: 0.95, regions: ['eu-west-1'] },
  { model: 'NVIDIA A100-SXM4-80GB', vramGb: 80, machines: 2, gpusPerMachine: 1, pricePerGpuHourUsd: 1.45, regions: ['us-east-1'] },
  { model: 'NVIDIA H100 80GB HBM3', vramGb: 80, machines: 3, gpusPerMachine: 1, pricePerGpuHourUsd: 2.1, regions: ['us-east-1', 'ap-northeast-1'] },
];

export interface RenderFakeOptions {
  seed: number;
  /** A registry whose images need their login in parameters.parameters host / user / secret. */
  privateRegistry?: PrivateRegistry;
  scenario?: ScenarioOptions;
  publicKey?: string;
  secretKey?: string;
  /** Time from a cancel to CANCELLED. */
  stopDelayMs?: number;
  /** The clock X-Time is checked against; real time by default (the adapter signs with it). */
  signatureClock?: () => number;
}

export interface RenderFake {
  url: string;
  scenario: Scenario;
  publicKey: string;
  secretKey: string;
  /** Every job (any status), for assertions. */
  jobs(): Array<{ uuid: string; title: string; status: string; hostId?: number; body: Record<string, unknown> }>;
  /** The offers GET /v1/compute/offers would list now, unfiltered. */
  offers(): Record<string, unknown>[];
  /** The uuid now names another account's workload (for ownership tests). */
  reuseUuid(uuid: string, title: string): void;
  close(): Promise<void>;
}

const err = (status: number, error: string, message: string): FakeResponse => ({ status, body: { error, message } });
const notFound = (what: string): FakeResponse => err(404, 'Not Found', `${what} not found`);

const page = <T>(items: T[], req: FakeRequest): FakeResponse => {
  const limit = Number(req.query.get('limit') ?? 20);
  const p = Number(req.query.get('page') ?? 1);
  return { status: 200, body: { data: items.slice((p - 1) * limit, p * limit), page: p, limit, total: items.length } };
};

const byCreated = (req: FakeRequest) => (a: FakeJob, b: FakeJob) =>
  req.query.get('sort') === '-created_at' ? b.createdAt - a.createdAt : a.createdAt - b.createdAt;

export const startRenderFake = async (options: RenderFakeOptions): Promise<RenderFake> => {
  const scenario = createScenario(options.seed, options.scenario ?? {}, RENDER_FAKE_SUPPLY);
  const publicKey = options.publicKey ?? 'pk_test_switchyard';
  const secretKey = options.secretKey ?? 'sk_test_switchyard';
  const inventory = new Inventory(scenario);
  const gpuUuids = registryUuids(scenario);
  const ctx: JobsContext = { scenario, inventory, stopDelayMs: options.stopDelayMs ?? 20, newUuid: randomUUID };
  const checker = new SignatureChecker({ publicKey, secretKey, skewMs: 5 * 60_000, now: options.signatureClock ?? Date.now });
  const offerIds = new Map(inventory.hosts.map((h) => [h.id, randomUUID()]));
  const all = new Map<string, FakeJob>();

  const tick = (): void => {
    for (const j of all.values()) advance(ctx, j);
  };
  const find = (uuid: string | undefined): FakeJob | undefined => {
    tick();
    return all.get(uuid ?? '');
  };

  const create = (req: FakeRequest): FakeResponse => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = invalidJobBody(body);
    if (bad) return err(400, 'Bad Request', bad);
    const docker = (body.parameters as { parameters: Record<string, unknown> }).parameters;
    const login = typeof docker.user === 'string' && typeof docker.secret === 'string'
      ? { username: docker.user, password: docker.secret, ...(typeof docker.host === 'string' ? { server: docker.host } : {}) }
      : undefined;
    const denied = pullRefusal(options.privateRegistry, `${String(docker.image)}:${String(docker.tag)}`, login);
    if (denied) return err(400, 'Bad Request', denied);
    const now = scenario.now();
    const plan = scenario.takeLaunchPlan();
    const uuid = randomUUID();
    const wantGpu = body.gpu_registry_uuid as string | undefined;
    const regions = (body.allowed_region_codes as string[] | undefined) ?? [];
    const host =
      plan.kind === 'refuse'
        ? undefined
        : inventory.free(
            (h) =>
              h.gpus === body.gpu_count &&
              h.vramGb >= (body.min_vram_gb as number) &&
              (!wantGpu || gpuUuids.get(h.model) === wantGpu) &&
              (regions.length === 0 || regions.includes(h.region)),
          )[0];
    if (host) inventory.rent(host.id, uuid);
    const job: FakeJob = {
      uuid,
      title: body.title as string,
      body,
      status: 'PENDING',
      createdAt: now,
      updatedAt: now,
      plan,
      workload: { acceptedAt: now, plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
      ...(host ? { hostId: host.id } : {}),
    };
    all.set(uuid, job);
    return { status: 201, body: jobView(job) };
  };

  const cancel = (req: FakeRequest): FakeResponse => {
    const job = find(req.params.uuid);
    if (!job) return notFound('job');
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    if (typeof reason !== 'string') return err(400, 'Bad Request', 'reason must be a string');
    if (FINISHED.has(job.status)) return err(409, 'Conflict', `job is already ${job.status}`);
    job.cancelAt ??= scenario.now();
    advance(ctx, job);
    return { status: 200, body: jobView(job) };
  };

  const listJobs = (req: FakeRequest): FakeResponse => {
    tick();
    const statuses = req.query.get('filter[status]')?.split(',');
    const task = req.query.get('filter[task]');
    const uuid = req.query.get('filter[uuid]');
    const jobs = [...all.values()]
      .filter((j) => (!statuses || statuses.includes(j.status)) && (!task || j.body.task === task) && (!uuid || j.uuid === uuid))
      .sort(byCreated(req));
    return page(jobs.map(jobView), req);
  };

  const listRuns = (req: FakeRequest): FakeResponse => {
    tick();
    const of = req.query.get('filter[job_uuid]');
    const statuses = req.query.get('filter[status]')?.split(',');
    const runs = [...all.values()]
      .filter((j) => j.run && (!of || j.uuid === of) && (!statuses || statuses.includes(j.run.status)))
      .map((j) => runView(j.run!));
    return page(runs, req);
  };

  const getRun = (req: FakeRequest): FakeResponse => {
    tick();
    const job = [...all.values()].find((j) => j.run?.uuid === req.params.uuid);
    return job?.run ? { status: 200, body: runDetailView(job.run) } : notFound('job run');
  };

  /** A list route: its query is checked against the parameters FACTS.md lists for it. */
  const checked =
    (list: 'jobs' | 'runs' | 'offers', handle: (req: FakeRequest) => FakeResponse) =>
    (req: FakeRequest): FakeResponse => {
      const bad = invalidQuery(list, req.query);
      return bad ? err(400, 'Bad Request', bad) : handle(req);
    };

  const server = await startFakeServer({
    provider: 'render',
    scenario,
    errorBody: (status, message) => ({ error: status === 429 ? 'Too Many Requests' : 'Error', message }),
    authenticate: (req) => {
      const why = scenario.authRevoked ? 'API key revoked' : checker.check(req);
      return why ? err(401, 'Unauthorized', why) : undefined;
    },
    routes: [
      { method: 'POST', pattern: '/v1/jobs', handle: create },
      { method: 'GET', pattern: '/v1/jobs', handle: checked('jobs', listJobs) },
      {
        method: 'GET',
        pattern: '/v1/jobs/:uuid',
        handle: (req) => {
          const job = find(req.params.uuid);
          return job ? { status: 200, body: jobView(job) } : notFound('job');
        },
      },
      { method: 'PUT', pattern: '/v1/jobs/:uuid/cancel', handle: cancel },
      { method: 'GET', pattern: '/v1/job-runs', handle: checked('runs', listRuns) },
      { method: 'GET', pattern: '/v1/job-runs/:uuid', handle: getRun },
      {
        method: 'GET',
        pattern: '/v1/compute/offers',
        handle: checked('offers', (req) => page(offerViews(inventory, gpuUuids, offerIds, req.query, scenario.now()), req)),
      },
    ],
  });

  return {
    url: server.url,
    scenario,
    publicKey,
    secretKey,
    jobs: () => (tick(), [...all.values()]).map((j) => ({ uuid: j.uuid, title: j.title, status: j.status, hostId: j.hostId, body: j.body })),
    offers: () => (tick(), offerViews(inventory, gpuUuids, offerIds, new URLSearchParams(), scenario.now())),
    reuseUuid: (uuid, title) => {
      const job = all.get(uuid);
      if (job) job.title = job.body.title = title;
    },
    close: server.close,
  };
};
