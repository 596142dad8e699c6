// Composes the CDK app: the stage's stack plus cdk-nag's AWS Solutions checks, which run as a
// policy-validation plugin during synthesis, so `cdk synth` and `cdk deploy` fail on any
// finding that has not been acknowledged with a written reason next to the resource.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from './config.js';
import { SwitchyardStack } from './stack.js';

export interface DefineAppOptions {
  /** Repository root (package-lock.json, functions/, src/). */
  projectRoot: string;
  /** Skip cdk-nag; only for tests that look at the template and not at findings. */
  withoutNag?: boolean;
}

export function defineApp(app: App, options: DefineAppOptions): SwitchyardStack {
  const config = loadStageConfig(app.node, options.projectRoot);
  const stack = new SwitchyardStack(app, `Switchyard-${config.stage}`, {
    description: `Switchyard (${config.stage}): HTTP API, job queue and dispatch for GPU jobs`,
    config,
    projectRoot: options.projectRoot,
  });
  if (!options.withoutNag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return stack;
}
