// POST /v1/payments/usdc: credit a prepaid balance with a USDC transfer verified on chain.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { creditUsdcDeposit } from '../../payments/usdc-payments.js';
import { CHAINS } from '../../payments/usdc.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';
import type { MoneyApiDeps } from './money-deps.js';

const problemOf = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const UsdcPaymentRequest = z
  .object({
    chain: z.enum(CHAINS),
    tx: z.string().min(1).max(128).openapi({ description: 'Solana transaction signature or Base transaction hash' }),
  })
  .strict()
  .openapi('UsdcPaymentRequest');

const CreditedSchema = z
  .object({ chain: z.enum(CHAINS), tx: z.string(), creditedMicroUsd: z.number().int(), availableMicroUsd: z.number().int(), payer: z.string() })
  .openapi('UsdcPayment');

export const registerPaymentRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, money: MoneyApiDeps): void => {
  // Crediting one's own balance with a verified transfer moves no money out; billing:read is the billing scope there is.
  app.use('/v1/payments/*', requireScope('billing:read'));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/payments/usdc',
      summary: 'Credit a USDC deposit',
      description:
        'Checks the transaction on chain: official USDC, paid to the treasury, from a wallet registered to you, final (Solana: finalized; Base: enough confirmations). Each transaction credits once, ever.',
      security: [{ bearerAuth: [] }],
      request: { body: { content: { 'application/json': { schema: UsdcPaymentRequest } }, required: true } },
      responses: {
        201: { description: 'Credited', content: { 'application/json': { schema: CreditedSchema } } },
        400: problemOf('Not a transaction id for the chain'),
        409: problemOf('Already credited, not final yet, or the tenant pays by invoice'),
        422: problemOf('Not USDC, not to the treasury, failed, not found, or from an unregistered wallet'),
      },
    }),
    async (c) => {
      const { chain, tx } = c.req.valid('json');
      const credited = await creditUsdcDeposit({ ledger: money.ledger, billing: money.billing, verifiers: money.usdcVerifiers ?? {}, clock: deps.jobs.clock }, c.get('tenantId'), chain, tx);
      return c.json(credited, 201);
    },
  );
};
