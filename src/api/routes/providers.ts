import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
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
  app.openapi(route, (c) =>
    c.json(
      {
        items: deps.providers.all().map((p) => {
          const info = p.info();
          return {
            name: info.name,
            kind: info.kind,
            enabled: info.enabled,
            health: info.health,
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
    ),
  );
};
