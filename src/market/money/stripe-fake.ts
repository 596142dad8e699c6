// A local fake of the Stripe endpoints Switchyard uses, driven by the real `stripe`
// client: form-encoded requests with bracketed keys, bearer auth, real response shapes
// (customer, invoice, invoiceitem, line_item, list, error), Idempotency-Key replays with
// Idempotent-Replayed, and "same key, different parameters" refused as Stripe does.
// With a webhook endpoint set, it POSTs the invoice events Stripe sends (invoice.finalized,
// invoice.sent, invoice.paid, invoice.voided, invoice.marked_uncollectible), signed the way
// Stripe signs them (Stripe-Signature: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")).
// Pay, void and mark_uncollectible follow Stripe's POST /v1/invoices/{id}/pay|void|mark_uncollectible.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Json = Record<string, any>;

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** `metadata[tenantId]=x&period[start]=1` → { metadata: { tenantId: 'x' }, period: { start: '1' } } */
export const parseForm = (body: string): Json => {
  const out: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= {};
    });
  }
  return out;
};

const now = () => Math.floor(Date.now() / 1000);

export class StripeFake {
  readonly customers = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  readonly invoiceItems = new Map<string, Json>();
  readonly sent = new Set<string>();
  readonly requests: { method: string; path: string; idempotencyKey?: string; replayed: boolean }[] = [];
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: Json }>();
  private failures: { match: RegExp; remaining: number }[] = [];
  private server?: Server;
  port = 0;
  /** Where events go (the API's /v1/webhooks/stripe) and the endpoint's signing secret. */
  webhookEndpoint: { url: string; secret: string } | undefined;
  /** Every event delivery: the event type and the endpoint's HTTP status (0 when unreachable). */
  readonly deliveries: { type: string; status: number }[] = [];
  private pending: Promise<void>[] = [];
  /** The signature timestamp (unix seconds); tests on a manual clock sign with that clock. */
  timestamp: () => number = now;

  constructor(private readonly apiKey = 'sk_test_switchyard') {}

  get key(): string {
    return this.apiKey;
  }

  /** Answer the next `times` requests whose "METHOD /path" matches with a 500 api_error. */
  failNext(match: RegExp, times = 1): void {
    this.failures.push({ match, remaining: times });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    await this.flushWebhooks();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Forget every Idempotency-Key, as Stripe does after 24 hours. */
  forgetIdempotencyKeys(): void {
    this.idempotency.clear();
  }

  /** Mark an invoice paid (as a customer paying the hosted invoice would) and return it. */
  pay(invoiceId: string): Json {
    const inv = this.invoices.get(invoiceId)!;
    Object.assign(inv, { status: 'paid', amount_paid: inv.amount_due, amount_remaining: 0 });
    inv.status_transitions.paid_at = now();
    return structuredClone(inv);
  }

  /** Resolves when every event emitted so far has been delivered (or given up on). */
  async flushWebhooks(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  /** The Stripe-Signature header for a payload, as Stripe computes it. */
  static signature(payload: string, secret: string, timestamp = now()): string {
    return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`;
  }

  /** Sends an event to the webhook endpoint, retrying a few times on failure as Stripe does (faster). */
  private emit(type: string, invoice: Json): void {
    const endpoint = this.webhookEndpoint;
    if (!endpoint) return;
    const payload = this.event(type, structuredClone(invoice));
    const deliver = async () => {
      let status = 0;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const res = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': StripeFake.signature(payload, endpoint.secret, this.timestamp()) }, body: payload });
          status = res.status;
          await res.arrayBuffer();
          if (res.ok) break;
        } catch {
          status = 0;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
      this.deliveries.push({ type, status });
    };
    this.pending.push(deliver());
  }

  /** An Event object as Stripe would POST it to a webhook endpoint. */
  event(type: string, object: Json, eventId = id('evt')): string {
    return JSON.stringify({ id: eventId, object: 'event', api_version: '2026-10-28.endive', created: now(), type, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const key = req.headers['idempotency-key'] as string | undefined;
    const send = (status: number, body: Json, replayed = false) => {
      this.requests.push({ method, path: url.pathname, ...(key ? { idempotencyKey: key } : {}), replayed });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...(replayed ? { 'idempotent-replayed': 'true' } : {}), ...(key ? { 'idempotency-key': key } : {}) });
      res.end(JSON.stringify(body));
    };
    // Stripe takes the key as a bearer token or as the Basic-auth user name (`curl -u sk_test_…:`).
    const basic = `Basic ${Buffer.from(`${this.apiKey}:`).toString('base64')}`;
    if (req.headers.authorization !== `Bearer ${this.apiKey}` && req.headers.authorization !== basic) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    }
    const failure = this.failures.find((f) => f.remaining > 0 && f.match.test(`${method} ${url.pathname}`));
    if (failure) {
      failure.remaining--;
      return send(500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    }
    const params = method === 'GET' ? Object.fromEntries(url.searchParams) : parseForm(raw);
    if (key && method === 'POST') {
      const fingerprint = `${method} ${url.pathname} ${raw}`;
      const earlier = this.idempotency.get(key);
      if (earlier && earlier.fingerprint !== fingerprint) {
        return send(400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } });
      }
      if (earlier) return send(earlier.status, earlier.body, true);
      const [status, body] = this.route(method, url.pathname, params);
      // Stripe saves the result of any request that began executing, errors included (not 5xx-before-execution).
      this.idempotency.set(key, { fingerprint, status, body });
      return send(status, body);
    }
    const [status, body] = this.route(method, url.pathname, params);
    send(status, body);
  }

  private route(method: string, path: string, p: Json): [number, Json] {
    const notFound = (what: string, value: string): [number, Json] => [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${value}'`, param: 'id' } }];
    const bad = (message: string, param?: string): [number, Json] => [400, { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } }];
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/customers') {
      const c = { id: id('cus'), object: 'customer', created: now(), email: p.email ?? null, name: p.name ?? null, metadata: p.metadata ?? {}, livemode: false, balance: 0, currency: null, delinquent: false, invoice_prefix: randomBytes(4).toString('hex').toUpperCase() };
      this.customers.set(c.id, c);
      return [200, c];
    }
    if (method === 'POST' && path === '/v1/invoices') {
      if (!this.customers.has(p.customer)) return notFound('customer', p.customer);
      if (p.collection_method === 'send_invoice' && p.days_until_due === undefined) return bad('Missing required param: days_until_due.', 'days_until_due');
      const inv: Json = {
        id: id('in'), object: 'invoice', customer: p.customer, status: 'draft', collection_method: p.collection_method ?? 'charge_automatically',
        days_until_due: p.days_until_due !== undefined ? Number(p.days_until_due) : null, due_date: null, currency: p.currency ?? 'usd', description: p.description ?? null,
        auto_advance: p.auto_advance === 'true', metadata: p.metadata ?? {}, number: null, hosted_invoice_url: null, created: now(), livemode: false,
        subtotal: 0, total: 0, amount_due: 0, amount_paid: 0, amount_remaining: 0,
        lines: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
        status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
      };
      inv.lines.url = `/v1/invoices/${inv.id}/lines`;
      this.invoices.set(inv.id, inv);
      return [200, inv];
    }
    if (method === 'POST' && path === '/v1/invoiceitems') {
      if (!this.customers.has(p.customer)) return notFound('customer', p.customer);
      const inv = p.invoice ? this.invoices.get(p.invoice) : undefined;
      if (p.invoice && !inv) return notFound('invoice', p.invoice);
      if (inv && inv.status !== 'draft') return bad(`Invoice ${inv.id} is no longer editable.`, 'invoice');
      if (!/^-?\d+$/.test(p.amount ?? '')) return bad('Invalid integer: amount', 'amount');
      const period = p.period ? { start: Number(p.period.start), end: Number(p.period.end) } : { start: now(), end: now() };
      const item = { id: id('ii'), object: 'invoiceitem', amount: Number(p.amount), currency: p.currency, customer: p.customer, date: now(), description: p.description ?? null, discountable: true, invoice: inv?.id ?? null, livemode: false, metadata: p.metadata ?? {}, period, proration: false, quantity: 1 };
      this.invoiceItems.set(item.id, item);
      if (inv) {
        inv.lines.data.push({
          id: id('il'), object: 'line_item', amount: item.amount, currency: item.currency, description: item.description, invoice: inv.id, livemode: false, metadata: item.metadata, period,
          parent: { type: 'invoice_item_details', invoice_item_details: { invoice_item: item.id, proration: false, subscription: null }, subscription_item_details: null }, quantity: 1,
        });
        inv.lines.total_count = inv.lines.data.length;
        inv.subtotal = inv.total = inv.amount_due = inv.amount_remaining = inv.lines.data.reduce((s: number, l: Json) => s + l.amount, 0);
      }
      return [200, item];
    }
    if ((m = /^\/v1\/invoices\/([^/]+)(\/lines|\/finalize|\/send|\/pay|\/void|\/mark_uncollectible)?$/.exec(path))) {
      const inv = this.invoices.get(m[1]!);
      if (!inv) return notFound('invoice', m[1]!);
      const action = m[2];
      if (method === 'GET' && !action) return [200, inv];
      if (method === 'GET' && action === '/lines') {
        const limit = Number(p.limit ?? 10);
        const start = p.starting_after ? inv.lines.data.findIndex((l: Json) => l.id === p.starting_after) + 1 : 0;
        const data = inv.lines.data.slice(start, start + limit);
        return [200, { object: 'list', data, has_more: start + limit < inv.lines.data.length, url: `/v1/invoices/${inv.id}/lines` }];
      }
      if (method === 'POST' && action === '/finalize') {
        if (inv.status !== 'draft') return bad('This invoice is already finalized, you can\'t re-finalize a non-draft invoice.');
        Object.assign(inv, { status: 'open', number: `${inv.id.slice(3, 11).toUpperCase()}-0001`, hosted_invoice_url: `https://invoice.stripe.com/i/${inv.id}` });
        inv.status_transitions.finalized_at = now();
        if (inv.days_until_due !== null) inv.due_date = now() + inv.days_until_due * 86_400;
        this.emit('invoice.finalized', inv);
        return [200, inv];
      }
      if (method === 'POST' && action === '/send') {
        if (inv.status !== 'open') return bad('You can only send an invoice that is open.');
        if (inv.collection_method !== 'send_invoice') return bad('You can only manually send an invoice if its collection method is \'send_invoice\'.');
        this.sent.add(inv.id);
        this.emit('invoice.sent', inv);
        return [200, inv];
      }
      if (method === 'POST' && action === '/pay') {
        if (inv.status !== 'open' && inv.status !== 'uncollectible') return bad(`You can only pay an invoice that is open or uncollectible; this invoice is ${inv.status}.`);
        this.pay(inv.id);
        this.emit('invoice.paid', inv);
        return [200, inv];
      }
      if (method === 'POST' && action === '/void') {
        if (inv.status !== 'open' && inv.status !== 'uncollectible') return bad(`You can only void an invoice that is open or uncollectible; this invoice is ${inv.status}.`);
        Object.assign(inv, { status: 'void', amount_remaining: 0 });
        inv.status_transitions.voided_at = now();
        this.emit('invoice.voided', inv);
        return [200, inv];
      }
      if (method === 'POST' && action === '/mark_uncollectible') {
        if (inv.status !== 'open') return bad(`You can only mark an open invoice uncollectible; this invoice is ${inv.status}.`);
        inv.status = 'uncollectible';
        inv.status_transitions.marked_uncollectible_at = now();
        this.emit('invoice.marked_uncollectible', inv);
        return [200, inv];
      }
    }
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } }];
  }
}
