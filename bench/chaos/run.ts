// One chaos run: start the local system with --data, submit the planned jobs (Idempotency-Keys
// repeated after every kill), kill -9 the whole process group at seeded moments and restart it on
// the same data, send hostile requests, wait for every job to end, then count what broke.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/local/dynamodb-local.js';
import type { ChaosReport } from '../../src/local/chaos-report.js';
import { createRng } from '../../src/market/shared/rng.js';
import { ChaosClient, newWireCounters, pool } from './client.js';
import { computeFigures, type ChaosFigures, type JobView, type CrashSnapshot } from './figures.js';
import { SystemProcess } from './system-process.js';
import { hostileRequests, planJobs } from './workload.js';

export interface ChaosOptions {
  jobs: number;
  kills: number;
  seed: number;
  waitSeconds: number;
  concurrency?: number;
  /** SWITCHYARD_FAULTS for the system; a moderate default mix when unset. */
  faults?: object;
  log?: (line: string) => void;
}

export const DEFAULT_FAULTS = (seed: number) => ({
  seed,
  providers: { '*': { http5xx: 0.02, http429: 0.02, retryAfterSeconds: 1, httpHang: 0.005, httpHangMs: 3000, refuse: 0.05, lost: 0.05, hang: 0.01 } },
  queueDrop: 0.05,
  dynamoThrottle: 0.01,
  market: { startDelayMs: 1500, runMs: 4000 },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

export const runChaos = async (options: ChaosOptions): Promise<ChaosFigures> => {
  const log = options.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'switchyard-chaos-'));
  const dataDir = resolve(work, 'data');
  const marker = resolve(work, 'marker.log');
  const apiKey = `sy_live_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url').slice(0, 43)}`;
  const adminKey = `sy_live_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url').slice(0, 43)}`;
  const port = await freePort();
  const system = new SystemProcess({
    dataDir,
    port,
    env: { SWITCHYARD_API_KEY: apiKey, SWITCHYARD_ADMIN_KEY: adminKey, SWITCHYARD_FAULTS: JSON.stringify(options.faults ?? DEFAULT_FAULTS(options.seed)) },
  });
  const wire = newWireCounters();
  const client = new ChaosClient(`http://127.0.0.1:${port}`, system, wire);
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const rng = createRng(options.seed ^ 0x5eed);
  const planned = planJobs(options.jobs, options.seed, marker);
  const idOfKey = new Map<string, string>();
  let idempotencyConflicts = 0;
  const submitLog = new Map<string, string[]>();
  const faultTotals: Record<string, number> = {};
  const crashes: CrashSnapshot[] = [];
  const addFaults = (report: ChaosReport | undefined) => {
    for (const [k, v] of Object.entries(report?.faults ?? {})) faultTotals[k] = (faultTotals[k] ?? 0) + v;
  };

  const submit = async (index: number) => {
    const job = planned[index]!;
    const answer = await client.until('POST', '/v1/jobs', { headers: { ...auth, 'idempotency-key': job.key }, body: job.body });
    if (answer.status !== 201 && answer.status !== 202 && answer.status !== 200) {
      log(`submit ${job.key}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      return;
    }
    const id = (answer.body as { id: string }).id;
    const seen = submitLog.get(id) ?? [];
    seen.push(`${job.key} ${answer.status}${answer.headers.get('idempotent-replayed') ? ' replayed' : ''} generation ${system.generation}`);
    submitLog.set(id, seen);
    const before = idOfKey.get(job.key);
    if (before && before !== id) idempotencyConflicts += 1;
    idOfKey.set(job.key, id);
  };

  // Kill points: after a seeded share of the submits, spread over the run.
  const killAt = Array.from({ length: options.kills }, () => Math.floor((0.15 + 0.8 * rng.next()) * options.jobs)).sort((a, b) => a - b);
  let submitted = 0;
  const crash = async () => {
    // Jobs with a live attempt: starting or running on some machine.
    const running = [...(await listJobs(client, auth, 'starting')), ...(await listJobs(client, auth, 'running'))];
    addFaults(await system.report());
    const killedAt = Date.now();
    await system.kill();
    log(`kill -9 at ${submitted}/${options.jobs} submitted, ${running.length} starting or running`);
    await system.start();
    crashes.push({ killedAt, readyAt: Date.now(), running: running.map((j) => ({ id: j.id, attemptId: j.attempts.at(-1)?.id ?? '', fallback: j.spec?.placement?.fallback ?? 'none' })) });
    // Clients retry what the crash cut off, and some of what it did not: each key must stay one job.
    const again = Array.from({ length: submitted }, (_, i) => i).filter(() => rng.chance(0.1));
    await pool(again, 4, async (i) => submit(i));
  };

  await system.start();
  const started = Date.now();
  const hostile = hostileRequests(apiKey, Math.max(16, Math.ceil(options.jobs / 2)));
  const hostileCounts: Record<string, number> = {};
  const hostileRun = pool(hostile, 2, async (h) => {
    const a = await client.once(h.method, h.path, { headers: h.headers, ...(h.body !== undefined ? { body: h.body } : {}) });
    const key = a ? String(a.status) : 'no answer';
    hostileCounts[key] = (hostileCounts[key] ?? 0) + 1;
  });
  let nextKill = 0;
  const batch = options.concurrency ?? 8;
  for (let start = 0; start < planned.length; start += batch * 4) {
    const indexes = Array.from({ length: Math.min(batch * 4, planned.length - start) }, (_, i) => start + i);
    const inFlight = pool(indexes, batch, async (i) => submit(i));
    // A kill lands while this slice's submits are in flight.
    while (nextKill < killAt.length && killAt[nextKill]! < start + indexes.length) {
      await sleep(rng.int(0, 300));
      submitted = start;
      await crash();
      nextKill += 1;
    }
    await inFlight;
    submitted = start + indexes.length;
  }
  while (nextKill++ < killAt.length) await crash();
  await hostileRun;
  const lastSubmit = Date.now();
  log(`submitted ${idOfKey.size} jobs in ${((lastSubmit - started) / 1000).toFixed(1)} s; waiting`);

  // Wait until nothing is left non-terminal (the list reads pages, not every job).
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    const open = (await Promise.all(['queued', 'placing', 'starting', 'running'].map((s) => listJobs(client, auth, s)))).flat();
    if (open.length === 0 || Date.now() > deadline) break;
    await sleep(2000);
  }
  const ids = [...new Set(idOfKey.values())];
  const views = new Map<string, JobView | undefined>();
  // How a job that is not found answered, and how its key was answered: a lost job explains itself.
  const lostAnswers: Array<{ id: string; status: number; body: string; submits: string[] }> = [];
  await pool(ids, 8, async (id) => {
    const a = await client.until('GET', `/v1/jobs/${id}`, { headers: auth });
    views.set(id, a.status === 200 ? (a.body as JobView) : undefined);
    if (a.status !== 200) lostAnswers.push({ id, status: a.status, body: JSON.stringify(a.body).slice(0, 300), submits: submitLog.get(id) ?? [] });
  });
  const finalReport = await system.report();
  addFaults(finalReport);
  const to = new Date(Date.now() + 86_400_000).toISOString();
  const from = new Date(started - 86_400_000).toISOString();
  const usage = (await client.until('GET', `/v1/usage?from=${from}&to=${to}`, { headers: auth })).body as { items: Array<{ jobId: string; costMicroUsd: number }>; totalMicroUsd: number };
  const trial = (await client.until('GET', '/v1/admin/ledger/trial-balance', { headers: { authorization: `Bearer ${adminKey}` } })).body as { totalMicroUsd: number; violations: string[] };
  await system.stop();
  const markerLines = existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean) : [];
  // Every job as the API showed it at the end, and the crash snapshots, for reading a run afterwards.
  writeFileSync(join(work, 'jobs.json'), JSON.stringify({ crashes, jobs: [...views.values()] }));
  return computeFigures({
    planned,
    idOfKey,
    views,
    lostAnswers,
    idempotencyConflicts,
    markerLines,
    crashes,
    usage,
    trial,
    wire,
    hostileCounts,
    faults: faultTotals,
    ...(finalReport ? { report: finalReport } : {}),
    submitSeconds: (lastSubmit - started) / 1000,
    totalSeconds: (Date.now() - started) / 1000,
    terminal: TERMINAL,
    work,
  });
};

const listJobs = async (client: ChaosClient, auth: Record<string, string>, status: string): Promise<JobView[]> => {
  const out: JobView[] = [];
  let cursor: string | undefined;
  do {
    const a = await client.until('GET', `/v1/jobs?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth });
    const page = a.body as { items: JobView[]; nextCursor?: string };
    out.push(...(page.items ?? []));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
};
