// Tenant-facing money routes: balance, usage per job, the tenant's own ledger postings,
// and quotes before submit. Customers see their own accounts and prices only, never
// provider costs or the margin.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { JobSpec } from '../../core/job.js';
import { monthOf, monthRange } from '../../money/amounts.js';
import { accounts, normalBalance, type Posting } from '../../money/ledger.js';
import { quoteJob } from '../../money/quotes.js';
import { placementContext } from '../../core/placement-context.js';
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
/** An integer amount in micro-dollars, described. */
const micro = (description: string, example?: number) =>
  z
    .number()
    .int()
    .openapi({ description: `${description}, in micro-dollars (1 USD = 1 000 000).`, ...(example !== undefined ? { example } : {}) });

const BalanceSchema = z
  .object({
    mode: z.enum(['invoice', 'prepaid']).openapi({ description: 'prepaid: jobs spend a balance you top up; invoice: usage is billed monthly against a budget.' }),
    availableMicroUsd: micro('Prepaid balance free to spend (0 on invoice terms)', 31_250_000),
    heldMicroUsd: micro("Held for running and queued jobs' ceilings; released as they settle", 540_000),
    unbilledMicroUsd: micro('Settled usage not invoiced yet (invoice terms)', 0),
    receivableMicroUsd: micro('Invoiced and not paid yet (invoice terms)', 0),
    monthlyBudgetMicroUsd: micro('Your monthly budget, when one is set', 500_000_000).optional(),
    monthToDate: z
      .object({
        month: z.string().openapi({ description: 'The month (YYYY-MM, UTC).', example: '2026-12' }),
        committedMicroUsd: micro('Charged or held this month: what counts against the budget', 12_540_000),
      })
      .openapi({ description: 'This month against the budget.' }),
    overdueInvoiceIds: z.array(z.string()).openapi({ description: 'Overdue invoices; new jobs are refused (402) while any is listed.', example: [] }),
  })
  .openapi('Balance', { description: 'Your balances, holds and this month’s spend.' });

const UsageItemSchema = z.object({
  jobId: z.string().openapi({ description: 'The job.', example: 'job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
  costMicroUsd: micro('What you pay for the job', 2917),
  settledAt: z.string().openapi({ description: 'When the finished job was settled (ISO 8601).' }),
  jobStatus: z.string().optional().openapi({ description: 'How the job ended.', example: 'succeeded' }),
  billedSeconds: z.number().int().optional().openapi({ description: 'Seconds billed (GPU time of every attempt).', example: 5 }),
  gpuModel: z.string().optional().openapi({ description: 'The GPU model of the last attempt.', example: 'H100' }),
  gpuCount: z.number().int().optional().openapi({ description: 'GPUs it ran on.', example: 1 }),
  provider: z.string().optional().openapi({ description: 'Where the last attempt ran.', example: 'local' }),
});
const UsageSchema = z
  .object({
    from: z.string().openapi({ description: 'Start of the range, inclusive (ISO 8601).', example: '2026-12-01T00:00:00.000Z' }),
    to: z.string().openapi({ description: 'End of the range, exclusive (ISO 8601).', example: '2027-01-01T00:00:00.000Z' }),
    items: z.array(UsageItemSchema).openapi({ description: 'Jobs settled in the range, oldest first.' }),
    totalMicroUsd: micro('The sum of costMicroUsd', 2917),
  })
  .openapi('Usage', { description: 'What each job settled in [from, to) cost you.' });

const PostingSchema = z
  .object({
    id: z.string().openapi({ description: 'The posting id.', example: 'settle:job_4f1c2a9e0b7d3c5a8e6f1b2d' }),
    kind: z.string().openapi({ description: 'job.hold, job.settle, job.release, usdc.deposit, invoice.issued, invoice.paid…', example: 'job.settle' }),
    at: z.string().openapi({ description: 'When it was posted (ISO 8601).' }),
    jobId: z.string().optional().openapi({ description: 'The job it is about, if any.' }),
    memo: z.string().openapi({ description: 'What it was, in words.', example: 'job job_4f1c2a9e0b7d3c5a8e6f1b2d settled' }),
    entries: z
      .array(
        z.object({
          account: z.string().openapi({ description: 'Your account it moved: available, holds, unbilled or receivable.', example: 'unbilled' }),
          amountMicroUsd: micro('Signed from your side: positive means that balance went up', 2917),
        }),
      )
      .openapi({ description: 'How it moved your balances (entries of other parties are not shown).' }),
    details: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .openapi({ description: 'Facts about it for you (chain, tx, period, billedSeconds, gpuModel…); never provider cost.' }),
  })
  .openapi('LedgerPosting', { description: 'One double-entry posting, as it moved your balances.' });

const QuoteSchema = z
  .object({
    offers: z
      .array(
        z.object({
          provider: z.string().openapi({ description: 'The provider of the offer.', example: 'vastai' }),
          gpuModel: z.string().openapi({ description: 'Its GPU model.', example: 'H100' }),
          gpuCount: z.number().int().openapi({ description: 'GPUs on the machine.', example: 1 }),
          region: z.string().optional().openapi({ description: 'Its region, when the provider says.', example: 'US' }),
          expectedStartSeconds: z.number().openapi({ description: 'Expected seconds from placement to the command starting.', example: 90 }),
          pricePerGpuHourMicroUsd: micro('Your price per GPU-hour on this offer', 2_300_000),
          maxCostMicroUsd: micro('Your cost if the job runs its full maxDurationSeconds here', 2_300_000),
        }),
      )
      .openapi({ description: 'Offers the job could run on, in the order the dispatcher would try them.' }),
    priceRange: z
      .object({ minMicroUsd: micro('The cheapest full-length run', 2_300_000), maxMicroUsd: micro('The dearest full-length run', 2_875_000) })
      .optional()
      .openapi({ description: 'The cost range of a full-length run over the offers; absent with no offer.' }),
    holdMicroUsd: micro('What submitting places on hold (the ceiling: maxPricePerGpuHourUsd × GPUs × maxDurationSeconds)', 2_500_000),
    budget: z
      .object({
        monthlyBudgetMicroUsd: micro('Your monthly budget, when one is set').optional(),
        committedMicroUsd: micro('Charged or held this month'),
        fits: z.boolean().openapi({ description: 'Whether the hold fits in what is left of the budget.' }),
      })
      .openapi({ description: 'The hold against your monthly budget.' }),
    balance: z
      .object({ availableMicroUsd: micro('Your available prepaid balance'), fits: z.boolean().openapi({ description: 'Whether the hold fits in it.' }) })
      .optional()
      .openapi({ description: 'The hold against your prepaid balance (prepaid terms only).' }),
    notes: z.array(z.string()).openapi({ description: 'Anything that limits the quote: providers skipped and why.', example: ['akash: no H100 offer under the ceiling'] }),
  })
  .openapi('Quote', { description: 'What a job would cost before you submit it.' });

const iso = z.iso.datetime({ offset: true });
const UsageQuery = z.object({
  from: iso.optional().openapi({ param: { name: 'from', in: 'query', description: 'inclusive; default: start of this month (UTC)' }, example: '2026-12-01T00:00:00Z' }),
  to: iso.optional().openapi({ param: { name: 'to', in: 'query', description: 'exclusive; default: start of next month' }, example: '2027-01-01T00:00:00Z' }),
});
const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ param: { name: 'limit', in: 'query', description: 'Postings per page (default 50).' }, example: 50 }),
  cursor: z.string().max(2048).optional().openapi({ param: { name: 'cursor', in: 'query', description: 'nextCursor from the previous page.' } }),
});

