import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { GpuCatalogue, type ProviderCatalogue } from '../../core/gpu-catalogue.js';
import { acceptedGpuModelsOf } from '../../core/gpu-models.js';
import type { ProviderInfo } from '../../core/provider.js';
import { breakerState, type ProviderStatsRecord } from '../../core/reliability.js';
import { usdToMicro } from '../../money/amounts.js';
import { listRatePerGpuHour } from '../../money/pricing.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { ProviderListSchema } from '../schemas.js';
import { jsonResponse, problemOf, rateLimited } from '../openapi-responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/providers',
  operationId: 'listProviders',
  tags: ['Providers'],
  summary: 'List providers and the GPUs they offer now',
  description:
    'Every configured provider with its kind and health, the GPU models it offers now (read from its live offers, cached for about a minute) with your price range per GPU-hour in micro-dollars (your margin or rate card applied), and the model names a job may ask for. A provider whose offers cannot be read says so in its own entry.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: jsonResponse(ProviderListSchema, 'Providers', {
      items: [
        {
          name: 'vastai',
          kind: 'decentralized',
          enabled: true,
          health: 'healthy',
          gpus: [
            { model: 'H100', vramGb: 80, minPricePerGpuHourMicroUsd: 2_300_000, maxPricePerGpuHourMicroUsd: 2_875_000, offers: 14, gpuCounts: [1, 8], regions: ['US', 'DE'] },
          ],
          models: ['H100', 'H100-80GB'],
          catalogue: { source: 'live', fetchedAt: '2026-12-02T10:00:00.000Z' },
        },
      ],
      gpuModels: ['A100', 'A100-80GB', 'H100', 'H100-80GB', 'L40S', 'RTX4090'],
    }),
    401: problemOf(401, 'Missing or invalid API key'),
    429: rateLimited(),
  },
});

/** Turns a provider's price (USD per GPU-hour) into the tenant's own (µUSD). */
type CustomerRate = (gpuModel: string, providerUsdPerGpuHour: number) => number;

const gpuView = (c: ProviderCatalogue, rate: CustomerRate) =>
  c.gpus.map((g) => ({
    model: g.model,
    vramGb: g.vramGb,
    minPricePerGpuHourMicroUsd: rate(g.model, g.minPricePerGpuHourUsd),
    maxPricePerGpuHourMicroUsd: rate(g.model, g.maxPricePerGpuHourUsd),
    offers: g.offers,
    gpuCounts: g.gpuCounts,
    ...(g.regions ? { regions: g.regions } : {}),
  }));

export const registerProviderRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  const catalogue = new GpuCatalogue(deps.providers, deps.jobs.clock, { ttlSeconds: 60, ...(deps.log ? { log: deps.log } : {}) });
  app.openapi(route, async (c) => {
    const providers = deps.providers.all();
    const [stats, entries, rate] = await Promise.all([measuredStats(deps, providers.map((p) => p.name)), catalogue.entries(), customerRateFor(deps, c.get('tenantId'))]);
    const byName = new Map(entries.map((e) => [e.provider, e]));
    const now = deps.jobs.clock.now();
    return c.json(
      {
        items: providers.map((p) => {
          const info = p.info();
          const entry = byName.get(p.name);
          return {
            name: info.name,
            kind: info.kind,
            enabled: info.enabled,
            health: measuredHealth(info.health, stats.get(p.name), now),
            ...(info.note ? { note: info.note } : {}),
            gpus: entry ? gpuView(entry, rate) : [],
            models: entry?.models ?? [],
            catalogue: entry
              ? { source: entry.source, fetchedAt: entry.fetchedAt, ...(entry.error ? { error: entry.error } : {}) }
              : { source: 'catalog' as const, fetchedAt: now.toISOString(), error: 'not read yet' },
          };
        }),
        gpuModels: acceptedGpuModelsOf(providers),
      },
      200,
    );
  });
};

/** The tenant's prices (margin or rate card); the provider's own when the API bills nothing. */
const customerRateFor = async (deps: ApiDeps, tenantId: string): Promise<CustomerRate> => {
  const money = deps.money;
  if (!money) return (_model, usd) => usdToMicro(usd);
  const pricing = (await money.billing.get(tenantId)).pricing ?? {};
  return (gpuModel, usd) => listRatePerGpuHour(money.pricing, pricing, { gpuModel, pricePerGpuHourUsd: usd });
};

/** Stats are advisory here: if they cannot be read, the listing still answers. */
const measuredStats = async (deps: ApiDeps, names: string[]): Promise<Map<string, ProviderStatsRecord>> => {
  try {
    return (await deps.stats?.getMany(names)) ?? new Map();
  } catch (error) {
    deps.log?.('provider stats unavailable', { error: String(error) });
    return new Map();
  }
};

/**
 * What the provider says of itself, overridden by what Switchyard measured: out of
 * rotation (breaker open) is "down", on probation (half-open) or failing lately is "degraded".
 */
export const measuredHealth = (reported: ProviderInfo['health'], stats: ProviderStatsRecord | undefined, now: Date): ProviderInfo['health'] => {
  if (reported === 'disabled' || !stats) return reported;
  const breaker = breakerState(stats, now);
  if (breaker === 'open') return 'down';
  if (breaker === 'half-open' || stats.consecutiveFailures > 0) return 'degraded';
  return reported;
};
