// Akash prices are chain amounts: micro-units of a denom per block, for the whole order
// (every GPU in the group). Switchyard thinks in USD per GPU-hour, so:
//
//   usdPerGpuHour = amountPerBlock / 1e6 × usdPerDenomUnit × blocksPerHour / gpuCount
//
// blocksPerHour comes from the average block time (≈6.1 s on mainnet → ≈590 blocks/h;
// configurable because it drifts). The Console API rewrites every SDL price to `uact`
// (issue 9, re-checked: the generated document carries no denom enum, so the adapter
// prices whatever denom a bid names): ACT is the compute credit of Akash's Burn-Mint
// Equilibrium (the Console's /v1/bme/* routes), so its USD value comes from configuration —
// `actUsd`, default 1 (ACT is minted against USD value; an assumption, stated in
// docs/providers/akash.md). AKT needs `aktUsd` (a price feed); USDC is 1. A bid in a denom
// with no configured price is skipped, since its cost against the ceiling cannot be known.

/** USDC over IBC on Akash mainnet (the Console API docs' older SDL example). */
export const AKASH_USDC_IBC_DENOM = 'ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1';
/** Micro-ACT, the denom the Console rewrites SDL prices to. */
export const UACT = 'uact';

export const DEFAULT_BLOCKS_PER_HOUR = 3600 / 6.098;

export interface AkashPricing {
  /** USD per whole unit (1e6 micro-units) of each denom the adapter may see. */
  usdPerDenom: Record<string, number>;
  blocksPerHour: number;
  /** The denom Switchyard puts in the SDL's pricing ceiling. */
  sdlDenom: string;
}

export const defaultPricing = (rates: { actUsd?: number; aktUsd?: number } = {}): AkashPricing => ({
  usdPerDenom: {
    [UACT]: rates.actUsd ?? 1,
    [AKASH_USDC_IBC_DENOM]: 1,
    uusdc: 1,
    ...(rates.aktUsd === undefined ? {} : { uakt: rates.aktUsd }),
  },
  blocksPerHour: DEFAULT_BLOCKS_PER_HOUR,
  sdlDenom: UACT,
});

export const usdPerGpuHour = (
  price: { denom: string; amount: string },
  gpuCount: number,
  p: AkashPricing,
): number | undefined => {
  const usd = p.usdPerDenom[price.denom];
  const amount = Number(price.amount);
  if (usd === undefined || !Number.isFinite(amount)) return undefined;
  return ((amount / 1e6) * usd * p.blocksPerHour) / Math.max(1, gpuCount);
};

/** The SDL ceiling: the highest per-block amount (in sdlDenom micro-units) a bid may ask. */
export const maxAmountPerBlock = (ceilingUsdPerGpuHour: number, gpuCount: number, p: AkashPricing): number => {
  const usd = p.usdPerDenom[p.sdlDenom] ?? 1;
  return Math.floor((ceilingUsdPerGpuHour * gpuCount * 1e6) / usd / p.blocksPerHour);
};

/**
 * `data.deposit` of POST /v1/deployments, in USD: required unless the account has managed
 * deposits (FACTS.md §1, deployment-writer.service.ts resolveDepositInDollars). It funds the
 * escrow the lease draws on; what is left comes back when the deployment closes. Enough for
 * the whole run at the ceiling, never under `minUsd` (the Console's own minimum is not in the
 * document; `minDepositUsd` is ours, configurable).
 */
export const depositUsd = (ceilingUsdPerGpuHour: number, gpuCount: number, maxDurationSeconds: number, minUsd: number): number =>
  Math.max(minUsd, Math.ceil(ceilingUsdPerGpuHour * gpuCount * (maxDurationSeconds / 3600) * 100) / 100);
