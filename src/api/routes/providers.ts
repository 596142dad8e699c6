import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ProviderInfo } from '../../core/provider.js';
import { breakerState, type ProviderStatsRecord } from '../../core/reliability.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { ProblemSchema, ProviderSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/providers',
  summary: 'List providers',
  description: 'Every configured provider with its kind, GPU models, prices per GPU-hour and health.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'Providers', content: { 'application/json': { schema: z.object({ items: z.array(ProviderSchema) }) } } },
    401: { description: 'Missing or invalid API key', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const registerProviderRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void => {
  app.openapi(route, async (c) => {
    const providers = deps.providers.all();
    const stats = await measuredStats(deps, providers.map((p) => p.name));
    const now = deps.jobs.clock.now();
    return c.json(
      {
        items: providers.map((p) => {
          const info = p.info();
          return {
            name: info.name,
            kind: info.kind,
            enabled: info.enabled,
            health: measuredHealth(info.health, stats.get(p.name), now),
            ...(info.note ? { note: info.note } : {}),
            gpus: info.catalog.map((g) => ({
              model: g.gpuModel,
              vramGb: g.vramGb,
              pricePerGpuHourUsd: g.pricePerGpuHourUsd,
              ...(g.regions ? { regions: g.regions } : {}),
            })),
          };
        }),
      },
      200,
    );
  });
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
