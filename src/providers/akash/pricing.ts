// Akash prices are chain amounts: micro-units of a denom per block, for the whole order
// (every GPU in the group). Switchyard thinks in USD per GPU-hour, so:
//
//   usdPerGpuHour = amountPerBlock / 1e6 × usdPerDenomUnit × blocksPerHour / gpuCount
//
// blocksPerHour comes from the average block time (≈6.1 s on mainnet → ≈590 blocks/h;
// configurable because it drifts), and usdPerDenomUnit from configuration: USDC (and
// the console's USD-settled denoms) are 1; AKT needs a price the caller supplies (e.g.
// from a price feed). A bid in a denom with no configured price is skipped, since its
// cost against the ceiling cannot be known.

/** USDC over IBC on Akash mainnet, the denom the Console API docs' SDL example uses. */
export const AKASH_USDC_IBC_DENOM = 'ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1';

export const DEFAULT_BLOCKS_PER_HOUR = 3600 / 6.098;

export interface AkashPricing {
  /** USD per whole unit (1e6 micro-units) of each denom the adapter may see. */
  usdPerDenom: Record<string, number>;
  blocksPerHour: number;
  /** The denom Switchyard puts in the SDL's pricing ceiling. */
  sdlDenom: string;
}

export const defaultPricing = (aktUsd?: number): AkashPricing => ({
  usdPerDenom: {
    [AKASH_USDC_IBC_DENOM]: 1,
    uusdc: 1,
    ...(aktUsd === undefined ? {} : { uakt: aktUsd }),
  },
  blocksPerHour: DEFAULT_BLOCKS_PER_HOUR,
  sdlDenom: AKASH_USDC_IBC_DENOM,
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
