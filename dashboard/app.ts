// The dashboard: plain TypeScript over the public API. The API key is asked once and kept
// in sessionStorage (gone when the tab closes). Pages: #/jobs, #/jobs/<id>, #/providers, #/billing.
import { readSse, type SseMessage } from '@switchyard/client/sse';

type Json = any;

const KEY = 'switchyard.apiKey';
const main = document.getElementById('main')!;
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const usd = (micro: number | undefined) => (typeof micro === 'number' ? `$${(micro / 1e6).toFixed(4)}` : '-');
const price = (o: Json) =>
  typeof o.pricePerGpuHourMicroUsd === 'number'
    ? `${usd(o.pricePerGpuHourMicroUsd)}/GPU-h`
    : typeof o.minPricePerGpuHourMicroUsd === 'number'
      ? `${usd(o.minPricePerGpuHourMicroUsd)}${o.maxPricePerGpuHourMicroUsd > o.minPricePerGpuHourMicroUsd ? `–${usd(o.maxPricePerGpuHourMicroUsd)}` : ''}/GPU-h`
      : '-';
const terminal = ['succeeded', 'failed', 'cancelled', 'timed_out'];
// The open streams of the job page; aborted when the page changes.
let live: AbortController | undefined;

const api = async (path: string): Promise<Json> => {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}` } });
  const body = await res.json();
  if (res.status === 401) sessionStorage.removeItem(KEY);
  if (!res.ok) throw new Error(`${body.title ?? res.status}: ${body.detail ?? ''}`);
  return body;
};

const askKey = () => {
  main.innerHTML = `<form id="key-form"><label>API key<input id="key" type="password" autocomplete="off" placeholder="sy_live_…"></label><button>Open the dashboard</button></form>`;
  document.getElementById('key-form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, (document.getElementById('key') as HTMLInputElement).value.trim());
    void route();
  });
};

const jobsPage = async () => {
  const page = await api('/v1/jobs?limit=50');
  main.innerHTML = `<h1>Jobs</h1><table id="jobs"><tr><th>Job</th><th>Status</th><th>Provider</th><th>Cost</th><th>Created</th></tr>${page.items
    .map((j: Json) => `<tr><td><a href="#/jobs/${esc(j.id)}">${esc(j.id)}</a></td><td class="status-${esc(j.status)}">${esc(j.status)}</td><td>${esc(j.attempts.at(-1)?.provider ?? '-')}</td><td>${usd(j.costMicroUsd)}</td><td>${esc(j.createdAt)}</td></tr>`)
    .join('')}</table>`;
};

const attemptRows = (job: Json) =>
  job.attempts
    .map((a: Json, i: number) => `<tr><td>${i + 1}${i > 0 ? ' (failover)' : ''}</td><td>${esc(a.provider)}</td><td>${esc(a.gpuModel)}</td><td>${price(a)}</td><td class="status-${esc(a.status)}">${esc(a.status)}</td><td>${esc(a.startedAt ?? '-')} → ${esc(a.endedAt ?? '-')}</td><td>${esc(a.exitCode ?? '-')}</td><td>${esc(a.reason ?? '')}</td></tr>`)
    .join('');
const timelineRow = (e: Json) => `<tr><td>${e.seq}</td><td>${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.from ?? '')} → ${esc(e.to)}</td><td>${esc(e.provider ?? '')}</td><td>${esc(e.reason ?? '')}</td></tr>`;
const ATTEMPTS_HEAD = '<tr><th>#</th><th>Provider</th><th>GPU</th><th>Price</th><th>Status</th><th>Ran</th><th>Exit</th><th>Reason</th></tr>';

/** Reads a Server-Sent Events route with the key (EventSource cannot send headers); resolves when the stream closes. */
const follow = async (path: string, signal: AbortSignal, on: (message: SseMessage) => void) => {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`cannot follow ${path}: ${res.status}`);
  for await (const message of readSse(res.body)) on(message);
};

/** The job's status, cost and attempts, read again after each event of its timeline. */
const refreshSummary = async (id: string) => {
  const job = await api(`/v1/jobs/${id}`);
  const status = document.getElementById('job-status');
  if (status) Object.assign(status, { className: `status-${job.status}`, textContent: job.status });
  const cost = document.getElementById('job-cost');
  if (cost) cost.textContent = usd(job.costMicroUsd);
  const attempts = document.getElementById('attempts');
  if (attempts) attempts.innerHTML = ATTEMPTS_HEAD + attemptRows(job);
  return job;
};

/** The cost is settled a moment after the job ends (the reconciler's next pass): read until it is there, for up to 30 s. */
const awaitCost = async (id: string, signal: AbortSignal) => {
  for (let i = 0; i < 30 && !signal.aborted; i++) {
    if ((await refreshSummary(id)).costMicroUsd !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
};

/** Runs `connect` until it says there is no more (a server pause asks for a reconnect) or the page is left. */
const keepFollowing = (signal: AbortSignal, connect: () => Promise<boolean>) =>
  void (async () => {
    try {
      while (!signal.aborted && (await connect()));
    } catch {
      // The page was left, or the stream failed: the next visit reads everything again.
    }
  })();

/** Live logs and timeline over SSE until the job ends. */
const followJob = (id: string, lastSeq: number, signal: AbortSignal) => {
  const logs = document.getElementById('logs')!;
  const timeline = document.getElementById('timeline')!;
  let cursor: string | undefined;
  let after = lastSeq;
  keepFollowing(signal, async () => {
    let paused = false;
    await follow(`/v1/jobs/${id}/logs?follow=true${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`, signal, (m) => {
      if (m.event === 'log') {
        logs.textContent += (JSON.parse(m.data) as Json).text;
        cursor = m.id ?? cursor;
      } else if (m.event === 'pause') {
        cursor = (JSON.parse(m.data) as Json).cursor ?? cursor;
        paused = true;
      }
    });
    return paused;
  });
  keepFollowing(signal, async () => {
    let paused = false;
    await follow(`/v1/jobs/${id}/events?follow=true&after=${after}`, signal, (m) => {
      if (m.event === 'job-event') {
        const event = JSON.parse(m.data) as Json;
        after = event.seq;
        timeline.insertAdjacentHTML('beforeend', timelineRow(event));
        void refreshSummary(id);
      } else if (m.event === 'end') {
        document.getElementById('live')?.remove();
        void awaitCost(id, signal);
      } else if (m.event === 'pause') paused = true;
    });
    return paused;
  });
};

const jobPage = async (id: string) => {
  const [job, events] = await Promise.all([api(`/v1/jobs/${id}`), api(`/v1/jobs/${id}/events`)]);
  const ended = terminal.includes(job.status);
  // An ended job's output is read once; a live job's comes over the stream, from the start.
  const logs = ended ? await api(`/v1/jobs/${id}/logs?limit=262144`).catch(() => ({ items: [] })) : { items: [] };
  const outputs = (job.outputs ?? job.spec?.outputs ?? []) as Json[];
  main.innerHTML = `<h1>${esc(job.id)} <span class="status-${esc(job.status)}" id="job-status">${esc(job.status)}</span></h1>
<p>Cost: <strong id="job-cost">${usd(job.costMicroUsd)}</strong>${job.reason ? ` · ${esc(job.reason)}` : ''}</p>
<h2>Attempts</h2><table id="attempts">${ATTEMPTS_HEAD}${attemptRows(job)}</table>
<h2>Timeline</h2><table id="timeline">${events.items.map(timelineRow).join('')}</table>
<h2>Outputs</h2>${outputs.length ? `<ul>${outputs.map((o) => `<li>${esc(typeof o === 'string' ? o : JSON.stringify(o))}</li>`).join('')}</ul>` : '<p>none</p>'}
<h2>Logs${ended ? '' : ' <span id="live">(live)</span>'}</h2><pre id="logs">${esc(logs.items.map((p: Json) => p.text).join(''))}</pre>`;
  if (!ended) {
    live = new AbortController();
    followJob(id, events.items.at(-1)?.seq ?? 0, live.signal);
  }
};

const providersPage = async () => {
  const { items } = await api('/v1/providers');
  main.innerHTML = `<h1>Providers</h1><table id="providers"><tr><th>Provider</th><th>Kind</th><th>Health</th><th>GPUs and prices</th></tr>${items
    .map((p: Json) => `<tr><td>${esc(p.name)}</td><td>${esc(p.kind)}</td><td class="health-${esc(p.enabled ? p.health : 'disabled')}">${esc(p.enabled ? p.health : 'disabled')}</td><td>${p.gpus.map((g: Json) => `${esc(g.model)} ${price(g)}`).join('<br>') || '-'}</td></tr>`)
    .join('')}</table>`;
};

const billingPage = async () => {
  const [b, u] = await Promise.all([api('/v1/balance'), api('/v1/usage')]);
  main.innerHTML = `<h1>Billing</h1><table id="balance">
<tr><th>Mode</th><td>${esc(b.mode)}</td></tr><tr><th>Available</th><td>${usd(b.availableMicroUsd)}</td></tr><tr><th>Held</th><td>${usd(b.heldMicroUsd)}</td></tr>
<tr><th>Unbilled</th><td>${usd(b.unbilledMicroUsd)}</td></tr><tr><th>Month to date</th><td>${usd(b.monthToDate?.committedMicroUsd)} (${esc(b.monthToDate?.month)})</td></tr>
<tr><th>Monthly budget</th><td>${b.monthlyBudgetMicroUsd === undefined ? 'none' : usd(b.monthlyBudgetMicroUsd)}</td></tr></table>
<h2>Usage (${esc(u.from)} – ${esc(u.to)}): ${usd(u.totalMicroUsd)}</h2><table id="usage"><tr><th>Job</th><th>Status</th><th>Provider</th><th>Seconds</th><th>Cost</th></tr>${u.items
    .map((i: Json) => `<tr><td><a href="#/jobs/${esc(i.jobId)}">${esc(i.jobId)}</a></td><td>${esc(i.jobStatus ?? '-')}</td><td>${esc(i.provider ?? '-')}</td><td>${esc(i.billedSeconds ?? '-')}</td><td>${usd(i.costMicroUsd)}</td></tr>`)
    .join('')}</table>`;
};

const route = async () => {
  live?.abort();
  live = undefined;
  const hash = location.hash || '#/jobs';
  if (hash === '#/logout') {
    sessionStorage.removeItem(KEY);
    location.hash = '#/jobs';
    return;
  }
  if (!sessionStorage.getItem(KEY)) return askKey();
  try {
    const job = /^#\/jobs\/([\w-]+)$/.exec(hash);
    if (job?.[1]) await jobPage(job[1]);
    else if (hash === '#/providers') await providersPage();
    else if (hash === '#/billing') await billingPage();
    else await jobsPage();
  } catch (error) {
    if (!sessionStorage.getItem(KEY)) return askKey();
    main.innerHTML = `<p class="error">${esc((error as Error).message)}</p>`;
  }
};

window.addEventListener('hashchange', () => void route());
void route();
