// `npx tsx bench/dynamodb-local-durability.ts [--kills N] [--json]`: how many writes DynamoDB Local
// acknowledged and then lost to a kill -9, without and with local mode's write barrier
// (src/local/durable-writes.ts). Eight writers send three-item TransactWriteItems on the project's
// table; the JVM is killed at a random moment, restarted on the same files, N times; then every
// acknowledged write is looked for. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetItemCommand, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../src/adapters/dynamodb/client.js';
import { createTable } from '../src/adapters/dynamodb/create-table.js';
import { startDynamoDbLocal } from '../src/local/dynamodb-local.js';
import { installDurableWrites } from '../src/local/durable-writes.js';

const arg = (name: string, fallback: number) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : fallback);
const kills = arg('kills', 20);
const json = process.argv.includes('--json');
const TABLE = 'durability';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const missing = async (client: DynamoDBClient, keys: string[]): Promise<string[]> => {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    const Keys = keys.slice(i, i + 100).map((k) => ({ pk: { S: k }, sk: { S: 'a' } }));
    let request: Record<string, { Keys: typeof Keys }> | undefined = { [TABLE]: { Keys } };
    while (request && Object.keys(request).length > 0) {
      const out = await client.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const item of out.Responses?.[TABLE] ?? []) found.add(item.pk!.S!);
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return keys.filter((k) => !found.has(k));
};

const run = async (barrier: boolean) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-durability-'));
  const acked = new Map<string, number>();
  const killedAt: number[] = [];
  let seq = 0;
  for (let round = 0; round < kills; round++) {
    const db = await startDynamoDbLocal({ dataDir: dir });
    const client = createDynamoClient({ endpoint: db.endpoint, region: 'local' });
    if (round === 0) await createTable(client, TABLE);
    const durable = barrier ? installDurableWrites(client, { endpoint: db.endpoint, tableName: TABLE }) : undefined;
    let stopped = false;
    const writers = Array.from({ length: 8 }, async () => {
      while (!stopped) {
        const key = `w${seq++}`;
        const put = (sk: string) => ({ Put: { TableName: TABLE, Item: { pk: { S: key }, sk: { S: sk }, pad: { S: 'x'.repeat(1000) } } } });
        try {
          await client.send(new TransactWriteItemsCommand({ TransactItems: [put('a'), put('b'), put('c')] }));
          acked.set(key, Date.now());
        } catch {
          // cut by the kill: not acknowledged, may or may not be stored
        }
      }
    });
    await sleep(1500 + Math.random() * 2000);
    killedAt.push(Date.now());
    process.kill(-db.processGroup, 'SIGKILL');
    stopped = true;
    await Promise.allSettled(writers);
    durable?.stop();
    client.destroy();
    await sleep(300);
  }
  const db = await startDynamoDbLocal({ dataDir: dir });
  const client = createDynamoClient({ endpoint: db.endpoint, region: 'local' });
  const lost = await missing(client, [...acked.keys()]);
  const msBeforeKill = lost.map((k) => Math.min(...killedAt.map((t) => t - acked.get(k)!).filter((d) => d >= 0))).sort((a, b) => a - b);
  client.destroy();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
  return { acknowledged: acked.size, lostAfterAcknowledged: lost.length, msBeforeKill };
};

const figures = { kills, withoutBarrier: await run(false), withBarrier: await run(true) };
if (json) console.log(JSON.stringify(figures));
else {
  for (const [name, f] of [['without barrier', figures.withoutBarrier], ['with barrier', figures.withBarrier]] as const) {
    console.log(`${name}: ${f.lostAfterAcknowledged} of ${f.acknowledged} acknowledged writes lost over ${kills} kills${f.msBeforeKill.length ? ` (acknowledged ${f.msBeforeKill[0]}–${f.msBeforeKill.at(-1)} ms before the kill)` : ''}`);
  }
}
process.exit(0);
