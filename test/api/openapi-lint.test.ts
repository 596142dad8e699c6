// The OpenAPI lint that `npm test` runs (npm run lint:openapi) must fail on a warning, not
// only on an error: both linters are run, with the committed configs, on a copy of the
// generated document with one operationId and one field description taken out.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const generated = join(root, 'packages/client/src/generated/openapi.json');

/** Runs an npx binary from the repo root; resolves with its exit status and output (never throws). */
const run = (args: string[]) =>
  promisify(execFile)('npx', args, { cwd: root, encoding: 'utf8', timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ status: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ status: error.code ?? 1, output: (error.stdout ?? '') + (error.stderr ?? '') }),
  );

type Doc = { paths: Record<string, Record<string, { operationId?: string }>>; components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> } };

let broken: string;
beforeAll(() => {
  // Built by `npm test`'s pretest (npm run build -w @switchyard/client).
  const doc = JSON.parse(readFileSync(generated, 'utf8')) as Doc;
  expect(doc.paths['/v1/jobs']!.post!.operationId).toBe('createJob');
  delete doc.paths['/v1/jobs']!.post!.operationId;
  delete doc.components.schemas.Job!.properties.createdAt!.description;
  broken = join(mkdtempSync(join(tmpdir(), 'openapi-lint-')), 'openapi.json');
  writeFileSync(broken, JSON.stringify(doc));
});

describe('npm run lint:openapi', () => {
  it('Redocly (recommended, warnings raised to errors) fails on a missing operationId', async () => {
    const result = await run(['redocly', 'lint', '--config', 'redocly.yaml', broken]);
    expect(result.status, result.output).not.toBe(0);
    expect(result.output).toContain('operation-operationId');
    expect(result.output).toContain('#/paths/~1v1~1jobs/post');
  });

  it('Spectral (spectral:oas and the project rules) fails on a warning: the operationId and the field description', async () => {
    const result = await run(['spectral', 'lint', '--ruleset', '.spectral.yaml', '--fail-severity=warn', broken]);
    expect(result.status, result.output).not.toBe(0);
    expect(result.output).toMatch(/warning\s+operation-operationId/);
    expect(result.output).toMatch(/warning\s+switchyard-field-description[^\n]*components\.schemas\.Job\.properties\.createdAt/);
  });

  it('is what `npm test` runs before the tests', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).toContain('npm run lint:openapi');
    expect(scripts['lint:openapi:spectral']).toContain('--fail-severity=warn');
    expect(scripts['lint:openapi:redocly']).toContain('--config redocly.yaml');
    expect(readFileSync(join(root, 'redocly.yaml'), 'utf8')).toMatch(/^\s+- recommended-strict$/m);
  });
});
