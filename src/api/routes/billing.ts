// Tenant-facing money routes: balance, usage per job, the tenant's own ledger postings,
// and quotes before submit. Customers see their own accounts and prices only, never
// provider costs or the margin.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { JobSpec } from '../../core/job.js';
import { monthOf, monthRange } from '../../money/amounts.js';
import { accounts, normalBalance, type Posting } from '../../money/ledger.js';
import { quoteJob } from '../../money/quotes.js';
import { placementContext } from '../../core/dispatch.js';
import { requireScope } from '../auth.js';
import { centsToMicroUsd } from '../micro-usd-view.js';
import type { ApiDeps, ApiEnv } from '../context.js';
import { validationProblem } from '../problem.js';
import { JobSpecSchema } from '../schemas.js';
import { apiKeyProblems, bodyTooLarge, jsonBody, jsonResponse, problemOf } from '../openapi-responses.js';
import { JOB_SPEC_EXAMPLE } from '../openapi-examples.js';
import type { MoneyApiDeps } from './money-deps.js';

const security = [{ bearerAuth: [] }];
const tags = ['Billing'];
const json = jsonResponse;
const micro = () => z.number().int().openapi({ description: 'micro-dollars (1 USD = 1 000 000)' });

const BalanceSchema = z
  .object({
    mode: z.enum(['invoice', 'prepaid']),
    availableMicroUsd: micro(),
    heldMicroUsd: micro(),
    unbilledMicroUsd: micro(),
    receivableMicroUsd: micro(),
    monthlyBudgetMicroUsd: micro().optional(),
    monthToDate: z.object({ month: z.string(), committedMicroUsd: micro() }),
    overdueInvoiceIds: z.array(z.string()),
  })
  .openapi('Balance');

const UsageItemSchema = z.object({
  jobId: z.string(),
  costMicroUsd: micro(),
  settledAt: z.string(),
  jobStatus: z.string().optional(),
  billedSeconds: z.number().int().optional(),
  gpuModel: z.string().optional(),
  gpuCount: z.number().int().optional(),
  provider: z.string().optional(),
});
const UsageSchema = z.object({ from: z.string(), to: z.string(), items: z.array(UsageItemSchema), totalMicroUsd: micro() }).openapi('Usage');

const PostingSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    at: z.string(),
    jobId: z.string().optional(),
    memo: z.string(),
    entries: z.array(z.object({ account: z.string(), amountMicroUsd: micro().openapi({ description: 'positive: your balance went up' }) })),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .openapi('LedgerPosting');

const QuoteSchema = z
  .object({
    offers: z.array(
      z.object({
        provider: z.string(),
        gpuModel: z.string(),
        gpuCount: z.number().int(),
        region: z.string().optional(),
        expectedStartSeconds: z.number(),
        pricePerGpuHourMicroUsd: micro(),
        maxCostMicroUsd: micro(),
      }),
    ),
    priceRange: z.object({ minMicroUsd: micro(), maxMicroUsd: micro() }).optional(),
    holdMicroUsd: micro(),
    budget: z.object({ monthlyBudgetMicroUsd: micro().optional(), committedMicroUsd: micro(), fits: z.boolean() }),
    balance: z.object({ availableMicroUsd: micro(), fits: z.boolean() }).optional(),
    notes: z.array(z.string()),
  })
  .openapi('Quote');

const iso = z.iso.datetime({ offset: true });
const UsageQuery = z.object({
  from: iso.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'inclusive; default: start of this month (UTC)' }),
  to: iso.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'exclusive; default: start of next month' }),
});
const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query' } }),
});

/** Shown details: customer-facing facts only (never provider cost). */
const PUBLIC_DETAILS = new Set(['chain', 'tx', 'payer', 'period', 'stripeInvoiceId', 'invoicedCents', 'paidCents', 'holdMicroUsd', 'customerMicroUsd', 'billedSeconds', 'gpuModel', 'gpuCount', 'jobStatus']);

export const postingView = (tenantId: string, p: Posting) => {
  const own = p.entries.filter((e) => e.account.startsWith(`tenant:${tenantId}:`));
  const details = centsToMicroUsd(Object.fromEntries(Object.entries(p.details ?? {}).filter(([k]) => PUBLIC_DETAILS.has(k))));
  return {
    id: p.id,
    kind: p.kind,
    at: p.at,
    ...(p.jobId ? { jobId: p.jobId } : {}),
    memo: p.memo,
    // Signed from the tenant's side: money it has (available, holds) or owes (unbilled, receivable) going up is positive.
    entries: own.map((e) => ({ account: e.account.slice(`tenant:${tenantId}:`.length), amountMicroUsd: normalBalance(e.account, e.amountMicroUsd) })),
    ...(Object.keys(details).length ? { details } : {}),
  };
};

export const tenantBalance = async (money: MoneyApiDeps, tenantId: string, now: Date) => {
  const account = await money.billing.get(tenantId);
  const ids = [accounts.available(tenantId), accounts.holds(tenantId), accounts.unbilled(tenantId), accounts.receivable(tenantId)];
  const b = await money.ledger.balances(ids);
  const shown = (id: string) => normalBalance(id, b[id] ?? 0);
  const month = monthOf(now);
  return {
    mode: account.mode,
    availableMicroUsd: shown(ids[0]!),
    heldMicroUsd: shown(ids[1]!),
    unbilledMicroUsd: shown(ids[2]!),
    receivableMicroUsd: shown(ids[3]!),
    ...(account.monthlyBudgetMicroUsd !== undefined ? { monthlyBudgetMicroUsd: account.monthlyBudgetMicroUsd } : {}),
    monthToDate: { month, committedMicroUsd: await money.ledger.budgetCommitted(tenantId, month) },
    overdueInvoiceIds: account.overdueInvoiceIds,
  };
};

