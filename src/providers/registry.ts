// Builds the providers named in configuration from their credentials (the provider
// secret in AWS, a file or env vars locally). A provider whose credentials are missing
// is listed as disabled, so GET /v1/providers says why, and is never placed on.
import type { Provider, ProviderKind } from '../core/provider.js';
import { ProviderError } from '../core/provider.js';
import { createAkashProvider } from './akash/index.js';
import type { AwsBatchConfig } from './aws-batch/aws-batch-provider.js';
import type { GcpBatchConfig } from './gcp-batch/gcp-batch-provider.js';
import { createIoNetProvider, type IoHardware } from './ionet/index.js';
import { createNosanaProvider } from './nosana/index.js';
import { createRenderProvider } from './render/index.js';
import { createRunPodProvider } from './runpod/index.js';
import { createVastProvider } from './vastai/index.js';

/** Provider name -> its settings, as stored in the provider secret (strings, or JSON strings). */
export type ProviderCredentials = Record<string, Record<string, string> | undefined>;

/**
 * How the cloud adapters are made, wired in by the caller rather than imported here: the
 * worker functions and local mode pass the full adapters (./cloud-adapters.ts: the AWS SDK's
 * Batch client, Google's token library), the api passes catalogue-only ones
 * (./cloud-catalogues.ts), since it only reads offers and never launches.
 */
export interface CloudAdapters {
  awsBatch(config: AwsBatchConfig): Provider;
  gcpBatch(config: Omit<GcpBatchConfig, 'tokens'>): Provider;
}

export interface ProviderBuildOptions {
  clouds: CloudAdapters;
}

interface ProviderSpec {
  kind: ProviderKind;
  /** Settings without which the provider cannot be called. */
  required: string[];
  build(settings: Record<string, string>, options: ProviderBuildOptions): Provider;
}

const opt = (settings: Record<string, string>, key: string, as = key) =>
  settings[key] !== undefined && settings[key] !== '' ? { [as]: settings[key] } : {};

const SPECS: Record<string, ProviderSpec> = {
  akash: {
    kind: 'decentralized',
    required: ['apiKey'],
    build: (s) =>
      createAkashProvider({
        apiKey: s.apiKey!,
        ...opt(s, 'baseUrl'),
        // USD rates of the denoms bids come in (uact: ACT, default 1; uakt: AKT) and the deposit floor.
        ...(s.actUsd ? { actUsd: Number(s.actUsd) } : {}),
        ...(s.aktUsd ? { aktUsd: Number(s.aktUsd) } : {}),
        ...(s.minDepositUsd ? { minDepositUsd: Number(s.minDepositUsd) } : {}),
      }),
  },
  vastai: {
    kind: 'decentralized',
    required: ['apiKey'],
    build: (s) => createVastProvider({ apiKey: s.apiKey!, ...opt(s, 'baseUrl') }),
  },
  ionet: {
    kind: 'decentralized',
    // io.net's hardware ids are account-specific: the operator lists them as JSON.
    required: ['apiKey', 'hardware'],
    build: (s) => createIoNetProvider({ apiKey: s.apiKey!, hardware: JSON.parse(s.hardware!) as IoHardware[], ...opt(s, 'baseUrl') }),
  },
  nosana: {
    kind: 'decentralized',
    required: ['apiKey'],
    build: (s) => createNosanaProvider({ apiKey: s.apiKey!, ...opt(s, 'baseUrl') }),
  },
  render: {
    kind: 'decentralized',
    // Dispersed signs with a key pair; commandImages lists the images that run the carried
    // command (comma-separated; see src/providers/render/job-body.ts).
    required: ['publicKey', 'secretKey'],
    build: (s) =>
      createRenderProvider({
        publicKey: s.publicKey!,
        secretKey: s.secretKey!,
        ...opt(s, 'baseUrl'),
        commandImages: (s.commandImages ?? '').split(',').map((x) => x.trim()).filter(Boolean),
      }),
  },
  'aws-batch': {
    kind: 'cloud',
    // Credentials are optional: in Lambda the function's role is used.
    required: ['region', 'jobQueue'],
    build: (s, options) =>
      options.clouds.awsBatch({
        region: s.region!,
        jobQueue: s.jobQueue!,
        ...opt(s, 'endpoint'),
        ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
      }),
  },
  'gcp-batch': {
    kind: 'cloud',
    // credentials: a service-account key or a workload identity (external_account) config, as JSON.
    required: ['project', 'location', 'credentials'],
    build: (s, options) =>
      options.clouds.gcpBatch({
        project: s.project!,
        location: s.location!,
        credentials: JSON.parse(s.credentials!) as Record<string, unknown>,
        ...opt(s, 'baseUrl'),
      }),
  },
  runpod: {
    kind: 'cloud',
    required: ['apiKey'],
    build: (s) => createRunPodProvider({ apiKey: s.apiKey!, ...opt(s, 'baseUrl') }),
  },
};

export const knownProviderNames = (): string[] => Object.keys(SPECS);

/** Stands in for a provider that cannot be called; says why. */
export const disabledProvider = (name: string, kind: ProviderKind, note: string): Provider => {
  const refuse = async (): Promise<never> => {
    throw new ProviderError('auth', `${name} is disabled: ${note}`);
  };
  return {
    name,
    kind,
    info: () => ({ name, kind, enabled: false, catalog: [], health: 'disabled', note }),
    offers: async () => [],
    launch: refuse,
    status: refuse,
    cancel: refuse,
  };
};

export const buildProviders = (enabled: string[], credentials: ProviderCredentials, options: ProviderBuildOptions): Provider[] =>
  enabled.flatMap((name) => {
    const spec = SPECS[name];
    if (!spec) return [];
    const settings = credentials[name] ?? {};
    const missing = spec.required.filter((key) => !settings[key]);
    if (missing.length > 0) return [disabledProvider(name, spec.kind, `missing credentials: ${missing.join(', ')}`)];
    try {
      return [spec.build(settings, options)];
    } catch (error) {
      return [disabledProvider(name, spec.kind, `invalid configuration: ${(error as Error).message}`)];
    }
  });
