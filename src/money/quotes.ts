// Quotes: what a job would cost before it is submitted. Uses the same placement as the
// dispatcher (rankOffers) and the same pricing as settlement, so a quote's figures are
// the figures the customer would be charged at.
import type { JobSpec } from '../core/job.js';
import { rankOffers, type PlacementContext } from '../core/placement.js';
import type { Provider } from '../core/provider.js';
import { usdToMicro } from './amounts.js';
import { customerAmount, customerRatePerGpuHour, maxChargeMicroUsd, type PricingConfig, type TenantPricing } from './pricing.js';

export interface QuotedOffer {
  provider: string;
  gpuModel: string;
  gpuCount: number;
  region?: string;
  expectedStartSeconds: number;
  /** The customer's price per GPU-hour on this offer (margin included, ceiling applied). */
  pricePerGpuHourMicroUsd: number;
  /** The cost if the job runs its full maxDurationSeconds here. */
  maxCostMicroUsd: number;
}

export interface Quote {
  offers: QuotedOffer[];
  /** Cost of a full-length run, cheapest and dearest candidate; absent when nothing fits. */
  priceRange?: { minMicroUsd: number; maxMicroUsd: number };
  /** What submit would hold (prepaid) and reserve against the budget: ceiling × duration × GPUs. */
  holdMicroUsd: number;
  notes: string[];
}

/** `ctx` carries the providers' measured reliability: a provider whose breaker is open is left out, as the dispatcher would. */
export const quoteJob = async (providers: Provider[], spec: JobSpec, config: PricingConfig, pricing: TenantPricing, ctx: PlacementContext = {}): Promise<Quote> => {
  const ranked = await rankOffers(providers, spec, new Set(), ctx);
  const gpus = spec.resources.gpu.count;
  const offers = ranked.offers.map((offer): QuotedOffer => {
    const rate = customerRatePerGpuHour(config, pricing, spec, offer);
    return {
      provider: offer.provider,
      gpuModel: offer.gpuModel,
      gpuCount: gpus,
      ...(offer.region ? { region: offer.region } : {}),
      expectedStartSeconds: offer.expectedStartSeconds,
      pricePerGpuHourMicroUsd: rate,
      maxCostMicroUsd: customerAmount(config, pricing, spec, {
        gpuModel: offer.gpuModel,
        gpuCount: gpus,
        seconds: spec.maxDurationSeconds,
        providerMicroPerGpuHour: usdToMicro(offer.pricePerGpuHourUsd),
      }),
    };
  });
  const costs = offers.map((o) => o.maxCostMicroUsd);
  return {
    offers,
    ...(costs.length > 0 ? { priceRange: { minMicroUsd: Math.min(...costs), maxMicroUsd: Math.max(...costs) } } : {}),
    holdMicroUsd: maxChargeMicroUsd(spec),
    notes: ranked.notes,
  };
};
