// Operator money routes (admin scope): the trial balance, tenants' billing terms, what
// each provider is owed, and the unsigned USDC payout batch for the treasury to sign.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { termsAudit, termsProblem, type BillingConfig } from '../../money/billing-account.js';
import { balanceViolations, trialBalance } from '../../money/invariants.js';
import { accounts, tenantOfAccount } from '../../money/ledger.js';
import { providerStatement, providersWithPayables } from '../../money/provider-statement.js';
import { CHAINS } from '../../payments/usdc.js';
import { requireScope } from '../auth.js';
import { centsToMicroUsd } from '../micro-usd-view.js';
import type { ApiEnv } from '../context.js';
import { problem, validationProblem } from '../problem.js';
import { ProblemSchema } from '../schemas.js';
import type { MoneyApiDeps } from './money-deps.js';

const security = [{ bearerAuth: [] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const denied = { 401: { description: 'No key', content: { 'application/problem+json': { schema: ProblemSchema } } }, 403: { description: 'Needs admin', content: { 'application/problem+json': { schema: ProblemSchema } } } };
const micro = () => z.number().int();
const TenantParam = z.object({ tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).openapi({ param: { name: 'tenantId', in: 'path' } }) });
const ProviderParam = z.object({ provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).openapi({ param: { name: 'provider', in: 'path' } }) });

const BillingConfigSchema = z
  .object({
    mode: z.enum(['invoice', 'prepaid']),
    monthlyBudgetMicroUsd: micro().min(0).optional(),
    pricing: z.object({ marginBps: z.number().int().min(0).max(100_000).optional(), rateCard: z.record(z.string().max(64), micro().min(0)).optional() }).strict().optional(),
    email: z.email().max(320).optional(),
    daysUntilDue: z.number().int().min(0).max(365).optional(),
    wallets: z.object(Object.fromEntries(CHAINS.map((c) => [c, z.array(z.string().min(32).max(64)).max(10).optional()]))).strict().optional(),
  })
  .strict()
  .openapi('BillingConfig');

