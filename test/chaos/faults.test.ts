// SWITCHYARD_FAULTS: parsed strictly, off when unset, and each knob really injects its fault
// (a real market fake over HTTP, the real DynamoDB client's retry path, the queue's send).
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { Faults, faultsFromEnv, InvalidFaultsError, parseFaults } from '../../src/local/faults.js';
import { startVastFake } from '../../src/market/vastai-fake.js';

let installed: Faults | undefined;
afterEach(() => installed?.uninstall());

describe('fault knobs', () => {
  it('are off when unset and refuse malformed settings', () => {
    expect(faultsFromEnv({})).toBeUndefined();
    expect(parseFaults('')).toBeUndefined();
    expect(() => parseFaults('{nope')).toThrow(InvalidFaultsError);
    expect(() => parseFaults('[1]')).toThrow(/JSON object/);
    expect(() => parseFaults('{"queueDrop": 2}')).toThrow(/queueDrop must be a number in \[0, 1\]/);
    expect(() => parseFaults('{"providers": {"vastai": {"http5xx": -1}}}')).toThrow(/providers.vastai.http5xx/);
  });

  it('draw the same sequence from the same seed, another from another seed', () => {
    const seq = (seed: number) => {
      const f = new Faults({ seed, queueDrop: 0.5 });
      return Array.from({ length: 40 }, () => f.dropsEnqueue());
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    const f = new Faults({ seed: 7, queueDrop: 0.5 });
    const drops = Array.from({ length: 40 }, () => f.dropsEnqueue()).filter(Boolean).length;
    expect(f.counters['queue.drop']).toBe(drops);
  });

  it('answer a fake’s requests with 503, 429 + Retry-After, and nothing once uninstalled', async () => {
    const fake = await startVastFake({ seed: 1 });
    try {
      const get = () => fetch(`${fake.url}/api/v1/instances/`, { headers: { authorization: 'Bearer vast-test-key' } });
      installed = new Faults({ providers: { vastai: { http5xx: 1 } } });
      installed.installHttp();
      expect((await get()).status).toBe(503);
      installed = new Faults({ providers: { '*': { http429: 1, retryAfterSeconds: 7 } } });
      installed.installHttp();
      const limited = await get();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(installed.counters['vastai.http429']).toBe(1);
      installed.uninstall();
      expect((await get()).status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it('replace a fake’s launch rates only where set', () => {
    const f = new Faults({ providers: { akash: { refuse: 0.3 }, '*': { lost: 0.2 } } });
    expect(f.launchRates('akash', { refuse: 0.05, lost: 0.1, fail: 0.01 })).toEqual({ refuse: 0.3, lost: 0.2, fail: 0.01 });
    expect(new Faults({}).launchRates('akash', { refuse: 0.05 })).toEqual({ refuse: 0.05 });
  });

  it('throttle DynamoDB calls below the SDK retry (ProvisionedThroughputExceeded, never sent)', async () => {
    // Nothing listens on this port: a call that left the client would fail differently.
    const client = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'local', maxAttempts: 3, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const faults = new Faults({ dynamoThrottle: 1 });
    faults.installDynamoThrottle(client);
    const error = await client.send(new ListTablesCommand({})).catch((e: unknown) => e as Error & { $metadata?: { attempts?: number } });
    expect((error as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(faults.counters['dynamodb.throttle']).toBe(3); // the SDK retried it as a throttle
    client.destroy();
  }, 30_000);
});