const BALANCE_EXAMPLE = {
  mode: 'prepaid' as const,
  availableMicroUsd: 31_250_000,
  heldMicroUsd: 540_000,
  unbilledMicroUsd: 0,
  receivableMicroUsd: 0,
  monthToDate: { month: '2026-12', committedMicroUsd: 12_540_000 },
  overdueInvoiceIds: [],
};
const USAGE_EXAMPLE = {
  from: '2026-12-01T00:00:00.000Z',
  to: '2027-01-01T00:00:00.000Z',
  items: [{ jobId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d', costMicroUsd: 2917, settledAt: '2026-12-02T10:00:10.000Z', jobStatus: 'succeeded', billedSeconds: 5, gpuModel: 'H100', gpuCount: 1, provider: 'local' }],
  totalMicroUsd: 2917,
};
const POSTING_EXAMPLE = {
  id: 'settle:job_4f1c2a9e0b7d3c5a8e6f1b2d',
  kind: 'job.settle',
  at: '2026-12-02T10:00:10.000Z',
  jobId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d',
  memo: 'job job_4f1c2a9e0b7d3c5a8e6f1b2d settled',
  entries: [
    { account: 'holds', amountMicroUsd: -175_000 },
    { account: 'available', amountMicroUsd: 172_083 },
  ],
  details: { customerMicroUsd: 2917, billedSeconds: 5, gpuModel: 'H100', gpuCount: 1, jobStatus: 'succeeded' },
};
const QUOTE_EXAMPLE = {
  offers: [
    { provider: 'local', gpuModel: 'H100', gpuCount: 1, expectedStartSeconds: 2, pricePerGpuHourMicroUsd: 2_100_000, maxCostMicroUsd: 35_000 },
  ],
  priceRange: { minMicroUsd: 35_000, maxMicroUsd: 35_000 },
  holdMicroUsd: 50_000,
  budget: { committedMicroUsd: 12_540_000, fits: true },
  balance: { availableMicroUsd: 31_250_000, fits: true },
  notes: [],
};

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
      responses: { 200: json(BalanceSchema, 'Balance', BALANCE_EXAMPLE), ...apiKeyProblems('billing:read') },
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
      responses: { 200: json(UsageSchema, 'Usage', USAGE_EXAMPLE), 400: problemOf(400, 'Invalid range'), ...apiKeyProblems('billing:read') },
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
      responses: { 200: json(
          z
            .object({
              items: z.array(PostingSchema).openapi({ description: 'Postings, newest first.' }),
              nextCursor: z.string().optional().openapi({ description: 'Pass as cursor for the next page; absent on the last.' }),
            })
            .openapi('LedgerPostingList', { description: 'A page of your ledger postings.' }),
          'Postings',
          { items: [POSTING_EXAMPLE] },
        ), 400: problemOf(400, 'Bad cursor or limit'), ...apiKeyProblems('billing:read') },
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
      responses: { 200: json(QuoteSchema, 'Quote', QUOTE_EXAMPLE), 400: problemOf(400, 'Invalid job spec'), 413: bodyTooLarge, ...apiKeyProblems('jobs:read') },
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
