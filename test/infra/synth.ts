// Shared by the infra tests: builds the app the way `cdk synth` does (cdk.json's context and
// feature flags, plus per-test overrides) so that what is asserted is what gets deployed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SwitchyardStack } from '../../infra/stack.js';
import { defineApp } from '../../infra/switchyard-app.js';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Tiny stand-in handlers: fast to bundle, for tests about options rather than the real code. */
export const FIXTURE_FUNCTIONS_DIR = 'test/infra/fixtures/functions';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  app: App;
  stack: SwitchyardStack;
  template: Template;
}

export function buildApp(
  context: Record<string, unknown> = {},
  options: { withNag?: boolean } = {},
): { app: App; stack: SwitchyardStack } {
  const app = new App({ context: { ...cdkJson.context, ...context } });
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
