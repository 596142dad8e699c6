// The ledger on DynamoDB. A posting is one TransactWriteItems: the posting item (which
// must not exist yet: its key is the idempotency id, so a repeat changes nothing), one
// ADD per account balance (guarded where a balance must not go below zero), the budget
// counter, and index items for tenant and provider accounts. Key design: ./table-design.ts.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  GuardFailedError,
  normalizeEntries,
  type Guard,
  type LedgerStore,
  type Posting,
  type PostingKind,
  type PostingPage,
  accountKind,
} from '../../money/ledger.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { GSI, LEDGER_ACCOUNT_SHARDS, ledgerKeys } from './table-design.js';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const indexed = (account: string): boolean => account.startsWith('tenant:') || account.startsWith('provider:');

/** Condition for "balance + amount keeps the normal balance ≥ min"; undefined when no condition can fail. */
const floorCondition = (account: string, amount: number, minNormal: number): { expr: string; limit: number; zeroOk: boolean } => {
  const creditNormal = accountKind(account) === 'liability' || accountKind(account) === 'revenue';
  // credit-normal: −(b + amount) ≥ min  ⇔  b ≤ −min − amount;  debit-normal: b ≥ min − amount
  const limit = creditNormal ? -minNormal - amount : minNormal - amount;
  const zeroOk = creditNormal ? 0 <= limit : 0 >= limit;
  return { expr: creditNormal ? '#b <= :limit' : '#b >= :limit', limit, zeroOk };
};

const reasonCodes = (error: unknown): (string | undefined)[] =>
  error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code) : [];

/**
 * The transaction items of a posting and, per item, the guard its condition enforces. The
 * job store adds them to a new job's transaction (the hold), so both commit or neither.
 */
