// The Lambda bundles get `zod` without its locales (infra/bundling/zod.mjs, an esbuild alias).
// Two things could go wrong on a zod upgrade: the stand-in drifts from zod's exports, or a
// bundle built with it behaves differently. Both are checked here against the real zod.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as zod from 'zod';
import { LAMBDA_BUILD_OPTIONS } from '../../infra/bundling/esbuild-options.js';
import * as lean from '../../infra/bundling/zod.mjs';
import { openApiDocument } from '../../packages/client/scripts/openapi-document.js';
import { projectRoot, SYNTH_TIMEOUT_MS } from './synth.js';

// What the stand-in leaves out (infra/bundling/zod.mjs says why).
const LEFT_OUT = new Set(['locales', 'compile', 'compileFn', 'withParser', 'ZodCompileAsyncError', 'ZodCompileUnsupportedError', 'fromJSONSchema']);
const withoutLocales = (keys: string[]) => keys.filter((k) => !LEFT_OUT.has(k)).sort();

describe('zod without locales', () => {
  it('exports everything zod does but the locales, the compiler and fromJSONSchema, at the top level and in `core`, as the same values', () => {
    expect(Object.keys(lean).sort()).toEqual(withoutLocales(Object.keys(zod)));
    expect(Object.keys(lean.core).sort()).toEqual(withoutLocales(Object.keys(zod.core)));
    expect(Object.keys(lean.z).sort()).toEqual(withoutLocales(Object.keys(zod.z)));
    expect(lean.ZodError).toBe(zod.ZodError);
    expect(lean.z.object).toBe(zod.z.object);
    expect(lean.INVALID).toBe(zod.INVALID);
  });

  it(
    'a bundle built with it produces the same OpenAPI document and validation messages as the unbundled code',
    async () => {
      const outDir = join(projectRoot, 'dist', 'test-zod-lean');
      mkdirSync(outDir, { recursive: true });
      const outfile = join(outDir, 'probe.mjs');
      await build({
        stdin: {
          contents: `export { openApiDocument } from ${JSON.stringify(join(projectRoot, 'packages/client/scripts/openapi-document.ts'))};
import { z } from '@hono/zod-openapi';
export const message = () => z.object({ n: z.number().int() }).safeParse({ n: 'x' }).error.issues[0].message;`,
          resolveDir: projectRoot,
          loader: 'ts',
        },
        outfile,
        ...LAMBDA_BUILD_OPTIONS,
        mainFields: [...LAMBDA_BUILD_OPTIONS.mainFields],
        external: [...LAMBDA_BUILD_OPTIONS.external],
        metafile: true,
        logLevel: 'error',
      }).then((result) => {
        // Inputs that left code in the output (the metafile also lists files tree-shaken away).
        const used = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([p]) => p));
        const locales = used.filter((p) => p.includes('zod/v4/locales/'));
        expect(locales.map((p) => p.split('/').pop())).toEqual(['en.js']);
        expect(used.filter((p) => /zod\/v4\/(core\/compile|classic\/from-json-schema)\.js$/.test(p))).toEqual([]);
      });
      const probe = (await import(pathToFileURL(outfile).href)) as { openApiDocument: () => Promise<unknown>; message: () => string };
      expect(await probe.openApiDocument()).toEqual(await openApiDocument());
      expect(probe.message()).toBe(zod.z.object({ n: zod.z.number().int() }).safeParse({ n: 'x' }).error!.issues[0]!.message);
      expect(probe.message()).toMatch(/expected number/i);
    },
    SYNTH_TIMEOUT_MS,
  );
});
