// A fake RunPod REST API v1 on 127.0.0.1: POST /pods, GET /pods, GET /pods/:podId,
// DELETE /pods/:podId, with `Authorization: Bearer <key>`, field names and desiredStatus
// values from https://docs.runpod.io/api-reference (servers: https://rest.runpod.io/v1).
// Point the adapter at `${fake.url}/v1`.
// Simulation: each Pod rents a whole host of its GPU type from the scenario's inventory;
// none free → the create fails with RunPod's "no longer any instances available" message.
// The wrapped container (see the adapter) ends as EXITED after exit 0 and TERMINATED after
// a failure; a lost host makes the Pod vanish (404). Error bodies are `{ error, status }`
// (RunPod's docs do not specify them; this is the shape we assume).
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

export interface RunPodFakeOptions extends ScenarioOptions {
  seed: number;
  apiKeys?: string[];
}

interface FakePod {
  id: string;
  name: string;
  imageName: string;
  gpuTypeId: string;
  gpuCount: number;
  cloudType: string;
  env: Record<string, string>;
  dockerEntrypoint: string[];
  dockerStartCmd: string[];
  costPerHr: number;
  workload: Workload;
  deleted?: boolean;
}

export interface RunPodFake extends RunningFake {
  scenario: Scenario;
  apiKey: string;
  pods: Map<string, FakePod>;
  inventory: Inventory;
}

export const RUNPOD_FAKE_SUPPLY: GpuSupply[] = [
  { model: 'NVIDIA H100 80GB HBM3', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 2.69 },
  { model: 'NVIDIA A100 80GB PCIe', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 1.19 },
  { model: 'NVIDIA GeForce RTX 4090', vramGb: 24, machines: 3, gpusPerMachine: 4, pricePerGpuHourUsd: 0.34 },
];

export const NO_CAPACITY_MESSAGE =
  'There are no longer any instances available with the requested specifications. Please refresh and try again.';

const err = (status: number, message: string): FakeResponse => ({ status, body: { error: message, status } });

export const startRunPodFake = async (opts: RunPodFakeOptions): Promise<RunPodFake> => {
  const scenario = createScenario(opts.seed, opts, RUNPOD_FAKE_SUPPLY);
  const inventory = new Inventory(scenario);
  const keys = new Set(opts.apiKeys ?? ['rpa_FAKESWITCHYARDKEY']);
  const pods = new Map<string, FakePod>();

  /** desiredStatus as the wrapped container would have driven it; undefined once the Pod vanished. */
  const view = (pod: FakePod): Record<string, unknown> | undefined => {
    const phase = phaseAt(pod.workload, scenario.now());
    if (phase.phase === 'lost') return undefined;
    let desiredStatus = 'RUNNING';
    let lastStatusChange = `Rented by User: ${new Date(pod.workload.acceptedAt).toString()}`;
    if (pod.deleted) desiredStatus = 'TERMINATED';
    else if (phase.phase === 'exited') {
      desiredStatus = phase.exitCode === 0 ? 'EXITED' : 'TERMINATED';
      lastStatusChange = `${phase.exitCode === 0 ? 'Exited' : 'Terminated'} by User: runpodctl`;
    }
    const started = phase.phase === 'running' || phase.phase === 'exited';
    return {
      id: pod.id,
      name: pod.name,
      image: pod.imageName,
      desiredStatus,
      lastStatusChange,
      ...(started ? { lastStartedAt: new Date(pod.workload.acceptedAt + pod.workload.startDelayMs).toISOString() } : {}),
      env: pod.env,
      dockerEntrypoint: pod.dockerEntrypoint,
      dockerStartCmd: pod.dockerStartCmd,
      gpu: { id: pod.gpuTypeId, count: pod.gpuCount, displayName: pod.gpuTypeId },
      costPerHr: pod.costPerHr.toFixed(2),
      adjustedCostPerHr: pod.costPerHr,
      interruptible: false,
      machineId: `m-${pod.id}`,
    };
  };

  /** Hosts go back to the market once their Pod stopped, vanished or was deleted. */
  const settle = (): void => {
    for (const pod of pods.values()) {
      const v = view(pod);
      if (!v || v.desiredStatus !== 'RUNNING') inventory.release(pod.id);
    }
  };

  const createPod = (body: Record<string, unknown>): FakeResponse => {
    const name = typeof body.name === 'string' ? body.name : '';
    const imageName = typeof body.imageName === 'string' ? body.imageName : '';
    const gpuTypeIds = Array.isArray(body.gpuTypeIds) ? (body.gpuTypeIds as string[]) : [];
    const gpuCount = typeof body.gpuCount === 'number' ? body.gpuCount : 1;
    if (!imageName || gpuTypeIds.length === 0) return err(400, 'imageName and gpuTypeIds are required');
    const plan = scenario.takeLaunchPlan();
    const host =
      plan.kind === 'refuse'
        ? undefined
        : inventory.free((h) => gpuTypeIds.includes(h.model) && h.gpus >= gpuCount)[0];
    if (!host) return err(500, `create pod: ${NO_CAPACITY_MESSAGE}`);
    const id = randomBytes(7).toString('hex');
    inventory.rent(host.id, id);
    const pod: FakePod = {
      id,
      name,
      imageName,
      gpuTypeId: host.model,
      gpuCount,
      cloudType: String(body.cloudType ?? 'SECURE'),
      env: (body.env as Record<string, string> | undefined) ?? {},
      dockerEntrypoint: (body.dockerEntrypoint as string[] | undefined) ?? [],
      dockerStartCmd: (body.dockerStartCmd as string[] | undefined) ?? [],
      costPerHr: host.pricePerGpuHourUsd * gpuCount,
      workload: { acceptedAt: scenario.now(), plan, startDelayMs: scenario.startDelayMs, runMs: scenario.runMs },
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
      return scenario.authRevoked || !keys.has(key) ? err(401, 'Unauthorized') : undefined;
    },
    errorBody: (status, message) => ({ error: message, status }),
    routes: [
      {
        method: 'POST',
        pattern: '/v1/pods',
        handle: (req) => {
          settle();
          return createPod(typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {});
        },
      },
      {
        method: 'GET',
        pattern: '/v1/pods',
        handle: (req) => {
          settle();
          const name = req.query.get('name');
          const status = req.query.get('desiredStatus');
          const list = [...pods.values()]
            .map(view)
            .filter((p): p is Record<string, unknown> => p !== undefined)
            .filter((p) => (name === null || p.name === name) && (status === null || p.desiredStatus === status));
          return { status: 200, body: list };
        },
      },
      {
        method: 'GET',
        pattern: '/v1/pods/:podId',
        handle: (req) => {
          settle();
          const pod = pods.get(req.params.podId ?? '');
          const v = pod && view(pod);
          return v ? { status: 200, body: v } : err(404, 'pod not found');
        },
      },
      {
        method: 'DELETE',
        pattern: '/v1/pods/:podId',
        handle: (req) => {
          const pod = pods.get(req.params.podId ?? '');
          if (!pod || !view(pod)) return err(404, 'pod not found');
          pod.deleted = true;
          inventory.release(pod.id);
          return { status: 204 };
        },
      },
    ],
  });
  return { ...server, scenario, apiKey: [...keys][0]!, pods, inventory };
};
