// Placement: gather offers from every eligible provider, keep those that satisfy the
// job's constraints, and rank them. Decentralized (and local) capacity comes first;
// clouds close the chain only when the job's fallback is "cloud".
import type { JobSpec } from './job.js';
import type { Offer, Provider } from './provider.js';

export interface RankedOffers {
  offers: Offer[];
  /** Why providers were left out, for the job's timeline when nothing fits. */
  notes: string[];
}

const normalizeModel = (model: string): string => model.toUpperCase().replace(/[\s_]/g, '-');

export const eligibleProviders = (providers: Provider[], spec: JobSpec, exclude: ReadonlySet<string>): Provider[] => {
  const allow = spec.placement.networks?.map((n) => n.toLowerCase());
  return providers.filter((p) => {
    if (exclude.has(p.name) || !p.info().enabled) return false;
    if (allow) return allow.includes(p.name.toLowerCase());
    if (p.explicitOnly) return false;
    return p.kind !== 'cloud' || spec.placement.fallback === 'cloud';
  });
};

export const offerFits = (offer: Offer, spec: JobSpec): boolean => {
  const gpu = spec.resources.gpu;
  const models = new Set(gpu.models.map(normalizeModel));
  return (
    (models.has(normalizeModel(offer.gpuModel)) || models.has('ANY')) &&
    offer.gpuCount >= gpu.count &&
    offer.vramGb >= (gpu.minVramGb ?? 0) &&
    offer.pricePerGpuHourUsd <= spec.maxPricePerGpuHourUsd
  );
};

/** Lower is better. Start delay is priced as the cost of the GPUs waiting idle for it. */
const score = (offer: Offer, spec: JobSpec): number => {
  const hours = spec.maxDurationSeconds / 3600;
  const runCost = offer.pricePerGpuHourUsd * hours;
  const waitHours = offer.expectedStartSeconds / 3600;
  switch (spec.placement.strategy) {
    case 'cheapest':
      return runCost + offer.pricePerGpuHourUsd * waitHours * 0.01;
    case 'fastest':
      return offer.expectedStartSeconds + runCost * 1e-6;
    case 'balanced':
      return runCost + Math.max(offer.pricePerGpuHourUsd, 1) * waitHours;
  }
};

const tier = (p: Offer, kindOf: Map<string, Provider['kind']>): number => (kindOf.get(p.provider) === 'cloud' ? 1 : 0);

export const rankOffers = async (providers: Provider[], spec: JobSpec, exclude: ReadonlySet<string>): Promise<RankedOffers> => {
  const eligible = eligibleProviders(providers, spec, exclude);
  const notes: string[] = [];
  const kindOf = new Map(eligible.map((p) => [p.name, p.kind]));
  const results = await Promise.allSettled(
    eligible.map((p) =>
      p.offers({ gpu: spec.resources.gpu, maxPricePerGpuHourUsd: spec.maxPricePerGpuHourUsd }),
    ),
  );
  const offers: Offer[] = [];
  results.forEach((r, i) => {
    const name = eligible[i]!.name;
    if (r.status === 'rejected') {
      notes.push(`${name}: offers unavailable (${(r.reason as Error)?.message ?? r.reason})`);
      return;
    }
    const fitting = r.value.filter((o) => offerFits(o, spec));
    if (fitting.length === 0) notes.push(`${name}: no offer fits the GPU, VRAM and price limits`);
    // One candidate per provider: failover moves to another provider, not another box of the same one.
    const best = fitting.sort((a, b) => score(a, spec) - score(b, spec))[0];
    if (best) offers.push(best);
  });
  offers.sort((a, b) => tier(a, kindOf) - tier(b, kindOf) || score(a, spec) - score(b, spec));
  return { offers, notes };
};