export const postingItems = (TableName: string, posting: Posting, guards: Guard[] = []): { items: TransactItem[]; guardByItem: (Guard | undefined)[] } => {
  const entries = normalizeEntries(posting.entries);
  const stored: Posting = { ...posting, entries };
  const order = `${posting.at}#${posting.id}`;
  const items: TransactItem[] = [
    {
      Put: {
        TableName,
        Item: {
          ...ledgerKeys.posting(posting.id),
          posting: stored,
          ...(posting.tenantId ? { [GSI.tenantJobs.partitionKey]: ledgerKeys.tenantIndex(posting.tenantId), [GSI.tenantJobs.sortKey]: order } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  const guardByItem: (Guard | undefined)[] = [undefined];
  for (const entry of entries) {
    const floor = guards.find((g): g is Extract<Guard, { type: 'floor' }> => g.type === 'floor' && g.account === entry.account);
    const condition = floor ? floorCondition(entry.account, entry.amountMicroUsd, floor.minNormal) : undefined;
    items.push({
      Update: {
        TableName,
        Key: ledgerKeys.account(entry.account),
        UpdateExpression: 'SET accountId = :id ADD #b :amount',
        ExpressionAttributeNames: { '#b': 'balance' },
        ExpressionAttributeValues: { ':id': entry.account, ':amount': entry.amountMicroUsd, ...(condition ? { ':limit': condition.limit } : {}) },
        ...(condition ? { ConditionExpression: condition.zeroOk ? `attribute_not_exists(#b) OR ${condition.expr}` : condition.expr } : {}),
      },
    });
    guardByItem.push(floor);
    if (indexed(entry.account)) {
      items.push({
        Put: {
          TableName,
          Item: {
            ...ledgerKeys.entry(posting.id, entry.account),
            posting: stored,
            [GSI.tenantJobs.partitionKey]: ledgerKeys.accountIndex(entry.account),
            [GSI.tenantJobs.sortKey]: order,
          },
        },
      });
      guardByItem.push(undefined);
    }
  }
  for (const budget of guards.filter((g): g is Extract<Guard, { type: 'budget' }> => g.type === 'budget')) {
    const limited = budget.limitMicroUsd !== undefined && budget.deltaMicroUsd > 0;
    const limit = limited ? budget.limitMicroUsd! - budget.deltaMicroUsd : 0;
    items.push({
      Update: {
        TableName,
        Key: ledgerKeys.budget(budget.tenantId, budget.month),
        UpdateExpression: 'ADD #c :delta',
        ExpressionAttributeNames: { '#c': 'committed' },
        ExpressionAttributeValues: { ':delta': budget.deltaMicroUsd, ...(limited ? { ':limit': limit } : {}) },
        ...(limited ? { ConditionExpression: limit >= 0 ? 'attribute_not_exists(#c) OR #c <= :limit' : '#c <= :limit' } : {}),
      },
    });
    guardByItem.push(budget);
  }
  return { items, guardByItem };
};

export class DynamoLedgerStore implements LedgerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async post(posting: Posting, guards: Guard[] = []): Promise<boolean> {
    const { items, guardByItem } = postingItems(this.tableName, posting, guards);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = reasonCodes(error);
      if (codes[0] === 'ConditionalCheckFailed') return false; // posted before: idempotent repeat
      const failed = codes.findIndex((c) => c === 'ConditionalCheckFailed');
      const guard = failed >= 0 ? guardByItem[failed] : undefined;
      if (guard) throw new GuardFailedError(guard);
      throw error;
    }
  }

  async getPosting(id: string): Promise<Posting | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.posting(id), ConsistentRead: true }));
    return out.Item?.posting as Posting | undefined;
  }

  async balances(accountIds: string[]): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    await Promise.all(
      accountIds.map(async (account) => {
        const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.account(account), ConsistentRead: true }));
        result[account] = Number(out.Item?.balance ?? 0);
      }),
    );
    return result;
  }

  async allBalances(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (let shard = 0; shard < LEDGER_ACCOUNT_SHARDS; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': ledgerKeys.accountPartition(shard) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) result[item.accountId as string] = Number(item.balance ?? 0);
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return result;
  }

  async budgetCommitted(tenantId: string, month: string): Promise<number> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ledgerKeys.budget(tenantId, month), ConsistentRead: true }));
    return Number(out.Item?.committed ?? 0);
  }

  async tenantPostings(
    tenantId: string,
    opts: { from?: string; to?: string; kind?: PostingKind; limit?: number; cursor?: string },
  ): Promise<PostingPage> {
    const partition = ledgerKeys.tenantIndex(tenantId);
    const start = opts.cursor ? decodeCursor(opts.cursor, GSI.tenantJobs, partition) : undefined;
    const items: Posting[] = [];
    let next: Record<string, unknown> | undefined = start;
    // Without a limit, read every page (usage over a period); with one, return one page.
    const range = rangeQuery(partition, opts.from, opts.to);
    const filter = opts.kind
      ? {
          FilterExpression: '#posting.#kind = :kind',
          ExpressionAttributeNames: { ...range.ExpressionAttributeNames, '#posting': 'posting', '#kind': 'kind' },
          ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ':kind': opts.kind },
        }
      : {};
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI.tenantJobs.name,
          ...range,
          ...filter,
          ScanIndexForward: false,
          ...(opts.limit ? { Limit: opts.limit } : {}),
          ExclusiveStartKey: next,
        }),
      );
      items.push(...(out.Items ?? []).map((i) => i.posting as Posting));
      next = out.LastEvaluatedKey;
    } while (next && !opts.limit);
    return next ? { items, nextCursor: encodeCursor(next) } : { items };
  }

  async accountPostings(account: string, opts: { from?: string; to?: string } = {}): Promise<Posting[]> {
    const items: Posting[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({ TableName: this.tableName, IndexName: GSI.tenantJobs.name, ...rangeQuery(ledgerKeys.accountIndex(account), opts.from, opts.to), ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []).map((i) => i.posting as Posting));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** Key condition on the index: the partition, and the sort key (`<at>#<id>`) within [from, to). */
const rangeQuery = (partition: string, from?: string, to?: string) => {
  const values: Record<string, string> = { ':p': partition };
  let range = '';
  if (from && to) {
    range = ' AND #s BETWEEN :from AND :to';
    values[':from'] = from;
    // BETWEEN is inclusive, but every sort key is "<at>#<id>", which sorts after a bare "<to>":
    // a posting made exactly at `to` is excluded, as [from, to) wants.
    values[':to'] = to;
  } else if (from) {
    range = ' AND #s >= :from';
    values[':from'] = from;
  } else if (to) {
    range = ' AND #s < :to';
    values[':to'] = to;
  }
  return {
    KeyConditionExpression: `#p = :p${range}`,
    ExpressionAttributeNames: { '#p': GSI.tenantJobs.partitionKey, ...(range ? { '#s': GSI.tenantJobs.sortKey } : {}) },
    ExpressionAttributeValues: values,
  };
};
