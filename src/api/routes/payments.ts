// POST /v1/payments/usdc: credit a prepaid balance with a USDC transfer verified on chain.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { creditUsdcDeposit } from '../../payments/usdc-payments.js';
import { CHAINS } from '../../payments/usdc.js';
import { requireScope } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemResponse } from '../openapi-responses.js';
import type { MoneyApiDeps } from './money-deps.js';

const usdcProblem = (status: 400 | 409 | 422, slug: string, title: string, detail: string) =>
  problemResponse(detail, status, { type: `https://switchyard.dev/problems/usdc-${slug}`, title, status, detail, instance: '/v1/payments/usdc' });
const TX_EXAMPLE = '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW';

const UsdcPaymentRequest = z
  .object({
    chain: z.enum(CHAINS).openapi({ description: 'The chain the transfer was made on.', example: 'solana' }),
    tx: z.string().min(1).max(128).openapi({ description: 'Solana transaction signature or Base transaction hash', example: TX_EXAMPLE }),
  })
  .strict()
  .openapi('UsdcPaymentRequest', { description: 'A USDC transfer to credit to your prepaid balance.' });

const CreditedSchema = z
  .object({
    chain: z.enum(CHAINS).openapi({ description: 'The chain of the transfer.' }),
    tx: z.string().openapi({ description: 'The transaction credited.' }),
    creditedMicroUsd: z.number().int().openapi({ description: 'What was credited, in micro-dollars (1 USDC = 1 000 000).', example: 25000000 }),
    availableMicroUsd: z.number().int().openapi({ description: 'Your available prepaid balance after the credit, in micro-dollars.', example: 31250000 }),
    payer: z.string().openapi({ description: 'The registered wallet the USDC came from.', example: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' }),
  })
  .openapi('UsdcPayment', { description: 'A credited USDC deposit.' });

export const registerPaymentRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, money: MoneyApiDeps): void => {
  // Crediting one's own balance with a verified transfer moves no money out; billing:read is the billing scope there is.
  app.use('/v1/payments/*', requireScope('billing:read'));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/payments/usdc',
      operationId: 'creditUsdcPayment',
      tags: ['Payments'],
      summary: 'Credit a USDC deposit',
      description:
        'Checks the transaction on chain: official USDC, paid to the treasury, from a wallet registered to you, final (Solana: finalized; Base: enough confirmations). Each transaction credits once, ever.',
      security: [{ bearerAuth: [] }],
      request: { body: jsonBody(UsdcPaymentRequest, { chain: 'solana', tx: TX_EXAMPLE }) },
      responses: {
        201: jsonResponse(CreditedSchema, 'Credited', { chain: 'solana', tx: TX_EXAMPLE, creditedMicroUsd: 25000000, availableMicroUsd: 31250000, payer: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' }),
        400: usdcProblem(400, 'invalid-transaction', 'Invalid transaction id', 'Not a transaction id for the chain'),
        409: usdcProblem(409, 'already-credited', 'Already credited', 'Already credited, not final yet, or the tenant pays by invoice'),
        413: bodyTooLarge,
        422: usdcProblem(422, 'not-usdc', 'Not a USDC deposit', 'Not USDC, not to the treasury, failed, not found, or from an unregistered wallet'),
        ...apiKeyProblems('billing:read'),
      },
    }),
    async (c) => {
      const { chain, tx } = c.req.valid('json');
      const credited = await creditUsdcDeposit({ ledger: money.ledger, billing: money.billing, verifiers: money.usdcVerifiers ?? {}, clock: deps.jobs.clock }, c.get('tenantId'), chain, tx);
      return c.json(credited, 201);
    },
  );
};
