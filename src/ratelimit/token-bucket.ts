// A per-key token bucket kept in DynamoDB, so that the limit holds across every Lambda
// instance (and every local app) sharing the table.
//
// It is stored in its GCRA form: one number, the "theoretical arrival time" (tat, in ms)
// at which the bucket would be full again. A request is allowed when taking one token
// keeps tat within `burst` intervals of now; taking a token adds one interval. Both cases
// are single conditional updates, so concurrent requests can never spend the same token:
//   bucket not empty but not full  SET tat = tat + interval   IF now <= tat <= now + (burst-1)·interval
//   bucket full (or new)           SET tat = now + interval   IF tat missing or tat < now
// Whichever condition fails tells us (through the returned old item) which case we are in.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RateLimitConfig {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

/** Generous: a busy client is never slowed, a runaway loop is. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { ratePerSecond: 50, burst: 200 };

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(bucket: string): Promise<RateDecision>;
  readonly config: RateLimitConfig;
}

/** Buckets of idle keys expire through the table's TTL a while after they are full again. */
const TTL_SLACK_SECONDS = 3600;
const MAX_ROUNDS = 4;
const REMEMBERED_BUCKETS = 10_000;

export class DynamoRateLimiter implements RateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly config: RateLimitConfig = DEFAULT_RATE_LIMIT,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(config.ratePerSecond > 0) || !(config.burst >= 1)) throw new Error('rate limit needs ratePerSecond > 0 and burst >= 1');
    this.intervalMs = 1000 / config.ratePerSecond;
  }

  async take(bucket: string): Promise<RateDecision> {
    const key = { pk: `RATE#${bucket}`, sk: 'BUCKET' };
    const window = (this.config.burst - 1) * this.intervalMs;
    // One `now` for every round: a request is judged at its arrival. Then the loop always
    // ends: the "full" write fails only if someone moved tat to >= now, and then the
    // "not full" write succeeds, or the bucket is empty.
    const now = this.nowMs();
    const expiresAt = Math.ceil((now + this.config.burst * this.intervalMs) / 1000) + TTL_SLACK_SECONDS;
    // Which write applies is guessed from the tat this instance saw last, so a request makes
    // one conditional update, not two: a busy key's bucket is "not full", a new or idle one
    // "full". A wrong guess costs one more update, whose failure tells the truth.
    const seen = this.lastTat.get(bucket);
    let full = seen === undefined || seen < now;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let tat: number | undefined;
      try {
        if (full) {
          await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'SET tat = :next, expiresAt = :exp',
              ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
              ExpressionAttributeValues: { ':next': now + this.intervalMs, ':now': now, ':exp': expiresAt },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          this.remember(bucket, now + this.intervalMs);
          return { allowed: true, remaining: this.config.burst - 1 };
        }
        const out = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET tat = tat + :i, expiresAt = :exp',
            ConditionExpression: 'tat BETWEEN :now AND :limit',
            ExpressionAttributeValues: { ':i': this.intervalMs, ':now': now, ':limit': now + window, ':exp': expiresAt },
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        const next = Number(out.Attributes?.tat);
        this.remember(bucket, next);
        return { allowed: true, remaining: this.remaining(next, now) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item as Record<string, unknown> | undefined;
        tat = old?.tat === undefined ? undefined : Number(unwrap(old.tat));
      }
      if (tat !== undefined) this.remember(bucket, tat);
      if (tat !== undefined && tat > now + window) {
        // Empty: the next token arrives when tat falls back inside the window.
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((tat - now - window) / 1000)) };
      }
      // The other case holds (or another request moved the bucket between our writes): look again.
      full = tat === undefined || tat < now;
    }
    // Only under extreme contention on one key: refusing is the safe answer.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  /** The last tat seen per bucket, bounded: an evicted bucket only costs a wrong first guess. */
  private readonly lastTat = new Map<string, number>();

  private remember(bucket: string, tat: number): void {
    this.lastTat.delete(bucket);
    this.lastTat.set(bucket, tat);
    if (this.lastTat.size > REMEMBERED_BUCKETS) this.lastTat.delete(this.lastTat.keys().next().value!);
  }

  private remaining(tat: number, now: number): number {
    return Math.max(0, Math.floor((now + this.config.burst * this.intervalMs - tat) / this.intervalMs));
  }
}

/** The old item of a failed condition comes back in the low-level attribute form ({ N: "…" }). */
const unwrap = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && 'N' in value ? (value as { N: string }).N : value;
