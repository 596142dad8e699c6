// Builds the providers named in configuration. A provider whose credentials are missing
// is still listed (so GET /v1/providers shows it) but disabled, and never placed on.
import type { Provider } from '../core/provider.js';

/** Provider name -> its credentials object, as stored in the provider secret. */
export type ProviderCredentials = Record<string, Record<string, string> | undefined>;

type Factory = (credentials: Record<string, string> | undefined) => Provider;

const factories: Record<string, Factory> = {};

export const knownProviderNames = (): string[] => Object.keys(factories);

export const buildProviders = (enabled: string[], credentials: ProviderCredentials): Provider[] =>
  enabled.flatMap((name) => {
    const factory = factories[name];
    return factory ? [factory(credentials[name])] : [];
  });
