// The enabled providers, built with their credentials from Secrets Manager. The caller says how
// the clouds are made: the worker functions pass the full adapters, the api (which only reads
// catalogues and offers) catalogue-only ones, so it bundles no Batch client or Google auth.
import { registryOf, type ProviderRegistry } from '../core/provider.js';
import { buildProviders, type CloudAdapters, type ProviderCredentials } from '../providers/registry.js';
import { readSecretJson } from './base.js';

export const enabledProviders = (): string[] =>
  (process.env.ENABLED_PROVIDERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Providers with credentials from Secrets Manager. */
export const providersWithCredentials = async (clouds: CloudAdapters): Promise<ProviderRegistry> => {
  const arn = process.env.PROVIDER_SECRETS_ARN;
  const credentials = arn ? ((await readSecretJson(arn)) as ProviderCredentials) : {};
  return registryOf(buildProviders(enabledProviders(), credentials ?? {}, { clouds }));
};
