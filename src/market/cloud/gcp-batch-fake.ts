// A fake GCP Batch REST API v1 on 127.0.0.1, serving the methods of the discovery document
// (../shared/provider-specs/gcp-batch/specs/batch-v1.json) the adapter uses:
// projects.locations.jobs create (?jobId), get, list (labels filter, pageToken) and cancel
// (`…/jobs/{job}:cancel` → Operation), with Google's JSON error model
// (`{ error: { code, message, status } }`, AIP-193). Point the adapter at `${fake.url}/v1`.
// Auth: `Authorization: Bearer <token>` where the token must come from the fake Google
// OAuth endpoint beside it (google-oauth-fake.ts) and be unexpired; `serviceAccountKey` is
// the key JSON (its token_uri names that endpoint) to give the adapter.
// Simulation: QUEUED → SCHEDULED → RUNNING → SUCCEEDED/FAILED; each job rents a host of
// its accelerator type; with none free, or a scripted refusal, the job sits SCHEDULED
// and then FAILS without any task having run. A lost VM fails the job with the reserved
// exit code 50002. A cancelled job reads CANCELLATION_IN_PROGRESS for half a start delay
// (VMs being cleaned up), then CANCELLED; cancelling a finished job is 400 FAILED_PRECONDITION.
// Event descriptions are illustrative text; the adapter reads only codes and states.
import { randomUUID } from 'node:crypto';
import {
  createScenario,
  Inventory,
  phaseAt,
  startFakeServer,
  type FakeResponse,
  type GpuSupply,
  type RunningFake,
  type Scenario,
  type ScenarioOptions,
  type Workload,
} from '../shared/index.js';
import { pullRefusal, type PrivateRegistry } from '../shared/registry-auth.js';
import { startGoogleOAuthFake, type GoogleOAuthFake } from './google-oauth-fake.js';

export interface GcpBatchFakeOptions extends ScenarioOptions {
  seed: number;
  project?: string;
  /** expires_in of the access tokens the OAuth fake issues; default 3600. */
  tokenLifetimeSeconds?: number;
  /** A registry whose images need Container.username / password (a pull without them fails the job at create here). */
  privateRegistry?: PrivateRegistry;
}

interface FakeGcpJob {
  name: string;
  uid: string;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  createTime: number;
  workload: Workload;
  cancelledAt?: number;
}

export interface GcpBatchFake extends RunningFake {
  scenario: Scenario;
  project: string;
  /** The service-account key JSON to give the adapter (token_uri → the OAuth fake). */
  serviceAccountKey: Record<string, string>;
  oauth: GoogleOAuthFake;
  jobs: Map<string, FakeGcpJob>;
}

export const GCP_BATCH_FAKE_SUPPLY: GpuSupply[] = [
  { model: 'nvidia-h100-80gb', vramGb: 80, machines: 1, gpusPerMachine: 8, pricePerGpuHourUsd: 11.06 },
  { model: 'nvidia-tesla-a100', vramGb: 40, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 3.67 },
  { model: 'nvidia-l4', vramGb: 24, machines: 3, gpusPerMachine: 8, pricePerGpuHourUsd: 0.71 },
];

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};
const rpcError = (code: number, message: string, status?: string): { error: { code: number; message: string; status: string } } => ({
  error: { code, message, status: status ?? STATUS_NAMES[code] ?? 'UNKNOWN' },
});
const fail = (code: number, message: string, status?: string): FakeResponse => ({ status: code, body: rpcError(code, message, status) });

const JOB_ID_RE = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ISO = (ms: number): string => new Date(ms).toISOString();

/**
 * Container.username / password (batch-v1.json schemas.Container): strings, "required if the
 * container image is from a private Docker registry" — one without the other is refused.
 * The message never carries either value.
 */
const containerPullError = (body: Record<string, unknown>, registry: PrivateRegistry | undefined): string | undefined => {
  const groups = (body.taskGroups ?? []) as Array<{ taskSpec?: { runnables?: Array<{ container?: Record<string, unknown> }> } }>;
  for (const c of groups.flatMap((g) => g.taskSpec?.runnables ?? []).flatMap((r) => (r.container ? [r.container] : []))) {
    const { username, password } = c;
    if ((username === undefined) !== (password === undefined)) return 'Container username and password must be set together';
    if ((username !== undefined && typeof username !== 'string') || (password !== undefined && typeof password !== 'string')) {
      return 'Container username and password must be strings';
    }
    const login = typeof username === 'string' ? { username, password: password as string } : undefined;
    const denied = pullRefusal(registry, String(c.imageUri), login);
    if (denied) return denied;
  }
  return undefined;
};