export const registerBillingRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, money: MoneyApiDeps): void => {
  const clock = deps.jobs.clock;
  app.use('/v1/balance', requireScope('billing:read'));
  app.use('/v1/usage', requireScope('billing:read'));
  app.use('/v1/ledger', requireScope('billing:read'));
  app.use('/v1/quotes', requireScope('jobs:read'));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/balance',
      operationId: 'getBalance',
      tags,
      summary: 'Balance, holds, unbilled usage and the month’s budget',
      description: 'Your prepaid balance (or, on invoice terms, what is unbilled and receivable), the holds of running jobs, and this month’s spend against your budget.',
      security,
      responses: { 200: json(BalanceSchema, 'Balance'), ...apiKeyProblems('billing:read') },
    }),
    async (c) => c.json(await tenantBalance(money, c.get('tenantId'), clock.now()), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/usage',
      operationId: 'getUsage',
      tags,
      summary: 'What each finished job cost',
      description: 'Jobs settled in [from, to), with what you pay for each, and the total.',
      security,
      request: { query: UsageQuery },
      responses: { 200: json(UsageSchema, 'Usage'), 400: problemOf(400, 'Invalid range'), ...apiKeyProblems('billing:read') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const month = monthRange(monthOf(clock.now()));
      const from = q.from ? new Date(q.from).toISOString() : month.from;
      const to = q.to ? new Date(q.to).toISOString() : month.to;
      if (from >= to) return validationProblem(c, [{ field: 'to', pointer: '/to', detail: 'must be after from' }], 'query string') as never;
      const tenantId = c.get('tenantId');
      const { items: postings } = await money.ledger.tenantPostings(tenantId, { from, to, kind: 'job.settle' });
      const items = postings
        .map((p) => {
          const d = p.details ?? {};
          return {
            jobId: p.jobId!,
            costMicroUsd: Number(d.customerMicroUsd ?? 0),
            settledAt: p.at,
            ...(d.jobStatus ? { jobStatus: String(d.jobStatus) } : {}),
            ...(d.billedSeconds !== undefined ? { billedSeconds: Number(d.billedSeconds) } : {}),
            ...(d.gpuModel ? { gpuModel: String(d.gpuModel), gpuCount: Number(d.gpuCount), provider: String(d.provider) } : {}),
          };
        })
        .reverse(); // oldest first reads like a statement
      return c.json({ from, to, items, totalMicroUsd: items.reduce((s, i) => s + i.costMicroUsd, 0) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/ledger',
      operationId: 'listLedgerPostings',
      tags,
      summary: 'Your ledger postings, newest first',
      description: 'Holds, charges, releases, deposits, invoices and payments, as they moved your balances.',
      security,
      request: { query: LedgerQuery },
      responses: { 200: json(z.object({ items: z.array(PostingSchema), nextCursor: z.string().optional() }).openapi('LedgerPostingList'), 'Postings'), 400: problemOf(400, 'Bad cursor or limit'), ...apiKeyProblems('billing:read') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const tenantId = c.get('tenantId');
      const page = await money.ledger.tenantPostings(tenantId, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
      return c.json({ items: page.items.map((p) => postingView(tenantId, p)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/quotes',
      operationId: 'quoteJob',
      tags,
      summary: 'Quote a job before submitting it',
      description: 'Candidate offers in the order the dispatcher would try them, your price on each, the price range of a full-length run, the hold a submit places, and whether it fits your budget and balance.',
      security,
      request: { body: jsonBody(JobSpecSchema, JOB_SPEC_EXAMPLE) },
      responses: { 200: json(QuoteSchema, 'Quote'), 400: problemOf(400, 'Invalid job spec'), 413: bodyTooLarge, ...apiKeyProblems('jobs:read') },
    }),
    async (c) => {
      const spec = c.req.valid('json') as JobSpec;
      const tenantId = c.get('tenantId');
      const account = await money.billing.get(tenantId);
      const ctx = await placementContext({ providers: deps.providers, clock, ...(deps.stats ? { stats: deps.stats } : {}), ...(deps.log ? { log: deps.log } : {}) });
      const quote = await quoteJob(deps.providers.all(), spec, money.pricing, account.pricing ?? {}, ctx);
      const balance = await tenantBalance(money, tenantId, clock.now());
      const committed = balance.monthToDate.committedMicroUsd;
      return c.json(
        {
          ...quote,
          budget: {
            ...(account.monthlyBudgetMicroUsd !== undefined ? { monthlyBudgetMicroUsd: account.monthlyBudgetMicroUsd } : {}),
            committedMicroUsd: committed,
            fits: account.monthlyBudgetMicroUsd === undefined || committed + quote.holdMicroUsd <= account.monthlyBudgetMicroUsd,
          },
          ...(account.mode === 'prepaid' ? { balance: { availableMicroUsd: balance.availableMicroUsd, fits: balance.availableMicroUsd >= quote.holdMicroUsd } } : {}),
        },
        200,
      );
    },
  );
};
