// DynamoDB Local never outlives its owner: stop() ends its whole process tree, and an owner that
// dies without cleanup (SIGKILL) takes it down too, through the watchdog's lifeline.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { waitFor } from '../support/system.js';

/** Every live process in a process group, with its command line. */
const groupMembers = (group: number): string[] =>
  spawnSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid]) => Number(pgid) === group)
    .map(([, pid, ...args]) => `${pid} ${args.join(' ')}`);

const javaOn = (port: string): string[] =>
  spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

describe('DynamoDB Local process tree', () => {
  it('stop() leaves no process of its tree behind', async () => {
    const dynamo = await startDynamoDbLocal();
    const members = groupMembers(dynamo.processGroup);
    expect(members.some((m) => m.includes('DynamoDBLocal.jar'))).toBe(true);
    await dynamo.stop();
    expect(groupMembers(dynamo.processGroup)).toEqual([]);
    expect(javaOn(new URL(dynamo.endpoint).port)).toEqual([]);
  }, 60_000);

  it('dies with an owner that is killed with SIGKILL', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', 'test/local/fixtures/own-dynamodb-local.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    owner.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const started = await waitFor(async () => out, (o) => o.includes('\n'), { timeoutMs: 50_000, intervalMs: 100 });
    const { endpoint, processGroup } = JSON.parse(started) as { endpoint: string; processGroup: number };
    const port = new URL(endpoint).port;
    expect(javaOn(port)).toHaveLength(1);
    owner.kill('SIGKILL');
    await waitFor(async () => groupMembers(processGroup), (m) => m.length === 0, { timeoutMs: 20_000, intervalMs: 100 });
    expect(javaOn(port)).toEqual([]);
  }, 90_000);
});
