// The dashboard in Debian's Chromium against a live local system: the key is entered once
// (kept in sessionStorage), and every page renders real data; a screenshot per page lands
// in test/dashboard/output/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalProvider } from '../../src/providers/local/local-provider.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem, waitFor } from '../support/system.js';

const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));
let system: RunningSystem;
let browser: Browser;
let page: Page;
let jobId: string;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  system = await startTestSystem({ providers: [new LocalProvider({ gpuModels: ['H100'] })], agentHeartbeatSeconds: 1 });
  const job = await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'echo dashboard says hi']) });
  jobId = job.body.id;
  await waitFor(() => api(system, 'GET', `/v1/jobs/${jobId}`), (r) => r.body.status === 'succeeded', { timeoutMs: 60_000 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('/dashboard', () => {
  it('asks for the key once, keeps it in sessionStorage, and lists jobs with status, cost and provider', async () => {
    await page.goto(`${system.url}/dashboard`);
    await page.fill('#key', system.apiKey);
    await page.click('button');
    const row = page.locator('#jobs tr', { hasText: jobId });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/succeeded\s+local\s+\$0\.0000/);
    expect(await page.evaluate(() => sessionStorage.getItem('switchyard.apiKey'))).toBe(system.apiKey);
    await page.screenshot({ path: join(OUTPUT, 'jobs.png'), fullPage: true });
  }, 60_000);

  it('shows a job: attempts, timeline, logs and cost', async () => {
    await page.click(`a[href="#/jobs/${jobId}"]`);
    await page.locator('#attempts tr', { hasText: 'local' }).waitFor();
    expect(await page.innerText('#job-status')).toBe('succeeded');
    expect(await page.innerText('#timeline')).toMatch(/running → succeeded/);
    await page.locator('#logs', { hasText: 'dashboard says hi' }).waitFor();
    expect(await page.innerText('#job-cost')).toMatch(/^\$\d+\.\d{4}$/);
    await page.screenshot({ path: join(OUTPUT, 'job.png'), fullPage: true });
  }, 60_000);

  it('follows a running job live over Server-Sent Events: logs, timeline, status and cost, without reloading', async () => {
    const running = await api(system, 'POST', '/v1/jobs', { body: localJob(['sh', '-c', 'echo first line; sleep 3; echo second line; sleep 1']) });
    const id = running.body.id as string;
    await waitFor(() => api(system, 'GET', `/v1/jobs/${id}`), (r) => r.body.status === 'running', { timeoutMs: 30_000 });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${system.url}/dashboard/#/jobs/${id}`);
    await page.locator('#live').waitFor();
    await page.locator('#logs', { hasText: 'first line' }).waitFor({ timeout: 20_000 });
    expect(await page.innerText('#logs')).not.toContain('second line');
    await page.locator('#logs', { hasText: 'second line' }).waitFor({ timeout: 30_000 });
    await page.locator('#job-status', { hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
    await page.locator('#live').waitFor({ state: 'detached' });
    expect(await page.innerText('#timeline')).toMatch(/running → succeeded/);
    expect(await page.innerText('#job-cost')).toMatch(/^\$\d+\.\d{4}$/);
    // Streams, not polling: the logs were followed (never read page by page while the job ran).
    const paths = requests.map((u) => new URL(u)).filter((u) => u.pathname.startsWith(`/v1/jobs/${id}`));
    expect(paths.filter((u) => u.pathname.endsWith('/logs') && u.searchParams.get('follow') === 'true').length).toBeGreaterThanOrEqual(1);
    expect(paths.filter((u) => u.pathname.endsWith('/logs') && u.searchParams.get('follow') !== 'true')).toEqual([]);
    page.removeAllListeners('request');
    await page.screenshot({ path: join(OUTPUT, 'job-live.png'), fullPage: true });
  }, 90_000);

  it("shows providers' health and prices, and balance, usage and budget", async () => {
    await page.goto(`${system.url}/dashboard/#/providers`);
    await page.locator('#providers tr', { hasText: 'local' }).waitFor();
    expect(await page.innerText('#providers')).toMatch(/local\s+local\s+healthy\s+H100 \$0\.0000\/GPU-h/);
    await page.screenshot({ path: join(OUTPUT, 'providers.png'), fullPage: true });
    await page.goto(`${system.url}/dashboard/#/billing`);
    await page.locator('#balance').waitFor();
    expect(await page.innerText('#balance')).toMatch(/Monthly budget/);
    await page.locator('#usage tr', { hasText: jobId }).waitFor();
    await page.screenshot({ path: join(OUTPUT, 'billing.png'), fullPage: true });
  }, 60_000);
});
