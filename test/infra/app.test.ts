// cdk-nag's AWS Solutions checks over the whole app, exactly as `npm run synth` runs them:
// synthesis must succeed with no finding left, every acknowledged rule must carry a reason,
// and no acknowledgment may outlive the finding it was written for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './synth.js';

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
let synthError: unknown;
let report: Report | undefined;
beforeAll(() => {
  ({ app } = buildApp({}, { withNag: true }));
  try {
    const assembly = app.synth();
    report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as Report;
  } catch (error) {
    synthError = error;
  }
});

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
