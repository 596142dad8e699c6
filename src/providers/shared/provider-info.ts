// info() for the adapters that are usable exactly when an API key is configured and
// that quote live from the market (so list no catalog).
import type { ProviderInfo, ProviderKind } from '../../core/provider.js';

export const apiKeyProviderInfo = (name: string, kind: ProviderKind, apiKey: string, note: string): ProviderInfo => {
  const enabled = apiKey.length > 0;
  return {
    name,
    kind,
    enabled,
    catalog: [],
    health: enabled ? 'healthy' : 'disabled',
    ...(enabled ? {} : { note }),
  };
};
