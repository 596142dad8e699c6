// The esbuild settings every Lambda bundle is built with, in one place: the CDK stack passes
// them to NodejsFunction (../constructs/service-function.ts) and `npm run bench:lambda`
// (bench/lambda.ts) builds with the same values, so the bench measures what is deployed.
import { fileURLToPath } from 'node:url';

// ESM output keeps top-level await and tree-shaking; a few CommonJS dependencies still call
// `require` for Node built-ins, which ESM does not define, so the bundle gets one back.
export const REQUIRE_SHIM =
  "import { createRequire as __switchyardCreateRequire } from 'node:module';" +
  'const require = __switchyardCreateRequire(import.meta.url);';

export const TARGET = 'node22';
export const MAIN_FIELDS = ['module', 'main'];
// The nodejs22.x runtime ships AWS SDK v3; bundling it again would only add size and cold-start time.
export const EXTERNAL = ['@aws-sdk/*'];
/** `zod` without its ~50 locales (./zod.mjs): an absolute path, whatever directory esbuild runs in. */
export const ALIAS: Record<string, string> = { zod: fileURLToPath(new URL('./zod.mjs', import.meta.url)) };

/** The esbuild options of a Lambda bundle (entry, output, minify and metafile aside), for the bench and tests that build one. */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: TARGET,
  mainFields: MAIN_FIELDS,
  banner: { js: REQUIRE_SHIM },
  external: EXTERNAL,
  alias: ALIAS,
} as const;
