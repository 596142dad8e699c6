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
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf } from '../openapi-responses.js';
import type { MoneyApiDeps } from './money-deps.js';

const security = [{ bearerAuth: [] }];
const tags = ['Admin'];
const json = jsonResponse;
const denied = apiKeyProblems('admin');
/** An integer amount in micro-dollars, described. */
const micro = (description: string) => z.number().int().openapi({ description: `${description}, in micro-dollars (1 USD = 1 000 000).` });
const TenantParam = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).openapi({ param: { name: 'tenantId', in: 'path', description: 'The tenant id.' }, example: 'acme' }),
});
const ProviderParam = z.object({
  provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).openapi({ param: { name: 'provider', in: 'path', description: 'The provider name.' }, example: 'akash' }),
});

const BillingConfigSchema = z
  .object({
    mode: z.enum(['invoice', 'prepaid']).openapi({ description: 'prepaid: jobs spend a balance topped up with USDC; invoice: monthly Stripe invoices against a budget.' }),
    monthlyBudgetMicroUsd: micro('The most the tenant may commit in a month (needed on invoice terms)').min(0).optional(),
    pricing: z
      .object({
        marginBps: z.number().int().min(0).max(100_000).optional().openapi({ description: "Margin on the provider's price, in basis points (1500 = 15 %); the deployment's default when absent." }),
        rateCard: z
          .record(z.string().max(64), micro('A fixed price per GPU-hour for this GPU model').min(0))
          .optional()
          .openapi({ description: 'GPU model → fixed price per GPU-hour, overriding the margin for that model.' }),
      })
      .strict()
      .optional()
      .openapi({ description: "How the tenant's prices are made from providers' prices." }),
    email: z.email().max(320).optional().openapi({ description: 'Where Stripe sends invoices.' }),
    daysUntilDue: z.number().int().min(0).max(365).optional().openapi({ description: 'Net terms of an invoice, in days.' }),
    wallets: z
      .object(Object.fromEntries(CHAINS.map((c) => [c, z.array(z.string().min(32).max(64)).max(10).optional().openapi({ description: `The tenant's ${c} wallets USDC deposits may come from.` })])))
      .strict()
      .optional()
      .openapi({ description: 'Registered wallets, per chain: deposits from any other wallet are refused.' }),
  })
  .strict()
  .openapi('BillingConfig', { description: "A tenant's billing terms." });

const TERMS_EXAMPLE = { mode: 'invoice' as const, monthlyBudgetMicroUsd: 500_000_000, pricing: { marginBps: 1500 }, email: 'billing@acme.test', daysUntilDue: 30 };

