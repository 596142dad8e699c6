// Throws 10,000+ random and malformed requests at every route of the in-process app,
// against DynamoDB Local, and checks: no 5xx, problem+json on every 4xx, and no write
// by a rejected request. Writes are attributed to the request that made them (an SDK
// middleware reading AsyncLocalStorage) and the whole table is audited at the end.
// Reproduce a run with FUZZ_SEED=<the printed seed>.
import { AsyncLocalStorage } from 'node:async_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, scanTable } from '../support/system.js';
import { NO_LOCAL_SUCCESS, requestArbitrary, routeOf, ROUTES, type FuzzContext, type FuzzRequest } from './requests.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 32;
/** Rate-limit buckets and audit events are bookkeeping a refused request may write. */
const BOOKKEEPING = /^(RATE|AUDIT)#/;

let system: RunningSystem;
const unhandled: unknown[] = [];
let ctx: FuzzContext;
const tracker = new AsyncLocalStorage<{ writes: string[] }>();

const pkOf = (v: unknown): string | undefined => {
  const raw = (v as { pk?: unknown } | undefined)?.pk;
  return typeof raw === 'string' ? raw : typeof (raw as { S?: unknown })?.S === 'string' ? (raw as { S: string }).S : undefined;
};
const writtenKeys = (input: Record<string, any>): string[] =>
  [
    pkOf(input.Item),
    pkOf(input.Key),
    ...((input.TransactItems as any[] | undefined) ?? []).map((t) => pkOf(t.Put?.Item) ?? pkOf(t.Update?.Key) ?? pkOf(t.Delete?.Key)),
    ...Object.values((input.RequestItems as Record<string, any[]> | undefined) ?? {}).flat().map((w) => pkOf(w.PutRequest?.Item) ?? pkOf(w.DeleteRequest?.Key)),
  ].filter((k): k is string => k !== undefined);
const WRITES = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

const scanAll = () => scanTable(system);

beforeAll(async () => {
  // A limit no run reaches (429s are tested on their own), still written to DynamoDB on every request.
  system = await startTestSystem({
    loops: false,
    rateLimit: { ratePerSecond: 100, burst: 1_000_000 },
    log: (message, fields) => {
      if (message === 'unhandled error') unhandled.push(fields);
    },
  });
  const admin = { key: system.adminKey };
  const other = await api(system, 'POST', '/v1/tenants', { ...admin, body: { name: 'Other', key: { scopes: ['jobs:read', 'jobs:write'] } } });
  const readOnly = await api(system, 'POST', `/v1/tenants/${system.tenantId}/keys`, { ...admin, body: { scopes: ['jobs:read'] } });
  const revoked = await api(system, 'POST', `/v1/tenants/${system.tenantId}/keys`, { ...admin, body: { scopes: ['jobs:read', 'jobs:write'] } });
  await api(system, 'DELETE', `/v1/keys/${revoked.body.id}`, admin);
  const job = await api(system, 'POST', '/v1/jobs', { body: localJob(['true']), headers: { 'idempotency-key': 'same' } });
  // New tenants are prepaid with nothing: give the other tenant terms, so it owns a real job.
  await api(system, 'PUT', `/v1/admin/billing/tenants/${other.body.tenant.id}`, { ...admin, body: { mode: 'invoice', monthlyBudgetMicroUsd: 1_000_000_000 } });
  const otherJob = await api(system, 'POST', '/v1/jobs', { key: other.body.key.key, body: localJob(['true']) });
  ctx = {
    keys: { tenant: system.apiKey, readOnly: readOnly.body.key, admin: system.adminKey, revoked: revoked.body.key, other: other.body.key.key },
    jobId: job.body.id,
    otherJobId: otherJob.body.id,
    tenantId: other.body.tenant.id,
    keyId: readOnly.body.id,
  };
  system.db.middlewareStack.add(
    (next, context) => async (args) => {
      const store = tracker.getStore();
      const result = await next(args);
      // Counted once DynamoDB accepted it: a conditional write that lost a race (say, two
      // cancels of one job) throws above and changed nothing.
      if (store && WRITES.test(String(context.commandName))) store.writes.push(...writtenKeys(args.input as Record<string, any>));
      return result;
    },
    { step: 'initialize', name: 'fuzzWriteTracker' },
  );
});
afterAll(() => system.stop());

interface Outcome {
  req: FuzzRequest;
  status: number;
  writes: string[];
  body: string;
  contentType: string;
}

