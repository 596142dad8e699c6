// What the Lambda bundles get for `import … from 'zod'` (esbuild alias, ./esbuild-options.ts):
// zod's own index (zod/index.js) over its classic API, minus the `locales` namespace. zod
// exports every locale from `z.locales` and `z.core.locales`, and @hono/zod-openapi hands the
// whole `z` namespace to its extension, so esbuild keeps all ~50 locales (~250 KB minified)
// although only English (set by zod's schemas on first use) is ever used. Also left out: the
// opt-in compiler (`z.compile`, `withParser`; ~29 KB, parse never imports it) and
// `fromJSONSchema` (~12 KB). Nothing here calls them; a test (test/infra/zod-lean.test.ts)
// checks the exports match zod's otherwise.
import * as z from './zod-classic.mjs';
export * from './zod-classic.mjs';
export { z, z as default };
