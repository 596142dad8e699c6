export { createAkashProvider, AkashProvider, type AkashConfig } from './akash-provider.js';
export { AKASH_USDC_IBC_DENOM, DEFAULT_BLOCKS_PER_HOUR, usdPerGpuHour, maxAmountPerBlock } from './pricing.js';
