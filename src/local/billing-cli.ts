// `npm run billing -- --period YYYY-MM`: runs the monthly billing of a running Switchyard
// (`npm start`) through its admin API, and prints each invoice as Stripe (the local fake) has it.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { period: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: false,
});

const usage = `Usage: npm run billing -- --period YYYY-MM [--url http://127.0.0.1:8787] [--json]

  Needs the admin key npm start printed: SWITCHYARD_ADMIN_KEY=sy_live_… npm run billing -- --period 2026-12
  --url defaults to SWITCHYARD_URL or http://127.0.0.1:$PORT (8787).`;

const fail = (message: string): never => {
  console.error(`billing: ${message}`);
  process.exit(1);
};

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const period = values.period ?? fail(`--period is required\n${usage}`);
if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) fail(`--period must be a month, YYYY-MM (got ${period})`);
const key = process.env.SWITCHYARD_ADMIN_KEY ?? fail('set SWITCHYARD_ADMIN_KEY to the admin key npm start printed');
const url = values.url ?? process.env.SWITCHYARD_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;

const usd = (micro: number) => `$${(micro / 1_000_000).toFixed(2)}`;

interface Result {
  tenantId: string;
  outcome: string;
  stripeInvoiceId?: string;
  totalMicroUsd?: number;
  error?: string;
  invoice?: { number: string | null; status: string | null; amountDueMicroUsd: number; hostedInvoiceUrl: string | null; dueDate: string | null; lines: { description: string | null; amountMicroUsd: number }[] };
}

const main = async () => {
  const res = await fetch(`${url}/v1/admin/billing/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ period }),
  }).catch((error: unknown) => fail(`cannot reach Switchyard at ${url} (${String(error)}); is npm start running?`));
  const body = (await res.json()) as { results?: Result[]; detail?: string };
  if (!res.ok) fail(`${res.status}: ${body.detail ?? JSON.stringify(body)}`);
  if (values.json) return console.log(JSON.stringify(body, null, 2));
  const results = body.results ?? [];
  if (results.length === 0) console.log(`No invoice tenants to bill for ${period}.`);
  for (const r of results) {
    if (!r.invoice) {
      console.log(`${r.tenantId}: ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
      continue;
    }
    const inv = r.invoice;
    console.log(`${r.tenantId}: ${r.outcome} — invoice ${inv.number ?? r.stripeInvoiceId} (${r.stripeInvoiceId}), ${inv.status}, ${usd(inv.amountDueMicroUsd)} due ${inv.dueDate?.slice(0, 10) ?? '-'}`);
    for (const line of inv.lines) console.log(`    ${usd(line.amountMicroUsd).padStart(10)}  ${line.description ?? ''}`);
    if (inv.hostedInvoiceUrl) console.log(`    ${inv.hostedInvoiceUrl}`);
  }
};

await main();