export const registerBillingAdminRoutes = (app: OpenAPIHono<ApiEnv>, money: MoneyApiDeps): void => {
  app.use('/v1/admin/ledger/*', requireScope('admin'));
  app.use('/v1/admin/billing/*', requireScope('admin'));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/ledger/trial-balance',
      summary: 'Sum of every ledger account (always 0)',
      security,
      responses: { 200: json(z.object({ totalMicroUsd: micro(), accounts: z.number().int(), violations: z.array(z.string()) }), 'Trial balance'), ...denied },
    }),
    async (c) => {
      const balances = await money.ledger.allBalances();
      const tenants = [...new Set(Object.keys(balances).flatMap((a) => tenantOfAccount(a) ?? []))];
      const modes = new Map(await Promise.all(tenants.map(async (t) => [t, (await money.billing.get(t)).mode] as const)));
      return c.json({ totalMicroUsd: trialBalance(balances), accounts: Object.keys(balances).length, violations: balanceViolations(balances, (t) => modes.get(t) ?? 'invoice') }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/billing/tenants/{tenantId}',
      summary: "Set a tenant's billing terms",
      description:
        'Invoice or prepaid, monthly budget, margin or rate card, invoice email and net terms, USDC wallets. Invoice terms need a monthly budget. A tenant never configured is prepaid with a zero balance. Overdue state and the Stripe customer are kept; the change and the previous terms are recorded in the audit trail (action billing.terms.set) in the same write.',
      security,
      request: { params: TenantParam, body: { content: { 'application/json': { schema: BillingConfigSchema } }, required: true } },
      responses: { 200: json(BillingConfigSchema.extend({ tenantId: z.string(), overdueInvoiceIds: z.array(z.string()), stripeCustomerId: z.string().optional() }), 'The billing account'), 400: { description: 'Invalid terms', content: { 'application/problem+json': { schema: ProblemSchema } } }, ...denied },
    }),
    async (c) => {
      const { tenantId } = c.req.valid('param');
      const terms = c.req.valid('json') as BillingConfig;
      const refused = termsProblem(terms);
      if (refused) return validationProblem(c, [{ field: 'monthlyBudgetMicroUsd', pointer: '/monthlyBudgetMicroUsd', detail: refused }]) as never;
      const before = await money.billing.get(tenantId);
      const { tenantId: _t, overdueInvoiceIds: _o, stripeCustomerId: _s, ...previous } = before;
      const audit = termsAudit({ tenantId, terms, previous, at: money.clock.now().toISOString(), actor: { tenantId: c.get('tenantId'), keyId: c.get('keyId') } });
      return c.json(await money.billing.configure(tenantId, terms, audit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/billing/runs',
      summary: 'Run the monthly billing for a period',
      description:
        'Bills every invoice tenant for the period (YYYY-MM, UTC): one Stripe invoice each (send_invoice, net terms), lines that add up to the ledger to the cent. Idempotent: a period already billed answers already-sent. Each result carries the invoice as Stripe has it.',
      security,
      request: { body: { content: { 'application/json': { schema: z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM') }).strict() } }, required: true } },
      responses: {
        200: json(z.object({ period: z.string(), results: z.array(z.object({ tenantId: z.string(), outcome: z.string(), stripeInvoiceId: z.string().optional(), totalMicroUsd: z.number().int().optional().openapi({ description: 'The invoice total in micro-dollars (whole cents, as Stripe bills).' }), lines: z.number().int().optional(), error: z.string().optional(), invoice: z.any().optional().openapi({ description: 'The invoice as Stripe has it; amounts in micro-dollars (amountDueMicroUsd, lines[].amountMicroUsd).' }) })) }), 'What each tenant was billed'),
        404: { description: 'Stripe not configured', content: { 'application/problem+json': { schema: ProblemSchema } } },
        ...denied,
      },
    }),
    async (c) => {
      if (!money.billingRun) return problem(c, 404, 'billing-not-configured', 'No Stripe configured', 'This deployment has no Stripe API key, so it cannot invoice.') as never;
      const { period } = c.req.valid('json');
      return c.json({ period, results: centsToMicroUsd(await money.billingRun(period)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/billing/providers/{provider}/statement',
      summary: 'What a provider is owed, with the job postings behind it',
      security,
      request: { params: ProviderParam, query: z.object({ from: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'from', in: 'query' } }), to: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'to', in: 'query' } }) }) },
      responses: {
        200: json(z.object({ provider: z.string(), owedMicroUsd: micro(), periodMicroUsd: micro(), lines: z.array(z.object({ postingId: z.string(), jobId: z.string().optional(), at: z.string(), amountMicroUsd: micro() })) }), 'Statement'),
        ...denied,
      },
    }),
    async (c) => {
      const { provider } = c.req.valid('param');
      const q = c.req.valid('query');
      const account = accounts.payable(provider);
      const [balances, postings] = await Promise.all([money.ledger.balances([account]), money.ledger.accountPostings(account, { ...(q.from ? { from: new Date(q.from).toISOString() } : {}), ...(q.to ? { to: new Date(q.to).toISOString() } : {}) })]);
      return c.json(providerStatement(provider, balances[account] ?? 0, postings), 200);
    },
  );
};

/** The USDC payout batch: served by the payments function (src/api/groups/usdc.ts), so it checks the admin scope itself. */
export const registerPayoutBatchRoute = (app: OpenAPIHono<ApiEnv>, money: MoneyApiDeps): void => {
  app.use('/v1/admin/billing/payouts/*', requireScope('admin'));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/billing/payouts/usdc',
      summary: 'Unsigned USDC payout batch for networks paid in USDC',
      description: 'Base: ERC-20 transfer calls for a Safe-style batch. Solana: spl-token transferChecked instructions from the treasury. Sign and send with the treasury key.',
      security,
      responses: { 200: json(z.object({ totalMicroUsd: micro(), base: z.any().optional(), solana: z.any().optional() }), 'Payout batch'), ...denied },
    }),
    async (c) => {
      if (!money.payouts) return problem(c, 404, 'payouts-not-configured', 'No USDC payouts configured', 'No network is configured to be paid in USDC.') as never;
      const balances = await money.ledger.allBalances();
      const statements = providersWithPayables(balances)
        .filter((p) => money.payouts!.targets[p])
        .map((p) => providerStatement(p, balances[accounts.payable(p)] ?? 0, []));
      return c.json(await money.payouts.build(statements), 200);
    },
  );
};
