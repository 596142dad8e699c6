// The default market of `npm start`: a fake server for each real provider, speaking its
// documented API on 127.0.0.1, with the real adapters pointed at them through the same
// registry (and credentials shape) the AWS deployment uses. So local mode exercises the
// real adapters end to end; only the far side is simulated.
import type { Provider } from '../core/provider.js';
import { startAkashFake } from '../market/akash-fake.js';
import type { FailureRates } from '../market/shared/index.js';
import { startAwsBatchFake, startGcpBatchFake, startRunPodFake } from '../market/cloud/index.js';
import { GCP_BATCH_FAKE_SUPPLY } from '../market/cloud/gcp-batch-fake.js';
import { RUNPOD_FAKE_SUPPLY } from '../market/cloud/runpod-fake.js';
import { IONET_HARDWARE, startIoNetFake } from '../market/ionet-fake.js';
import { startNosanaFake } from '../market/nosana-fake.js';
import { startRenderFake } from '../market/render-fake.js';
import { startVastFake } from '../market/vastai-fake.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import { buildProviders, type ProviderCredentials } from '../providers/registry.js';
import { fullCloudAdapters } from '../providers/cloud-adapters.js';
import type { Faults } from './faults.js';

export interface FakeMarket {
  providers: Provider[];
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export interface FakeMarketOptions {
  seed?: number;
  /** How long a simulated workload takes to start and to run. */
  startDelayMs?: number;
  runMs?: number;
  /** Where the local provider keeps its run folders (npm start --data: <data>/local-runs). */
  localRunsDir?: string;
  /** SWITCHYARD_FAULTS knobs: launch outcome rates per fake (HTTP faults are installed by the caller). */
  faults?: Faults;
}

export const startFakeMarket = async (options: FakeMarketOptions = {}): Promise<FakeMarket> => {
  const seed = options.seed ?? 42;
  const rates = (name: string, base: FailureRates = {}) => options.faults?.launchRates(name, base) ?? base;
  // Realistic shape, demo-sized times: networks differ in start delay and failure rates.
  const timing = (startDelayMs: number) => ({ startDelayMs: options.startDelayMs ?? startDelayMs, runMs: options.runMs ?? 20_000 });
  const [akash, vast, ionet, nosana, aws, gcp, runpod, render] = await Promise.all([
    startAkashFake({ seed, scenario: { ...timing(4000), rates: rates('akash', { refuse: 0.05, lost: 0.1 }) } }),
    startVastFake({ seed: seed + 1, scenario: { ...timing(3000), rates: rates('vastai', { refuse: 0.05, lost: 0.08 }) } }),
    startIoNetFake({ seed: seed + 2, scenario: { ...timing(5000), rates: rates('ionet', { refuse: 0.1, lost: 0.1 }) } }),
    startNosanaFake({ seed: seed + 6, scenario: { ...timing(4000), rates: rates('nosana', { refuse: 0.05, lost: 0.12 }) } }),
    startAwsBatchFake({ seed: seed + 3, ...timing(8000), rates: rates('aws-batch') }),
    // The clouds stock every type their catalogs list (the fakes' defaults leave some out).
    startGcpBatchFake({
      seed: seed + 4,
      ...timing(9000),
      rates: rates('gcp-batch'),
      supply: [...GCP_BATCH_FAKE_SUPPLY, { model: 'nvidia-a100-80gb', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 5.07 }],
    }),
    startRunPodFake({
      seed: seed + 5,
      ...timing(6000),
      rates: rates('runpod', { lost: 0.02 }),
      supply: [...RUNPOD_FAKE_SUPPLY, { model: 'NVIDIA H100 PCIe', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 1.99 }],
    }),
    startRenderFake({ seed: seed + 7, scenario: { ...timing(5000), rates: rates('render', { refuse: 0.05, fail: 0.02 }) } }),
  ]);
  const credentials: ProviderCredentials = {
    akash: { apiKey: akash.apiKey, baseUrl: akash.url, actUsd: '1' },
    vastai: { apiKey: vast.apiKey, baseUrl: vast.url },
    ionet: {
      apiKey: ionet.apiKey,
      baseUrl: ionet.url,
      hardware: JSON.stringify(IONET_HARDWARE.map((h) => ({ hardwareId: h.hardwareId, gpuModel: h.model, vramGb: h.vramGb }))),
    },
    nosana: { apiKey: nosana.apiKey, baseUrl: `${nosana.url}/api` },
    'aws-batch': { region: aws.region, jobQueue: 'switchyard-gpu', endpoint: aws.url, ...aws.credentials },
    'gcp-batch': { project: gcp.project, location: 'us-central1', credentials: JSON.stringify(gcp.serviceAccountKey), baseUrl: `${gcp.url}/v1` },
    runpod: { apiKey: runpod.apiKey, baseUrl: runpod.url },
    // The fake runs no containers, so every image counts as running the carried command here;
    // a real deployment lists only images whose entrypoint runs SWITCHYARD_COMMAND.
    render: { publicKey: render.publicKey, secretKey: render.secretKey, baseUrl: render.url, commandImages: '*' },
  };
  const fakes = { akash, vastai: vast, ionet, nosana, 'aws-batch': aws, 'gcp-batch': gcp, runpod, render };
  return {
    providers: [new LocalProvider(options.localRunsDir ? { runsDir: options.localRunsDir } : {}), ...buildProviders(Object.keys(credentials), credentials, { clouds: fullCloudAdapters })],
    urls: Object.fromEntries(Object.entries(fakes).map(([name, fake]) => [name, fake.url])),
    stop: async () => {
      await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    },
  };
};
