// A fake RunPod REST API v2 on 127.0.0.1, serving only what
// ../shared/provider-specs/runpod/api-reference-v2/openapi.json publishes for Pods:
// POST /v2/pods (createPod → 201 Pod), GET /v2/pods (listPods → {pods}), GET and DELETE
// /v2/pods/{id} (getPod, deletePod → 204), bearerAuth, RFC 9457 problem+json errors
// (ErrorResponse {title, status, detail}). Point the adapter at `fake.url`.
// Simulation: each Pod rents a whole host of its GPU type from the scenario's inventory;
// none free → 400 with RunPod's "no longer any instances available" detail (createPod
// documents capacity as a 400 told apart by `detail` only). Status follows PodStatus:
// PROVISIONING → STARTING → RUNNING, then what the adapter's wrapper does inside the
// container: EXITED after exit 0 (runpodctl stop), TERMINATED after a failure (runpodctl
// remove). A lost host makes the Pod vanish (404). A deleted Pod reads TERMINATED on GET
// and is gone from the list ("no longer appears in listPods", deletePod). Registry
// credentials (a Pod's `registry`): runpod-registries.ts; with `privateRegistry` set, a
// Pod whose image is on it is refused unless its credential holds that registry's login.
import { randomBytes } from 'node:crypto';
import {
  createScenario,
  phaseAt,
  Inventory,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type GpuSupply,
  type RunningFake,
  type Scenario,
  type ScenarioOptions,
  type Workload,
} from '../shared/index.js';
import { pullRefusal, type PrivateRegistry } from '../shared/registry-auth.js';
import { registryRoutes, type FakeRegistry } from './runpod-registries.js';

export interface RunPodFakeOptions extends ScenarioOptions {
  seed: number;
  apiKeys?: string[];
  /** A registry whose images need a Pod `registry` credential with its login. */
  privateRegistry?: PrivateRegistry;
}

export interface FakePod {
  id: string;
  name: string;
  image: string;
  gpuTypeId: string;
  gpuCount: number;
  cloud: 'SECURE' | 'COMMUNITY';
  env: Record<string, string>;
  args: string;
  disk: number;
  costPerHr: number;
  createdAt: number;
  workload: Workload;
  deleted?: boolean;
  /** The registry credential id the Pod was created with. */
  registry?: string;
}

export interface RunPodFake extends RunningFake {
  scenario: Scenario;
  apiKey: string;
  pods: Map<string, FakePod>;
  inventory: Inventory;
  registries: Map<string, FakeRegistry>;
}

export const RUNPOD_FAKE_SUPPLY: GpuSupply[] = [
  { model: 'NVIDIA H100 80GB HBM3', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 2.69 },
  { model: 'NVIDIA A100 80GB PCIe', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 1.19 },
  { model: 'NVIDIA GeForce RTX 4090', vramGb: 24, machines: 3, gpusPerMachine: 4, pricePerGpuHourUsd: 0.34 },
];

export const NO_CAPACITY_MESSAGE =
  'There are no longer any instances available with the requested specifications. Please refresh and try again.';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};
const problem = (status: number, detail: string, errors?: string[]) => ({
  title: TITLES[status] ?? 'Error', status, detail, ...(errors ? { errors } : {}),
});
const err = (status: number, detail: string, errors?: string[]): FakeResponse => ({
  status,
  body: problem(status, detail, errors),
  headers: { 'content-type': 'application/problem+json' },
});

const CREATE_FIELDS = new Set(['name', 'image', 'cloud', 'gpu', 'args', 'env', 'disk', 'ports', 'registry', 'dataCenterIds', 'mounts', 'cpu', 'globalNetworking', 'startJupyter', 'startSsh', 'templateId']);

