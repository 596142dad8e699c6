// Shared by the infra tests: builds the app the way `cdk synth` does (cdk.json's context and
// feature flags, plus per-test overrides) so that what is asserted is what gets deployed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, expect } from 'vitest';
import type { SwitchyardStack } from '../../infra/stack.js';
import { defineApp } from '../../infra/switchyard-app.js';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Handlers that arrive with later features: deployed (context "auto") once their file exists. */
export const hasHandler = (name: 'webhooks' | 'billing'): boolean => existsSync(join(projectRoot, 'functions', `${name}.ts`));
/** The functions the default stack deploys, given what is in functions/ right now. */
export const FUNCTIONS = ['api', 'payments', 'dispatch', 'reconcile', ...(['webhooks', 'billing'] as const).filter(hasHandler)];

/** Tiny stand-in handlers: fast to bundle, for tests about options rather than the real code. */
export const FIXTURE_FUNCTIONS_DIR = 'test/infra/fixtures/functions';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * For hooks that synthesize: bundling the real handlers is CPU-bound and, on a busy 2-core
 * machine (other test files run in parallel), can take well over vitest's default hook timeout.
 */
export const SYNTH_TIMEOUT_MS = 240_000;

// CDK's default outdir is a fresh temp folder per App (~9 MB with bundled assets), never
// removed: a test file's apps share one, removed after the file (imported at collection, so
// this hook belongs to each importing file).
let outdirOfThisFile: string | undefined;
const synthOutdir = (): string => (outdirOfThisFile ??= mkdtempSync(join(tmpdir(), 'switchyard-cdk-test-')));
afterAll(() => {
  if (outdirOfThisFile) rmSync(outdirOfThisFile, { recursive: true, force: true });
  outdirOfThisFile = undefined;
});

export interface Synthesized {
  app: App;
  stack: SwitchyardStack;
  template: Template;
}

export function buildApp(
  context: Record<string, unknown> = {},
  options: { withNag?: boolean } = {},
): { app: App; stack: SwitchyardStack } {
  const app = new App({ context: { ...cdkJson.context, ...context }, outdir: synthOutdir() });
  const stack = defineApp(app, { projectRoot, withoutNag: !options.withNag });
  return { app, stack };
}

/** The stack's template, without cdk-nag (nag has its own test). */
export function synthStack(context: Record<string, unknown> = {}): Synthesized {
  const { app, stack } = buildApp(context);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Resources of one type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

/** The one Lambda function with this Switchyard name ("api", "dispatch", ...). */
export function functionNamed(template: Template, name: string, stage = 'dev'): { id: string; props: Record<string, any> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: `switchyard-${stage}-${name}` },
  }));
  expect(found, `function ${name}`).toHaveLength(1);
  const [id, resource] = found[0]!;
  return { id, props: resource.Properties };
}

/** The logical id of the one resource of this type whose properties match. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0]!;
}
