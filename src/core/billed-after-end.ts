// billedAfterEndSeconds: how long each provider's resources outlived the attempts that
// used them. An attempt's end is when Switchyard recorded it ended; a resource's end is
// when it stopped existing. A resource not known to be gone is still billing: it counts
// up to `now`. Pure arithmetic over what the caller measured, plus one reader for a
// running system that knows only its job records and what the providers still list.
import type { Job } from './job.js';
import { awaitingRelease, LIVE_ATTEMPT_STATUSES } from './job.js';
import type { JobStore } from './ports.js';
import type { ProviderRegistry } from './provider.js';

export interface ResourceLife {
  provider: string;
  attemptId: string;
  /** When the attempt ended (epoch ms). */
  endedAt: number;
  /** When its resource was gone (epoch ms); undefined while it still exists. */
  goneAt?: number;
}

export interface BilledAfterEnd {
  endedAttempts: number;
  /** Resources still existing after their attempt ended. */
  stillHeld: number;
  /** Summed over the provider's ended attempts. */
  billedAfterEndSeconds: number;
  /** The worst single attempt. */
  maxBilledAfterEndSeconds: number;
}

export const billedAfterEnd = (lives: ResourceLife[], now: number): Record<string, BilledAfterEnd> => {
  const out: Record<string, BilledAfterEnd> = {};
  for (const life of lives) {
    const row = (out[life.provider] ??= { endedAttempts: 0, stillHeld: 0, billedAfterEndSeconds: 0, maxBilledAfterEndSeconds: 0 });
    row.endedAttempts++;
    if (life.goneAt === undefined) row.stillHeld++;
    const seconds = Math.max(0, ((life.goneAt ?? now) - life.endedAt) / 1000);
    row.billedAfterEndSeconds += seconds;
    row.maxBilledAfterEndSeconds = Math.max(row.maxBilledAfterEndSeconds, seconds);
  }
  for (const row of Object.values(out)) row.billedAfterEndSeconds = Math.round(row.billedAfterEndSeconds * 1000) / 1000;
  return out;
};

/**
 * For a running system (the local market, an operator's check): what the job records
 * and the providers' own listings say. A resource is gone when the provider confirmed it
 * (releasedAt) and no longer lists it; confirmation time bounds when it went away, so the
 * figure is an upper bound. Providers that cannot list are taken at their confirmation.
 */
export const billedAfterEndOfJobs = async (jobs: Job[], providers: ProviderRegistry, now: Date): Promise<Record<string, BilledAfterEnd>> => {
  const held = new Set<string>();
  for (const provider of providers.all()) {
    if (!provider.listOwned || !provider.info().enabled) continue;
    try {
      for (const ref of await provider.listOwned()) held.add(`${provider.name}/${ref.attemptId}`);
    } catch {
      // A provider that cannot list right now is judged by its confirmations alone.
    }
  }
  const lives: ResourceLife[] = [];
  for (const job of jobs) {
    for (const a of job.attempts) {
      if (LIVE_ATTEMPT_STATUSES.has(a.status) || a.status === 'cancelling' || a.endedAt === undefined) continue;
      const gone = !awaitingRelease(a) && a.releasedAt !== undefined && !held.has(`${a.provider}/${a.id}`);
      lives.push({ provider: a.provider, attemptId: a.id, endedAt: Date.parse(a.endedAt), ...(gone ? { goneAt: Date.parse(a.releasedAt!) } : {}) });
    }
  }
  return billedAfterEnd(lives, now.getTime());
};

/** Every job of a tenant, paging the store (the local market's one tenant; checks, not hot paths). */
export const jobsOfTenant = async (store: JobStore, tenantId: string): Promise<Job[]> => {
  const jobs: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
    jobs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return jobs;
};

/** billedAfterEndOfJobs over every job of a tenant. */
export const billedAfterEndOfTenant = async (
  store: JobStore,
  tenantId: string,
  providers: ProviderRegistry,
  now: Date,
): Promise<Record<string, BilledAfterEnd>> => billedAfterEndOfJobs(await jobsOfTenant(store, tenantId), providers, now);