export const startRunPodFake = async (opts: RunPodFakeOptions): Promise<RunPodFake> => {
  const scenario = createScenario(opts.seed, opts, RUNPOD_FAKE_SUPPLY);
  const inventory = new Inventory(scenario);
  const keys = new Set(opts.apiKeys ?? ['rpa_FAKESWITCHYARDKEY']);
  const pods = new Map<string, FakePod>();
  const registries = new Map<string, FakeRegistry>();

  /** The Pod as getPod returns it; undefined once the Pod vanished with its host. */
  const view = (pod: FakePod): Record<string, unknown> | undefined => {
    const phase = phaseAt(pod.workload, scenario.now());
    if (phase.phase === 'lost' && !pod.deleted) return undefined;
    const status = pod.deleted
      ? 'TERMINATED'
      : phase.phase === 'provisioning'
        ? 'PROVISIONING'
        : phase.phase === 'starting'
          ? 'STARTING'
          : phase.phase === 'running'
            ? 'RUNNING'
            : phase.phase === 'exited' && phase.exitCode === 0
              ? 'EXITED'
              : 'TERMINATED';
    const running = status === 'RUNNING';
    const startedAt = pod.workload.acceptedAt + pod.workload.startDelayMs;
    const actions: Record<string, string[]> = {
      PROVISIONING: ['stop', 'terminate'], STARTING: ['stop', 'terminate'], RUNNING: ['stop', 'restart', 'terminate'],
      EXITED: ['start', 'terminate'], ERROR: ['start', 'terminate'], TERMINATED: [],
    };
    return {
      id: pod.id,
      name: pod.name,
      image: pod.image,
      args: pod.args,
      disk: pod.disk,
      ports: [],
      env: pod.env,
      registry: pod.registry ?? null,
      status,
      actions: actions[status],
      mounts: {},
      gpu: { id: pod.gpuTypeId, count: pod.gpuCount },
      cloud: pod.cloud,
      dataCenterId: 'US-KS-2',
      cudaVersion: '12.8',
      ssh: { proxy: null, direct: null },
      template: null,
      cost: running || status === 'PROVISIONING' || status === 'STARTING' ? Number(pod.costPerHr.toFixed(2)) : 0,
      locked: false,
      globalNetworking: { enabled: false },
      runtime: running ? { uptime: Math.floor((scenario.now() - startedAt) / 1000), ports: [] } : null,
      createdAt: new Date(pod.createdAt).toISOString(),
      startedAt: running || status === 'EXITED' ? new Date(startedAt).toISOString() : null,
    };
  };

  /** Hosts go back to the market once their Pod stopped, vanished or was deleted. */
  const settle = (): void => {
    for (const pod of pods.values()) {
      const v = view(pod);
      if (!v || !['PROVISIONING', 'STARTING', 'RUNNING'].includes(String(v.status))) inventory.release(pod.id);
    }
  };

  const createPod = (body: Record<string, unknown>): FakeResponse => {
    const unknown = Object.keys(body).filter((k) => !CREATE_FIELDS.has(k));
    if (unknown.length > 0) return err(422, 'request body failed validation', unknown.map((k) => `$: additional properties '${k}' not allowed`));
    const name = typeof body.name === 'string' ? body.name : '';
    const image = typeof body.image === 'string' ? body.image : '';
    const gpu = (body.gpu ?? {}) as { id?: unknown; count?: unknown };
    if (!name || !image || typeof gpu.id !== 'string') return err(422, 'request body failed validation', ['name, image and gpu.id are required']);
    if (body.args !== undefined && typeof body.args !== 'string') return err(422, 'request body failed validation', ['$.args: expected string']);
    // registry: "Container registry credential ID (for private images)", string or null.
    if (body.registry !== undefined && body.registry !== null && typeof body.registry !== 'string') {
      return err(422, 'request body failed validation', ['$.registry: expected string or null']);
    }
    const credential = typeof body.registry === 'string' ? registries.get(body.registry) : undefined;
    if (typeof body.registry === 'string' && !credential) return err(400, `registry ${body.registry} not found`);
    const denied = pullRefusal(opts.privateRegistry, image, credential);
    if (denied) return err(400, denied);
    const gpuCount = typeof gpu.count === 'number' ? gpu.count : 1;
    const plan = scenario.takeLaunchPlan();
    const host = plan.kind === 'refuse' ? undefined : inventory.free((h) => h.model === gpu.id && h.gpus >= gpuCount)[0];
    if (!host) return err(400, NO_CAPACITY_MESSAGE);
    const id = randomBytes(7).toString('hex');
    inventory.rent(host.id, id);
    const now = scenario.now();
    const pod: FakePod = {
      id,
      name,
      image,
      gpuTypeId: host.model,
      gpuCount,
      cloud: body.cloud === 'COMMUNITY' ? 'COMMUNITY' : 'SECURE',
      env: (body.env as Record<string, string> | undefined) ?? {},
      args: typeof body.args === 'string' ? body.args : '',
      disk: typeof body.disk === 'number' ? body.disk : 50,
      costPerHr: host.pricePerGpuHourUsd * gpuCount,
      createdAt: now,
      workload: { acceptedAt: now, plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
      ...(credential ? { registry: credential.id } : {}),
    };
    pods.set(id, pod);
    return { status: 201, body: view(pod) };
  };

  const server = await startFakeServer({
    provider: 'runpod',
    scenario,
    authenticate: (req: FakeRequest) => {
      const auth = req.headers.authorization ?? '';
      const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!key) return err(401, 'missing bearer token');
      return scenario.authRevoked || !keys.has(key) ? err(401, 'invalid bearer token') : undefined;
    },
    errorBody: (status, message) => problem(status, message),
    routes: [
      {
        method: 'POST',
        pattern: '/v2/pods',
        handle: (req) => {
          settle();
          return createPod(typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {});
        },
      },
      {
        method: 'GET',
        pattern: '/v2/pods',
        handle: () => {
          settle();
          const list = [...pods.values()]
            .map(view)
            .filter((p): p is Record<string, unknown> => p !== undefined && p.status !== 'TERMINATED');
          return { status: 200, body: { pods: list } };
        },
      },
      {
        method: 'GET',
        pattern: '/v2/pods/:id',
        handle: (req) => {
          settle();
          const pod = pods.get(req.params.id ?? '');
          const v = pod && view(pod);
          return v ? { status: 200, body: v } : err(404, 'pod not found');
        },
      },
      {
        method: 'DELETE',
        pattern: '/v2/pods/:id',
        handle: (req) => {
          const pod = pods.get(req.params.id ?? '');
          if (!pod || !view(pod) || pod.deleted) return err(404, 'pod not found');
          pod.deleted = true;
          inventory.release(pod.id);
          return { status: 204 };
        },
      },
      // deleteRegistry: "Rejected if any pod currently uses this credential" (a deleted Pod does not).
      ...registryRoutes(registries, (id) => [...pods.values()].some((p) => p.registry === id && !p.deleted && view(p) !== undefined), err),
    ],
  });
  return { ...server, scenario, apiKey: [...keys][0]!, pods, inventory, registries };
};
