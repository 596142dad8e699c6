// The dashboard: plain TypeScript over the public API. The API key is asked once and kept
// in sessionStorage (gone when the tab closes). Pages: #/jobs, #/jobs/<id>, #/providers, #/billing.
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
let timer: number | undefined;

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

const jobPage = async (id: string) => {
  const [job, events, logs] = await Promise.all([api(`/v1/jobs/${id}`), api(`/v1/jobs/${id}/events`), api(`/v1/jobs/${id}/logs?limit=262144`).catch(() => ({ items: [] }))]);
  const attempts = job.attempts
    .map((a: Json, i: number) => `<tr><td>${i + 1}${i > 0 ? ' (failover)' : ''}</td><td>${esc(a.provider)}</td><td>${esc(a.gpuModel)}</td><td>${price(a)}</td><td class="status-${esc(a.status)}">${esc(a.status)}</td><td>${esc(a.startedAt ?? '-')} → ${esc(a.endedAt ?? '-')}</td><td>${esc(a.exitCode ?? '-')}</td><td>${esc(a.reason ?? '')}</td></tr>`)
    .join('');
  const outputs = (job.outputs ?? job.spec?.outputs ?? []) as Json[];
  main.innerHTML = `<h1>${esc(job.id)} <span class="status-${esc(job.status)}" id="job-status">${esc(job.status)}</span></h1>
<p>Cost: <strong id="job-cost">${usd(job.costMicroUsd)}</strong>${job.reason ? ` · ${esc(job.reason)}` : ''}</p>
<h2>Attempts</h2><table id="attempts"><tr><th>#</th><th>Provider</th><th>GPU</th><th>Price</th><th>Status</th><th>Ran</th><th>Exit</th><th>Reason</th></tr>${attempts}</table>
<h2>Timeline</h2><table id="timeline">${events.items.map((e: Json) => `<tr><td>${e.seq}</td><td>${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.from ?? '')} → ${esc(e.to)}</td><td>${esc(e.provider ?? '')}</td><td>${esc(e.reason ?? '')}</td></tr>`).join('')}</table>
<h2>Outputs</h2>${outputs.length ? `<ul>${outputs.map((o) => `<li>${esc(typeof o === 'string' ? o : JSON.stringify(o))}</li>`).join('')}</ul>` : '<p>none</p>'}
<h2>Logs${terminal.includes(job.status) ? '' : ' (live)'}</h2><pre id="logs">${esc(logs.items.map((p: Json) => p.text).join(''))}</pre>`;
  // Live: read the job again every 2 s until it ends.
  if (!terminal.includes(job.status)) timer = window.setTimeout(() => void jobPage(id), 2000);
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
  window.clearTimeout(timer);
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