export const registerBillingAdminRoutes = (app: OpenAPIHono<ApiEnv>, money: MoneyApiDeps): void => {
  app.use('/v1/admin/ledger/*', requireScope('admin'));
  app.use('/v1/admin/billing/*', requireScope('admin'));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/ledger/trial-balance',
      operationId: 'getTrialBalance',
      tags,
      summary: 'Sum of every ledger account (always 0)',
      description: 'The double-entry check: every account summed (0 when the ledger is whole), how many accounts there are, and any balance that breaks an invariant.',
      security,
      responses: { 200: json(
          z.object({
            totalMicroUsd: micro('The sum of every account: 0 when the ledger is whole'),
            accounts: z.number().int().openapi({ description: 'How many accounts there are.' }),
            violations: z.array(z.string()).openapi({ description: 'Balances that break an invariant (e.g. a negative prepaid balance); empty when none do.' }),
          }),
          'Trial balance',
          { totalMicroUsd: 0, accounts: 42, violations: [] },
        ), ...denied },
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
      operationId: 'setBillingTerms',
      tags,
      summary: "Set a tenant's billing terms",
      description:
        'Invoice or prepaid, monthly budget, margin or rate card, invoice email and net terms, USDC wallets. Invoice terms need a monthly budget. A tenant never configured is prepaid with a zero balance. Overdue state and the Stripe customer are kept; the change and the previous terms are recorded in the audit trail (action billing.terms.set) in the same write.',
      security,
      request: { params: TenantParam, body: jsonBody(BillingConfigSchema, TERMS_EXAMPLE) },
      responses: { 200: json(
          // A new object, not an extension: allOf with the strict request schema would refuse these fields.
          z
            .object({
              ...BillingConfigSchema.shape,
              tenantId: z.string().openapi({ description: 'The tenant.' }),
              overdueInvoiceIds: z.array(z.string()).openapi({ description: 'Overdue invoices (kept across changes of terms).' }),
              stripeCustomerId: z.string().optional().openapi({ description: 'The Stripe customer, once one was made.' }),
            })
            .openapi('BillingAccount', { description: "A tenant's billing terms and account state." }),
          'The billing account',
          { ...TERMS_EXAMPLE, tenantId: 'acme', overdueInvoiceIds: [] },
        ), 400: problemOf(400, 'Invalid terms'), 413: bodyTooLarge, ...denied },
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
      operationId: 'runBilling',
      tags,
      summary: 'Run the monthly billing for a period',
      description:
        'Bills every invoice tenant for the period (YYYY-MM, UTC): one Stripe invoice each (send_invoice, net terms), lines that add up to the ledger to the cent. Idempotent: a period already billed answers already-sent. Each result carries the invoice as Stripe has it.',
      security,
      request: { body: jsonBody(z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM').openapi({ description: 'The month to bill (YYYY-MM, UTC).' }) }).strict(), { period: '2026-11' }) },
      responses: {
        200: json(
          z.object({
            period: z.string().openapi({ description: 'The month billed (YYYY-MM).' }),
            results: z
              .array(
                z.object({
                  tenantId: z.string().openapi({ description: 'The tenant.' }),
                  outcome: z.string().openapi({ description: 'sent, already-sent, nothing-to-bill or error.', example: 'sent' }),
                  stripeInvoiceId: z.string().optional().openapi({ description: 'The Stripe invoice (in_…).' }),
                  totalMicroUsd: z.number().int().optional().openapi({ description: 'The invoice total in micro-dollars (whole cents, as Stripe bills).' }),
                  lines: z.number().int().optional().openapi({ description: 'Invoice lines (one per job).' }),
                  error: z.string().optional().openapi({ description: 'What went wrong (outcome error); the run can be repeated.' }),
                  invoice: z.any().optional().openapi({ description: 'The invoice as Stripe has it; amounts in micro-dollars (amountDueMicroUsd, lines[].amountMicroUsd).' }),
                }),
              )
              .openapi({ description: 'One result per invoice tenant.' }),
          }),
          'What each tenant was billed',
          { period: '2026-11', results: [{ tenantId: 'acme', outcome: 'sent', stripeInvoiceId: 'in_1QabcXYZ', totalMicroUsd: 1_234_560_000, lines: 17 }] },
        ),
        400: problemOf(400, 'Not a period (YYYY-MM)'),
        404: problemOf(404, 'Stripe not configured'),
        413: bodyTooLarge,
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
      operationId: 'getProviderStatement',
      tags,
      summary: 'What a provider is owed, with the job postings behind it',
      description: "The provider's payable balance, what accrued in [from, to), and the postings behind it.",
      security,
      request: {
        params: ProviderParam,
        query: z.object({
          from: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'from', in: 'query', description: 'Start of the period, inclusive (ISO 8601); no lower bound when absent.' }, example: '2026-11-01T00:00:00Z' }),
          to: z.iso.datetime({ offset: true }).optional().openapi({ param: { name: 'to', in: 'query', description: 'End of the period, exclusive (ISO 8601); no upper bound when absent.' }, example: '2026-12-01T00:00:00Z' }),
        }),
      },
      responses: {
        200: json(
          z.object({
            provider: z.string().openapi({ description: 'The provider.' }),
            owedMicroUsd: micro('What the provider is owed now (its payable balance)'),
            periodMicroUsd: micro('What accrued to it in [from, to)'),
            lines: z
              .array(
                z.object({
                  postingId: z.string().openapi({ description: 'The ledger posting.' }),
                  jobId: z.string().optional().openapi({ description: 'The job it paid for.' }),
                  at: z.string().openapi({ description: 'When it was posted (ISO 8601).' }),
                  amountMicroUsd: micro("The provider's share of it"),
                }),
              )
              .openapi({ description: 'The postings behind periodMicroUsd.' }),
          }),
          'Statement',
          { provider: 'akash', owedMicroUsd: 18_000_000, periodMicroUsd: 2_500, lines: [{ postingId: 'settle:job_4f1c2a9e0b7d3c5a8e6f1b2d', jobId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d', at: '2026-12-02T10:00:10.000Z', amountMicroUsd: 2_500 }] },
        ),
        400: problemOf(400, 'Invalid provider name or range'),
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
      operationId: 'getUsdcPayoutBatch',
      tags,
      summary: 'Unsigned USDC payout batch for networks paid in USDC',
      description: 'Base: ERC-20 transfer calls for a Safe-style batch. Solana: spl-token transferChecked instructions from the treasury. Sign and send with the treasury key.',
      security,
      responses: { 200: json(
          z.object({
            totalMicroUsd: micro('Everything in the batch'),
            base: z.any().optional().openapi({ description: 'Base: { chainId, transactions: [{ provider, to, value, data, amountMicroUsd }] }, ERC-20 transfer calls for a Safe-style batch.' }),
            solana: z.any().optional().openapi({ description: 'Solana: { instructions: [{ provider, programAddress, accounts, dataBase64, amountMicroUsd }] }, spl-token transferChecked from the treasury.' }),
          }),
          'Payout batch',
          { totalMicroUsd: 18_000_000, base: { chainId: 8453, transactions: [{ provider: 'akash', to: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', value: '0', data: '0xa9059cbb…', amountMicroUsd: 18_000_000 }] } },
        ), 404: problemOf(404, 'No network is configured to be paid in USDC'), ...denied },
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
