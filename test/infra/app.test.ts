// The whole app, synthesized as `npm run synth` does it. cdk-nag's AWS Solutions checks:
// synthesis must succeed with no finding left, every acknowledged rule must carry a reason,
// and no acknowledgment may outlive the finding it was written for. And the Lambda bundles
// that esbuild produced for the real handlers in functions/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, FUNCTIONS, SYNTH_TIMEOUT_MS } from './synth.js';


interface Finding {
  ruleName: string;
  severity?: string;
  violatingResources: { constructPath?: string }[];
}
/** CDK's validation-report.json: the formatted form of every plugin's findings. */
interface Report {
  pluginReports: {
    pluginName: string;
    violations?: { ruleName: string; severity?: string; violatingConstructs: { constructPath?: string }[] }[];
  }[];
}

let app: App;
let assembly: CloudAssembly | undefined;
let synthError: unknown;
let report: Report | undefined;
beforeAll(() => {
  ({ app } = buildApp({}, { withNag: true }));
  try {
    assembly = app.synth();
    report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as Report;
  } catch (error) {
    synthError = error;
  }
}, SYNTH_TIMEOUT_MS);

/** Every `Validations.of(x).acknowledge(...)` in the app, with where it was made. */
const acknowledgments = (): { path: string; id: string; reason: string }[] =>
  app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

describe('cdk-nag AwsSolutionsChecks', () => {
  it('synthesizes without errors', () => {
    expect(synthError === undefined ? '' : String(synthError)).toBe('');
  });

  it('leaves no finding, error or warning, unacknowledged', () => {
    expect(report).toBeDefined();
    const findings = report!.pluginReports.flatMap((r) =>
      (r.violations ?? []).map(
        (v) => `${r.pluginName} ${v.severity ?? ''} ${v.ruleName}: ${v.violatingConstructs.map((x) => x.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledged rule a written reason', () => {
    const acks = acknowledgments();
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('has no stale acknowledgment: each one still matches a finding', () => {
    // The same pack with acknowledgments ignored shows what each one is hiding.
    const raw = new AwsSolutionsChecks();
    (raw as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const findings = raw.validateScope(app).violations as Finding[];
    for (const ack of acknowledgments()) {
      const hidden = findings.some(
        (f) =>
          f.ruleName === ack.id &&
          f.violatingResources.some((r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`)),
      );
      expect(hidden, `${ack.id} on ${ack.path} no longer matches any finding`).toBe(true);
    }
  });
});

/** Where the bundle of `name` sits in the assembly: asset.<hash>/, the hash being the code's S3 key. */
const assetDirOf = (name: string): string => {
  const stack = assembly!.getStackByName('Switchyard-dev');
  const fn = Object.values(stack.template.Resources as Record<string, { Type: string; Properties: any }>).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `switchyard-dev-${name}`,
  );
  return join(assembly!.directory, `asset.${(fn!.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
};

/** The npm packages a bundle was built from, read from its source map (zod's locales listed apart). */
const packagesIn = (name: string): Set<string> => {
  const { sources } = JSON.parse(readFileSync(join(assetDirOf(name), 'index.mjs.map'), 'utf8')) as { sources: string[] };
  return new Set(
    sources.flatMap((source) => {
      if (/node_modules\/zod\/v4\/locales\//.test(source)) return [`zod/locales/${source.split('/').pop()}`];
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
      return pkg ? [pkg] : [];
    }),
  );
};

describe('Lambda bundles', () => {
  it('api: no stripe, viem or @solana/* (the payments function has them), no Google auth stack (only the workers call GCP Batch), and zod with its English messages only', () => {
    const api = [...packagesIn('api')];
    expect(api.filter((p) => p === 'stripe' || p === 'viem' || p.startsWith('@solana/'))).toEqual([]);
    expect(api.filter((p) => ['google-auth-library', 'gaxios', 'gcp-metadata', 'gtoken', 'node-fetch'].includes(p))).toEqual([]);
    // The check can fail: the reconcile bundle is built the same way and carries the library (loaded on its first token).
    expect([...packagesIn('reconcile')]).toContain('google-auth-library');
    expect(api.filter((p) => p.startsWith('zod/locales/'))).toEqual(['zod/locales/en.js']);
    expect(api).toContain('zod');
    // The check can fail: the payments bundle is built the same way and carries them.
    const payments = [...packagesIn('payments')];
    expect(payments).toEqual(expect.arrayContaining(['stripe', 'viem']));
    expect(payments.some((p) => p.startsWith('@solana/'))).toBe(true);
  });

  it("api: none of the dispatcher's code, nor the job agent's script it injects at launch (quotes and the admin job view need only their own small modules)", () => {
    const sources = (name: string): string[] => (JSON.parse(readFileSync(join(assetDirOf(name), 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
    const dispatcherCode = (name: string) => sources(name).filter((s) => /src\/(core\/dispatch|core\/hedge\.ts|agent\/agent-script|agent\/script\/)/.test(s));
    expect(dispatcherCode('api')).toEqual([]);
    // The check can fail: the dispatch bundle is built the same way and carries them.
    expect(dispatcherCode('dispatch').length).toBeGreaterThan(3);
  });

  it('api: the S3, presigner and KMS clients load on first use (dynamic import), not in the cold start', () => {
    const code = readFileSync(join(assetDirOf('api'), 'index.mjs'), 'utf8');
    for (const pkg of ['@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner', '@aws-sdk/client-kms']) {
      expect(code.includes(`from"${pkg}"`), `${pkg} imported at module load`).toBe(false);
      expect(code.includes(`import("${pkg}")`), `${pkg} imported on first use`).toBe(true);
    }
    // The clouds are catalogue-only in the api: no Batch client at all (the reconcile bundle has it).
    expect(code.includes('@aws-sdk/client-batch'), 'api bundles AWS Batch calls').toBe(false);
    expect(readFileSync(join(assetDirOf('reconcile'), 'index.mjs'), 'utf8').includes('from"@aws-sdk/client-batch"')).toBe(true);
  });

  it.each(FUNCTIONS)('%s: minified ESM with a source map, AWS SDK left to the runtime', (name) => {
    const assetDir = assetDirOf(name);
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    // Booleans rather than the code itself, so that a failure does not print a whole bundle.
    expect(code.startsWith("import { createRequire as __switchyardCreateRequire } from 'node:module';")).toBe(true);
    // Minified: most of the code sits on very long lines. (The average line length misleads: the
    // job agent's POSIX sh script is embedded as a multi-line string in some bundles.)
    const longLines = code.split('\n').filter((line) => line.length > 2000).reduce((sum, line) => sum + line.length, 0);
    expect(longLines / code.length, 'share of the code on lines over 2000 characters').toBeGreaterThan(0.8);
    expect(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/.test(code)).toBe(true);
    // The runtime's SDK is imported, not carried: no DynamoDB wire-protocol code inside.
    expect(code.includes('from"@aws-sdk/lib-dynamodb"'), 'imports the SDK').toBe(true);
    expect(code.includes('DynamoDB_20120810'), 'bundles the SDK').toBe(false);
  });
});
