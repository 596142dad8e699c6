// Lambda cold-start budget: builds every function in functions/ with the esbuild settings
// the CDK stack uses (infra/bundling/esbuild-options.ts, shared with ServiceFunction: ESM,
// node22, minified, AWS SDK external, the require shim, zod without its locales), and a
// minimal Hono-on-Lambda handler as the floor, then measures each bundle's size and init
// time: the median over fresh `node` processes of importing the bundle (which constructs
// the handler at module scope).
// `npm run bench:lambda -- --json` prints { functions: { <name>: { bundleKb, initMs, initWithLazyMs, lazySdk } }, floor, floorWithSdk }.
// `-- --analyze` also prints, per function, the packages that take the most room (esbuild's metafile).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUILD_OPTIONS } from '../infra/bundling/esbuild-options.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, analyze: { type: 'boolean', default: false }, runs: { type: 'string', default: '20' } },
});
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
// Inside the repository so the bundles resolve the external @aws-sdk/* from node_modules, as the runtime's do.
const outDir = join(root, 'dist', 'bench-lambda');
mkdirSync(outDir, { recursive: true });

// The same settings as ServiceFunction's `bundling` block (source maps aside: they are a separate file).
const metafiles: Record<string, Metafile> = {};
const bundle = async (entry: string, name: string): Promise<string> => {
  const outfile = join(outDir, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    ...LAMBDA_BUILD_OPTIONS,
    mainFields: [...LAMBDA_BUILD_OPTIONS.mainFields],
    external: [...LAMBDA_BUILD_OPTIONS.external],
    minify: true,
    metafile: true,
    logLevel: 'error',
  });
  metafiles[name] = result.metafile;
  return outfile;
};

/** Output KB per package (node_modules/<pkg>) or source folder, largest first. */
const heaviest = (metafile: Metafile, top: number): string => {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      sizes.set(key, (sizes.get(key) ?? 0) + input.bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, bytes]) => `${key} ${Math.round(bytes / 1024)}`).join(', ');
};

// What the stack sets; nothing at module scope may reach the network with these.
const lambdaEnv = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'switchyard-bench',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/switchyard-bench',
  POWERTOOLS_SERVICE_NAME: 'switchyard-bench',
  POWERTOOLS_METRICS_NAMESPACE: 'Switchyard',
  POWERTOOLS_DEV: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const initOnce = (file: string): number => {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); if (typeof m.handler !== 'function') throw new Error('no handler'); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnv, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`init of ${file} failed: ${out.stderr.slice(0, 2000)}`);
  return Number(out.stdout);
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * What a function defers to its first use (AWS SDK clients imported with `import()`: S3, KMS…):
 * the init plus loading those, so the deferral is reported, not hidden.
 */
const lazyImportsOf = (file: string): string[] =>
  [...new Set([...readFileSync(file, 'utf8').matchAll(/import\("(@aws-sdk\/[a-z0-9-]+)"\)/g)].map((m) => m[1]!))].sort();

const initWithLazyOnce = (file: string, lazy: string[]): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); for (const m of ${JSON.stringify(lazy)}) await import(m); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnv, encoding: 'utf8', cwd: root });
  if (out.status !== 0) throw new Error(`init of ${file} with its lazy imports failed: ${out.stderr.slice(0, 2000)}`);
  return Number(out.stdout);
};

const measure = (file: string) => {
  const lazy = lazyImportsOf(file);
  const initMs = Number(median(Array.from({ length: runs }, () => initOnce(file))).toFixed(1));
  return {
    bundleKb: Math.round(statSync(file).size / 1024),
    initMs,
    lazySdk: lazy,
    initWithLazyMs: lazy.length === 0 ? initMs : Number(median(Array.from({ length: runs }, () => initWithLazyOnce(file, lazy))).toFixed(1)),
  };
};

const floorEntry = join(outDir, 'floor-entry.ts');
writeFileSync(
  floorEntry,
  "import { Hono } from 'hono';\nimport { handle } from 'hono/aws-lambda';\nconst app = new Hono();\napp.get('/', (c) => c.text('ok'));\nexport const handler = handle(app);\n",
);
const floor = measure(await bundle(floorEntry, 'floor'));
// For reading the init times: the floor plus the AWS SDK clients every function constructs at load
// (src/aws/base.ts), external as on Lambda. Not a target, a reference point.
const sdkFloorEntry = join(outDir, 'floor-sdk-entry.ts');
writeFileSync(
  sdkFloorEntry,
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nimport { SQSClient } from '@aws-sdk/client-sqs';\n" +
    "import { Hono } from 'hono';\nimport { handle } from 'hono/aws-lambda';\nexport const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SQSClient({})];\n" +
    "const app = new Hono();\napp.get('/', (c) => c.text('ok'));\nexport const handler = handle(app);\n",
);
const floorWithSdk = measure(await bundle(sdkFloorEntry, 'floor-sdk'));
const functions: Record<string, ReturnType<typeof measure>> = {};
for (const file of readdirSync(join(root, 'functions')).filter((f) => f.endsWith('.ts')).sort()) {
  const name = file.replace(/\.ts$/, '');
  functions[name] = measure(await bundle(join(root, 'functions', file), name));
}

if (values.json) console.log(JSON.stringify({ functions, floor, floorWithSdk, runs }));
else {
  console.log(`Lambda bundles (esbuild as in CDK) and init time (median of ${runs} fresh node ${process.version} processes)`);
  console.log(`${'function'.padEnd(12)} ${'bundle KB'.padStart(10)} ${'init ms'.padStart(9)} ${'× floor'.padStart(8)} ${'+ first use'.padStart(12)}  deferred`);
  for (const [name, m] of Object.entries({ ...functions, 'floor (hono)': floor, 'floor + SDK': floorWithSdk })) {
    console.log(
      `${name.padEnd(12)} ${String(m.bundleKb).padStart(10)} ${m.initMs.toFixed(1).padStart(9)} ${(m.initMs / floor.initMs).toFixed(2).padStart(8)} ${m.initWithLazyMs.toFixed(1).padStart(12)}  ${m.lazySdk.join(', ')}`,
    );
  }
  console.log('+ first use: init plus the SDK clients the function imports only when a request needs them (deferred).');
  console.log('floor + SDK: the floor also constructing the DynamoDB and SQS clients every function builds at load (SDK external, as on Lambda).');
  if (values.analyze) {
    console.log('\nLargest parts of each bundle, KB of minified output:');
    for (const name of Object.keys(functions)) console.log(`${name}: ${heaviest(metafiles[name]!, 10)}`);
  }
}
