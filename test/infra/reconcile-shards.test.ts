// Sharded reconcile passes in the stack: context "reconcileShards" gives the reconcile
// schedule one target per shard, each with the event { shard, shards } the handler reads.
import { describe, expect, it } from 'vitest';
import { loadStageConfig, type ContextSource } from '../../infra/config.js';
import { FIXTURE_FUNCTIONS_DIR, projectRoot, synthStack, SYNTH_TIMEOUT_MS } from './synth.js';

const base = { enabledProviders: 'vastai', functionsDir: FIXTURE_FUNCTIONS_DIR };
const ctx = (values: Record<string, unknown>): ContextSource => ({ tryGetContext: (key) => values[key] });

interface RuleTarget {
  Input?: string;
}

describe('reconcile shards', () => {
  it('defaults to one invocation per pass and refuses more shards than the index has partitions', () => {
    expect(loadStageConfig(ctx(base), projectRoot).reconcileShards).toBe(1);
    expect(loadStageConfig(ctx({ ...base, reconcileShards: '3' }), projectRoot).reconcileShards).toBe(3);
    expect(() => loadStageConfig(ctx({ ...base, reconcileShards: '5' }), projectRoot)).toThrow(/reconcileShards/);
  });

  it('gives the reconcile schedule one target per shard', () => {
    const template = synthStack({ ...base, reconcileShards: '3' }).template;
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as { Properties: { Name?: string; Targets: RuleTarget[] } }[];
    const reconcile = rules.find((r) => r.Properties.Name?.endsWith('-reconcile'))!;
    expect(reconcile.Properties.Targets.map((t) => JSON.parse(t.Input!))).toEqual([
      { shard: 0, shards: 3 },
      { shard: 1, shards: 3 },
      { shard: 2, shards: 3 },
    ]);
  }, SYNTH_TIMEOUT_MS);
});