const send = async (req: FuzzRequest): Promise<Outcome | undefined> => {
  let request: Request;
  try {
    request = new Request(`http://localhost${req.path}`, { method: req.method, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
  } catch {
    return undefined; // fetch itself refuses it (e.g. a forbidden header value): it could never reach us
  }
  const store = { writes: [] as string[] };
  const res = await tracker.run(store, () => system.app.fetch(request));
  const body = await res.text();
  return { req, status: res.status, writes: store.writes, body, contentType: res.headers.get('content-type') ?? '' };
};

const describeReq = (o: Outcome) => JSON.stringify({ ...o.req, body: o.req.body?.slice(0, 300), status: o.status, response: o.body.slice(0, 300) });

describe('fuzzing the API', () => {
  it(`survives ${RUNS} hostile requests (seed ${SEED})`, { timeout: 180_000 }, async () => {
    const before = await scanAll();
    const samples = fc.sample(requestArbitrary(ctx), { numRuns: RUNS, seed: SEED });
    const started = Date.now();
    const outcomes: Outcome[] = [];
    let unsendable = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < samples.length) {
          const o = await send(samples[next++]!);
          if (o) outcomes.push(o);
          else unsendable++;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    const serverErrors = outcomes.filter((o) => o.status >= 500);
    const notProblem = outcomes.filter((o) => o.status >= 400 && !o.contentType.includes('application/problem+json'));
    const badProblemBody = outcomes.filter((o) => {
      if (o.status < 400 || o.req.method === 'HEAD') return false;
      try {
        const p = JSON.parse(o.body);
        return p.status !== o.status || typeof p.title !== 'string' || typeof p.detail !== 'string' || typeof p.type !== 'string';
      } catch {
        return true;
      }
    });
    const rejectedWrites = outcomes.filter((o) => o.status >= 400 && o.writes.some((k) => !BOOKKEEPING.test(k)));

    // The table, audited: every item that appeared was written by an accepted request.
    const after = await scanAll();
    const known = new Set(before.map((i) => String(i.pk)));
    const writtenByAccepted = new Set(outcomes.filter((o) => o.status < 400).flatMap((o) => o.writes));
    const strays = after.map((i) => String(i.pk)).filter((pk) => !known.has(pk) && !BOOKKEEPING.test(pk) && !writtenByAccepted.has(pk));
    const bookkeeping = (items: Record<string, unknown>[]) => items.filter((i) => BOOKKEEPING.test(String(i.pk))).length;

    const statuses: Record<number, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    const routesHit = new Map<string, number>();
    for (const o of outcomes) {
      const r = routeOf(o.req.method, o.req.path);
      if (r) routesHit.set(r, (routesHit.get(r) ?? 0) + 1);
    }
    const figures = {
      seed: SEED,
      requestsFuzzed: outcomes.length,
      unsendable,
      seconds,
      requestsPerSecond: Math.round(outcomes.length / seconds),
      serverErrors: serverErrors.length,
      statuses,
      routesCovered: `${routesHit.size}/${ROUTES.length}`,
      perRoute: Object.fromEntries(routesHit),
      writesByAccepted: outcomes.filter((o) => o.status < 400 && o.writes.some((k) => !BOOKKEEPING.test(k))).length,
      itemsBefore: before.length - bookkeeping(before),
      itemsAfter: after.length - bookkeeping(after),
    };
    console.log('FUZZ FIGURES', JSON.stringify(figures, null, 2));
    if (serverErrors.length > 0) console.log('5xx', serverErrors.slice(0, 5).map(describeReq), unhandled.slice(0, 5));

    expect(serverErrors.map(describeReq).slice(0, 5)).toEqual([]);
    expect(notProblem.map(describeReq).slice(0, 5)).toEqual([]);
    expect(badProblemBody.map(describeReq).slice(0, 5)).toEqual([]);
    expect(rejectedWrites.map((o) => `${describeReq(o)} wrote ${o.writes.join(',')}`).slice(0, 5)).toEqual([]);
    expect(strays.slice(0, 10)).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(RUNS * 0.99);
    expect(routesHit.size).toBe(ROUTES.length);
    // The tracker must see writes, or "no writes by rejected requests" would prove nothing.
    expect(figures.writesByAccepted).toBeGreaterThan(0);
    // Every route was reached past validation at least once, not only refused at the door.
    for (const [method, template] of ROUTES.filter(([m, t]) => !NO_LOCAL_SUCCESS.has(`${m} ${t}`))) {
      const ok = outcomes.some((o) => o.status < 300 && routeOf(o.req.method, o.req.path) === `${method} ${template}`);
      expect(ok, `${method} ${template} never answered 2xx`).toBe(true);
    }
  });
});
