// The default local market: the `local` runner plus simulated networks with realistic
// prices, start delays and failure rates. Prices are illustrative per-GPU-hour figures
// in the range the networks and clouds advertised in 2025.
import type { Clock } from '../core/ports.js';
import type { Provider } from '../core/provider.js';
import { LocalProvider } from '../providers/local/local-provider.js';
import { SimProvider } from '../providers/sim/sim-provider.js';

export const defaultMarket = (clock: Clock, seed = 42): Provider[] => [
  new LocalProvider(),
  new SimProvider(
    {
      name: 'sim-spot',
      catalog: [
        { gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 1.99 },
        { gpuModel: 'A100-80GB', vramGb: 80, pricePerGpuHourUsd: 1.1 },
        { gpuModel: 'RTX4090', vramGb: 24, pricePerGpuHourUsd: 0.35 },
      ],
      startDelayMs: 3000,
      runTimeMs: 20_000,
      refuseRate: 0.1,
      failureRate: 0.15,
      seed,
    },
    clock,
  ),
  new SimProvider(
    {
      name: 'sim-community',
      catalog: [
        { gpuModel: 'A100-80GB', vramGb: 80, pricePerGpuHourUsd: 1.35 },
        { gpuModel: 'RTX4090', vramGb: 24, pricePerGpuHourUsd: 0.4 },
      ],
      startDelayMs: 5000,
      runTimeMs: 20_000,
      failureRate: 0.05,
      seed: seed + 1,
    },
    clock,
  ),
  new SimProvider(
    {
      name: 'sim-cloud',
      kind: 'cloud',
      catalog: [
        { gpuModel: 'H100', vramGb: 80, pricePerGpuHourUsd: 6.88 },
        { gpuModel: 'A100-80GB', vramGb: 80, pricePerGpuHourUsd: 5.12 },
      ],
      startDelayMs: 8000,
      runTimeMs: 20_000,
      failureRate: 0,
      seed: seed + 2,
    },
    clock,
  ),
];
