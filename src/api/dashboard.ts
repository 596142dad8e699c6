// GET /dashboard: the static dashboard (dashboard/, bundled by esbuild at install/build
// time into dashboard/dist). No API key here: the page asks for one and calls /v1 itself.
import { readFile } from 'node:fs/promises';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context.js';
import { problem } from './problem.js';

const root = new URL('../../dashboard/', import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'app.js': { file: 'dist/app.js', type: 'text/javascript; charset=utf-8' },
  'style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export const registerDashboard = (app: OpenAPIHono<ApiEnv>): void => {
  app.get('/dashboard', (c) => c.redirect('/dashboard/'));
  app.get('/dashboard/:asset{.*}', async (c) => {
    const asset = ASSETS[c.req.param('asset')];
    if (!asset) return problem(c, 404, 'not-found', 'Not found', `No dashboard file ${c.req.path}.`);
    try {
      return c.body(await readFile(new URL(asset.file, root)), 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
    } catch {
      return problem(c, 503, 'dashboard-not-built', 'Dashboard not built', 'Run `npm run build:dashboard` (npm install does it).');
    }
  });
};
