export { createAkashProvider, AkashProvider, NO_EXIT_CODE, type AkashConfig } from './akash-provider.js';
export { AKASH_USDC_IBC_DENOM, DEFAULT_BLOCKS_PER_HOUR, UACT, depositUsd, usdPerGpuHour, maxAmountPerBlock } from './pricing.js';
