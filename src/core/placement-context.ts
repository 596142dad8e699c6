// What placement knows of the providers' history, read once per placement (the dispatcher,
// a hedge, a quote). Its own module so the API's quote route does not load the dispatcher.
import type { Clock } from './ports.js';
import type { PlacementContext } from './placement.js';
import type { ProviderRegistry } from './provider.js';
import type { ProviderStatsStore } from './reliability-store.js';

export interface PlacementContextDeps {
  stats?: ProviderStatsStore;
  providers: ProviderRegistry;
  clock: Clock;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

/** Provider history for placement. Stats are advisory: if they cannot be read, place on priors. */
export const placementContext = async (deps: PlacementContextDeps): Promise<PlacementContext> => {
  const now = deps.clock.now();
  if (!deps.stats) return { now };
  try {
    const stats = await deps.stats.getMany(deps.providers.all().map((p) => p.name));
    return { now, stats, reliability: deps.stats.config };
  } catch (error) {
    deps.log?.('provider stats unavailable; placing on priors', { error: String(error) });
    return { now };
  }
};
