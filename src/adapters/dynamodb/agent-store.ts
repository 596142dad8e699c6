// AgentStore on DynamoDB: one item per attempt, pk=JOB#<jobId> sk=AGENT#<attemptId>, next
// to the job item but never written with it. Every write is a single conditional update,
// so racing agent requests (a retried log chunk, two exit reports) settle on one answer.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AgentExit, AgentRecord, AgentStore, AttemptKey, LogChunkResult } from '../../core/agent.js';
import { TTL_ATTRIBUTE } from './table-design.js';

/** Agent items outlive the job's logs retention comfortably; the job item keeps the outcome. */
const AGENT_ITEM_TTL_SECONDS = 90 * 24 * 3600;

export const agentKey = (jobId: string, attemptId: string) => ({ pk: `JOB#${jobId}`, sk: `AGENT#${attemptId}` });

const toRecord = (item: Record<string, unknown>): AgentRecord => ({
  tenantId: item.tenantId as string,
  jobId: item.jobId as string,
  attemptId: item.attemptId as string,
  logBytes: Number(item.logBytes ?? 0),
  ...(item.firstHeartbeatAt ? { firstHeartbeatAt: item.firstHeartbeatAt as string } : {}),
  ...(item.lastHeartbeatAt ? { lastHeartbeatAt: item.lastHeartbeatAt as string } : {}),
  ...(item.exit ? { exit: item.exit as AgentExit } : {}),
});

export class DynamoAgentStore implements AgentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private base(key: AttemptKey) {
    return {
      ':t': key.tenantId,
      ':j': key.jobId,
      ':a': key.attemptId,
      ':exp': Math.floor(this.nowMs() / 1000) + AGENT_ITEM_TTL_SECONDS,
    };
  }

  private static readonly IDENTITY = 'tenantId = :t, jobId = :j, attemptId = :a, logBytes = if_not_exists(logBytes, :zero), #ttl = :exp';

  async get(jobId: string, attemptId: string): Promise<AgentRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: agentKey(jobId, attemptId), ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  /**
   * BatchGetItem of 100 keys at a time, eventually consistent (half the read units): the
   * reconciler only judges from it that nothing happened; it reads a record consistently
   * (get) before acting on it. Unprocessed keys are asked again.
   */
  async getMany(keys: { jobId: string; attemptId: string }[]): Promise<Map<string, AgentRecord>> {
    const records = new Map<string, AgentRecord>();
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((k) => agentKey(k.jobId, k.attemptId));
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
        for (const item of out.Responses?.[this.tableName] ?? []) records.set(item.attemptId as string, toRecord(item));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
        if (round >= 8 && pending?.length) throw new Error(`agent records: ${pending.length} keys left unprocessed`);
      }
    }
    return records;
  }

  async forJob(jobId: string): Promise<AgentRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':prefix': 'AGENT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(toRecord);
  }

  async heartbeat(key: AttemptKey, at: string): Promise<AgentRecord> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: agentKey(key.jobId, key.attemptId),
        UpdateExpression: `SET ${DynamoAgentStore.IDENTITY}, firstHeartbeatAt = if_not_exists(firstHeartbeatAt, :at), lastHeartbeatAt = :at`,
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ...this.base(key), ':zero': 0, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRecord(out.Attributes ?? {});
  }

  async recordLogChunk(key: AttemptKey, offset: number, length: number): Promise<LogChunkResult> {
    const end = offset + length;
    try {
      // Starts inside what we have (no gap); the end only ever grows.
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: agentKey(key.jobId, key.attemptId),
          UpdateExpression: 'SET tenantId = :t, jobId = :j, attemptId = :a, logBytes = :end, #ttl = :exp',
          ConditionExpression: offset === 0 ? 'attribute_not_exists(logBytes) OR logBytes < :end' : 'logBytes >= :offset AND logBytes < :end',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ...this.base(key), ...(offset === 0 ? {} : { ':offset': offset }), ':end': end },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { accepted: true, logBytes: Number(out.Attributes?.logBytes ?? end) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const current = (await this.get(key.jobId, key.attemptId))?.logBytes ?? 0;
    // A repeat of bytes we already hold is a success; a chunk past the end leaves a gap.
    return offset <= current ? { accepted: true, logBytes: current } : { accepted: false, logBytes: current };
  }

  async recordExit(key: AttemptKey, exit: AgentExit): Promise<AgentRecord> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: agentKey(key.jobId, key.attemptId),
          UpdateExpression: `SET ${DynamoAgentStore.IDENTITY}, #exit = :exit`,
          ConditionExpression: 'attribute_not_exists(#exit)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#exit': 'exit' },
          ExpressionAttributeValues: { ...this.base(key), ':zero': 0, ':exit': exit },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(out.Attributes ?? {});
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(key.jobId, key.attemptId))!;
    }
  }
}