export const startGcpBatchFake = async (opts: GcpBatchFakeOptions): Promise<GcpBatchFake> => {
  const scenario = createScenario(opts.seed, opts, GCP_BATCH_FAKE_SUPPLY);
  const inventory = new Inventory(scenario);
  const project = opts.project ?? 'switchyard-local';
  const oauth = await startGoogleOAuthFake({ scenario, project, tokenLifetimeSeconds: opts.tokenLifetimeSeconds });
  const jobs = new Map<string, FakeGcpJob>();

  const event = (at: number, description: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'STATUS_CHANGED', description, eventTime: ISO(at), ...extra,
  });

  /** State and events at the scenario's now; undefined once a deleted job is gone. */
  const statusOf = (job: FakeGcpJob): Record<string, unknown> | undefined => {
    const now = scenario.now();
    const w = job.workload;
    if (job.cancelledAt !== undefined) {
      const cleaning = now - job.cancelledAt < w.startDelayMs / 2;
      return {
        state: cleaning ? 'CANCELLATION_IN_PROGRESS' : 'CANCELLED',
        statusEvents: [event(job.cancelledAt, cleaning ? 'Job state is set from RUNNING to CANCELLATION_IN_PROGRESS.' : 'Job state is set from CANCELLATION_IN_PROGRESS to CANCELLED.')],
      };
    }
    const events = [event(w.acceptedAt, 'Job state is set from QUEUED to SCHEDULED.')];
    if (w.plan.kind === 'refuse') {
      if (now - w.acceptedAt < w.startDelayMs) return { state: 'SCHEDULED', statusEvents: events };
      events.push(event(w.acceptedAt + w.startDelayMs, 'Job state is set from SCHEDULED to FAILED: resources are not available in the requested zones.'));
      return { state: 'FAILED', statusEvents: events };
    }
    const phase = phaseAt(w, now);
    const ran = w.acceptedAt + w.startDelayMs;
    switch (phase.phase) {
      case 'provisioning':
        return { state: 'QUEUED', statusEvents: [] };
      case 'starting':
        return { state: 'SCHEDULED', statusEvents: events };
      case 'running':
        return { state: 'RUNNING', statusEvents: [...events, event(ran, 'Job state is set from SCHEDULED to RUNNING.')] };
      case 'lost':
        return {
          state: 'FAILED',
          statusEvents: [...events, event(now, 'Task failed: the VM stopped reporting, exit code 50002.', { taskExecution: { exitCode: 50002 }, taskState: 'FAILED' })],
        };
      case 'exited':
        return phase.exitCode === 0
          ? { state: 'SUCCEEDED', statusEvents: [...events, event(ran + w.runMs, 'Job state is set from RUNNING to SUCCEEDED.', { taskState: 'SUCCEEDED' })] }
          : {
              state: 'FAILED',
              statusEvents: [...events, event(ran + w.runMs, `Task state is updated from RUNNING to FAILED with exit code ${phase.exitCode}.`, { taskExecution: { exitCode: phase.exitCode }, taskState: 'FAILED' })],
            };
    }
  };

  const view = (job: FakeGcpJob): Record<string, unknown> | undefined => {
    const status = statusOf(job);
    return status && { ...job.spec, name: job.name, uid: job.uid, labels: job.labels, status, createTime: ISO(job.createTime), updateTime: ISO(scenario.now()) };
  };

  const settle = (): void => {
    for (const job of jobs.values()) {
      const state = statusOf(job)?.state;
      if (state !== 'QUEUED' && state !== 'SCHEDULED' && state !== 'RUNNING') inventory.release(job.name);
    }
  };

  const create = (parent: string, jobId: string | null, body: Record<string, unknown>): FakeResponse => {
    if (!jobId || !JOB_ID_RE.test(jobId)) return fail(400, `Invalid jobId ${String(jobId)}`);
    const name = `${parent}/jobs/${jobId}`;
    if (jobs.has(name)) return fail(409, `Resource "${name}" already exists`);
    const instances = ((body.allocationPolicy as { instances?: unknown[] } | undefined)?.instances ?? []) as Array<{
      policy?: { accelerators?: Array<{ type?: string; count?: string | number }> };
    }>;
    const accel = instances[0]?.policy?.accelerators?.[0];
    const pullError = containerPullError(body, opts.privateRegistry);
    if (pullError) return fail(400, pullError);
    let plan = scenario.takeLaunchPlan();
    if (plan.kind !== 'refuse') {
      const host = inventory.free((h) => h.model === accel?.type && h.gpus >= Number(accel?.count ?? 1))[0];
      if (host) inventory.rent(host.id, name);
      else plan = { kind: 'refuse' };
    }
    const now = scenario.now();
    const { labels, ...spec } = body;
    const job: FakeGcpJob = {
      name,
      uid: randomUUID(),
      spec,
      labels: (labels as Record<string, string> | undefined) ?? {},
      createTime: now,
      workload: { acceptedAt: now, plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
    };
    jobs.set(name, job);
    return { status: 200, body: view(job) };
  };

  const list = (parent: string, filter: string | null, pageToken: string | null): FakeResponse => {
    const m = filter ? /^labels\.([\w-]+)="([^"]*)"$/.exec(filter) : null;
    if (filter && !m) return fail(400, `Unsupported filter ${filter}`);
    const all = [...jobs.values()]
      .filter((j) => j.name.startsWith(`${parent}/jobs/`) && (!m || j.labels[m[1]!] === m[2]))
      .map(view)
      .filter((v): v is Record<string, unknown> => v !== undefined);
    const start = Number(pageToken ?? 0);
    const page = all.slice(start, start + 2); // small pages, so pagination is exercised
    return { status: 200, body: { jobs: page, ...(start + 2 < all.length ? { nextPageToken: String(start + 2) } : {}) } };
  };

  const base = '/v1/projects/:project/locations/:location/jobs';
  const parentOf = (p: Record<string, string>): string => `projects/${p.project}/locations/${p.location}`;
  const server = await startFakeServer({
    provider: 'gcp-batch',
    scenario,
    authenticate: (req) => {
      const auth = req.headers.authorization ?? '';
      return scenario.authRevoked || !oauth.accepts(auth.replace(/^Bearer /, ''))
        ? fail(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.')
        : undefined;
    },
    errorBody: (status, message) => rpcError(status, message),
    routes: [
      { method: 'POST', pattern: base, handle: (req) => (settle(), create(parentOf(req.params), req.query.get('jobId'), (req.body ?? {}) as Record<string, unknown>)) },
      { method: 'GET', pattern: base, handle: (req) => (settle(), list(parentOf(req.params), req.query.get('filter'), req.query.get('pageToken'))) },
      {
        method: 'GET',
        pattern: `${base}/:job`,
        handle: (req) => {
          settle();
          const job = jobs.get(`${parentOf(req.params)}/jobs/${req.params.job}`);
          const v = job && view(job);
          return v ? { status: 200, body: v } : fail(404, `Job not found`);
        },
      },
      {
        method: 'POST',
        pattern: `${base}/:jobVerb`,
        handle: (req) => {
          settle();
          const [jobId, verb] = (req.params.jobVerb ?? '').split(':');
          if (verb !== 'cancel') return fail(404, `no route for ${req.path}`);
          const job = jobs.get(`${parentOf(req.params)}/jobs/${jobId}`);
          if (!job) return fail(404, 'Job not found');
          const state = statusOf(job)?.state;
          if (state === 'SUCCEEDED' || state === 'FAILED') return fail(400, `Job ${job.name} is in state ${state} and cannot be cancelled`, 'FAILED_PRECONDITION');
          job.cancelledAt ??= scenario.now();
          inventory.release(job.name);
          const op = `${parentOf(req.params)}/operations/operation-${randomUUID()}`;
          return { status: 200, body: { name: op, metadata: { '@type': 'type.googleapis.com/google.cloud.batch.v1.OperationMetadata', target: job.name, verb: 'cancel' }, done: false } };
        },
      },
    ],
  });
  return {
    ...server,
    close: async () => {
      await Promise.all([server.close(), oauth.close()]);
    },
    scenario,
    project,
    serviceAccountKey: oauth.serviceAccountKey,
    oauth,
    jobs,
  };
};
