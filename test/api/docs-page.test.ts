// The API reference page, rendered by a real headless Chromium as a person would see it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false, providers: [] });
});
afterAll(() => system.stop());

// Asynchronous on purpose: the API under test runs in this process and must keep serving.
const chromium = (args: string[]) =>
  promisify(execFile)(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  ).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ status: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) }),
  );

describe('/docs in Chromium', () => {
  it('renders every operation from the OpenAPI document, with no script or network needed', async () => {
    const result = await chromium(['--dump-dom', `${system.url}/docs`]);
    expect(result.status, result.stderr).toBe(0);
    const dom = result.stdout;
    for (const path of ['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/cancel', '/v1/jobs/{id}/events', '/v1/providers']) {
      expect(dom).toContain(`<code>${path}</code>`);
    }
    expect(dom).toContain('Submit a job');
    expect(dom).toMatch(/<a href="\/openapi.json">/);
    expect(dom).not.toContain('<script');
  });

  it('produces a screenshot of the page', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shot-')), 'docs.png');
    const result = await chromium([`--screenshot=${file}`, '--window-size=1100,900', `${system.url}/docs`]);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    copyFileSync(file, join(tmpdir(), 'switchyard-docs.png')); // for a person to look at
  });
});
