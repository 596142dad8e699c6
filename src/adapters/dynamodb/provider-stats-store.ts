// ProviderStatsStore on DynamoDB. One versioned item per provider holds its per-model
// stats and its breaker; counting an attempt is one transaction that puts a per-attempt
// marker (only if absent) and the new stats (only if the version is the one read). So a
// retried reconcile run cannot count an attempt twice, and two reconcilers counting
// different attempts at once both land (the loser re-reads and retries).
// Key design: ./table-design.ts.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProviderStatsStore } from '../../core/reliability-store.js';
import {
  DEFAULT_RELIABILITY_CONFIG,
  applyOutcome,
  withBreakerCleared,
  breakerState,
  probeAvailable,
  withProbe,
  type AttemptOutcome,
  type ProviderStatsRecord,
  type ReliabilityConfig,
} from '../../core/reliability.js';
import { TTL_ATTRIBUTE, providerStatsKeys } from './table-design.js';

// Long enough that no retry could still be counting the attempt; short enough not to pile up.
const COUNTED_TTL_SECONDS = 30 * 24 * 3600;
const RETRIES = 20;

// Writers racing on one provider's item retry after a short random pause, so they spread out.
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(attempt + 1, 10)));

interface StatsItem {
  version: number;
  stats: ProviderStatsRecord;
}

const conditionFailedAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export class DynamoProviderStatsStore implements ProviderStatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly config: ReliabilityConfig = DEFAULT_RELIABILITY_CONFIG,
  ) {}

  async getMany(providers: string[]): Promise<Map<string, ProviderStatsRecord>> {
    const out = new Map<string, ProviderStatsRecord>();
    const names = [...new Set(providers)];
    // BatchGetItem takes at most 100 keys; a deployment has a handful of providers.
    for (let i = 0; i < names.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = names.slice(i, i + 100).map((p) => providerStatsKeys.stats(p));
      for (let round = 0; keys && keys.length > 0 && round < RETRIES; round++) {
        const res = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of res.Responses?.[this.tableName] ?? []) {
          const stats = (item as unknown as StatsItem).stats;
          out.set(stats.provider, stats);
        }
        keys = res.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  async record(outcome: AttemptOutcome): Promise<boolean> {
    for (let i = 0; i < RETRIES; i++) {
      const current = await this.read(outcome.provider);
      const next = applyOutcome(current?.stats, outcome, this.config);
      const expiresAt = Math.floor(Date.parse(outcome.at) / 1000) + COUNTED_TTL_SECONDS;
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...providerStatsKeys.counted(outcome.provider, outcome.attemptId), kind: outcome.kind, at: outcome.at, [TTL_ATTRIBUTE]: expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              this.putStats(next, current?.version),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailedAt(error, 0)) return false; // counted before: a retry, not a new attempt
        if (!conditionFailedAt(error, 1)) throw error;
        // Someone else updated the provider's stats since we read them: read again.
        await backoff(i);
      }
    }
    throw new Error(`provider stats for ${outcome.provider} kept changing; attempt ${outcome.attemptId} not counted`);
  }

  async claimProbe(provider: string, attemptId: string, now: Date): Promise<boolean> {
    for (let i = 0; i < RETRIES; i++) {
      const current = await this.read(provider);
      const state = breakerState(current?.stats, now);
      if (state !== 'half-open' || !current) return state === 'closed';
      if (!probeAvailable(current.stats, attemptId, now)) return false;
      try {
        await this.db.send(new PutCommand(this.putStats(withProbe(current.stats, attemptId, now, this.config), current.version).Put));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    return false;
  }

  async clearBreaker(provider: string, at: string): Promise<void> {
    for (let i = 0; i < RETRIES; i++) {
      const current = await this.read(provider);
      const next = withBreakerCleared(current?.stats, at);
      if (!next || !current) return; // nothing to clear: one read, no write
      try {
        await this.db.send(new PutCommand(this.putStats(next, current.version).Put));
        return;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        await backoff(i);
      }
    }
  }

  private async read(provider: string): Promise<StatsItem | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.tableName, Key: providerStatsKeys.stats(provider), ConsistentRead: true }));
    return res.Item ? { version: res.Item.version as number, stats: res.Item.stats as ProviderStatsRecord } : undefined;
  }

  /** A put of the stats item, conditional on the version read (or on there being none). */
  private putStats(stats: ProviderStatsRecord, version: number | undefined) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...providerStatsKeys.stats(stats.provider), version: (version ?? 0) + 1, stats },
        ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(version === undefined ? {} : { ExpressionAttributeValues: { ':v': version } }),
      },
    };
  }
}
