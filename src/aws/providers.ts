// The enabled providers, built with their credentials from Secrets Manager. The caller says how
// GCP Batch gets its tokens: the worker functions pass the real token source, the api (which
// only reads catalogues and offers) passes none, so it bundles no Google auth library.
import { registryOf, type ProviderRegistry } from '../core/provider.js';
import type { GoogleTokenSourceFactory } from '../providers/gcp-batch/token-source.js';
import { buildProviders, type ProviderCredentials } from '../providers/registry.js';
import { readSecretJson } from './base.js';

export const enabledProviders = (): string[] =>
  (process.env.ENABLED_PROVIDERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Providers with credentials from Secrets Manager. */
export const providersWithCredentials = async (googleTokens: GoogleTokenSourceFactory): Promise<ProviderRegistry> => {
  const arn = process.env.PROVIDER_SECRETS_ARN;
  const credentials = arn ? ((await readSecretJson(arn)) as ProviderCredentials) : {};
  return registryOf(buildProviders(enabledProviders(), credentials ?? {}, { googleTokens }));
};
