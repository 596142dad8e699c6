// What a customer pays per GPU-hour on a given offer: the provider's price plus a margin,
// or a per-tenant rate card per GPU model; never more than the job's own ceiling
// (maxPricePerGpuHourUsd), so a job's charge can never outgrow the hold placed for it.
import type { JobSpec } from '../core/job.js';
import { SECONDS_PER_HOUR, mulDiv, usdToMicro } from './amounts.js';

export const DEFAULT_MARGIN_BPS = 1500; // 15 %
const BPS = 10_000;

/** How one tenant is priced. Either field may be unset: the platform default applies. */
export interface TenantPricing {
  /** Margin over provider cost, in basis points (1500 = 15 %). */
  marginBps?: number;
  /** Fixed customer price per GPU-hour (µUSD) by GPU model; overrides the margin for those models. */
  rateCard?: Record<string, number>;
}

export interface PricingConfig {
  defaultMarginBps: number;
}

export const DEFAULT_PRICING: PricingConfig = { defaultMarginBps: DEFAULT_MARGIN_BPS };

const normalizeModel = (model: string): string => model.toUpperCase().replace(/[\s_]/g, '-');

export const rateCardPrice = (pricing: TenantPricing, gpuModel: string): number | undefined => {
  if (!pricing.rateCard) return undefined;
  const wanted = normalizeModel(gpuModel);
  for (const [model, micro] of Object.entries(pricing.rateCard)) if (normalizeModel(model) === wanted) return micro;
  return undefined;
};

/**
 * Customer µUSD for `seconds` of `gpuCount` GPUs on an offer priced `providerMicroPerGpuHour`.
 * One rounding (half-up) over the exact product, then capped at the job's ceiling (rounded
 * down, so the cap never exceeds what the customer allowed).
 */
export const customerAmount = (
  config: PricingConfig,
  pricing: TenantPricing,
  spec: JobSpec,
  usage: { gpuModel: string; gpuCount: number; seconds: number; providerMicroPerGpuHour: number },
): number => {
  const gpuSeconds = BigInt(usage.gpuCount) * BigInt(usage.seconds);
  const card = rateCardPrice(pricing, usage.gpuModel);
  const price =
    card !== undefined
      ? mulDiv(gpuSeconds, card, SECONDS_PER_HOUR)
      : mulDiv(gpuSeconds * BigInt(usage.providerMicroPerGpuHour), BPS + (pricing.marginBps ?? config.defaultMarginBps), SECONDS_PER_HOUR * BPS);
  const cap = mulDiv(gpuSeconds, usdToMicro(spec.maxPricePerGpuHourUsd), SECONDS_PER_HOUR, 'floor');
  return Math.min(price, cap);
};

/** The customer's price per GPU-hour (µUSD) on an offer, for quotes. */
export const customerRatePerGpuHour = (
  config: PricingConfig,
  pricing: TenantPricing,
  spec: JobSpec,
  offer: { gpuModel: string; pricePerGpuHourUsd: number },
): number => customerAmount(config, pricing, spec, { gpuModel: offer.gpuModel, gpuCount: 1, seconds: SECONDS_PER_HOUR, providerMicroPerGpuHour: usdToMicro(offer.pricePerGpuHourUsd) });

/** The customer's list price per GPU-hour (µUSD) for a provider price, before any job's ceiling: for price listings. */
export const listRatePerGpuHour = (config: PricingConfig, pricing: TenantPricing, offer: { gpuModel: string; pricePerGpuHourUsd: number }): number =>
  rateCardPrice(pricing, offer.gpuModel) ?? mulDiv(BigInt(usdToMicro(offer.pricePerGpuHourUsd)), BPS + (pricing.marginBps ?? config.defaultMarginBps), BPS);

/** What the provider is owed for `seconds` of `gpuCount` GPUs at its price (half-up). */
export const providerAmount = (usage: { gpuCount: number; seconds: number; providerMicroPerGpuHour: number }): number =>
  mulDiv(BigInt(usage.gpuCount) * BigInt(usage.seconds), usage.providerMicroPerGpuHour, SECONDS_PER_HOUR);

/**
 * The most a job can cost the customer: ceiling × max duration × GPU count, rounded up.
 * This is the prepaid hold and the amount reserved against the monthly budget.
 */
export const maxChargeMicroUsd = (spec: JobSpec): number =>
  mulDiv(BigInt(spec.maxDurationSeconds) * BigInt(spec.resources.gpu.count), usdToMicro(spec.maxPricePerGpuHourUsd), SECONDS_PER_HOUR, 'ceil');
