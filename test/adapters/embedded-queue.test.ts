// The embedded queue keeps SQS's semantics: at-least-once, visibility timeout,
// receive counts, dead-lettering, and partial batch failures.
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EmbeddedQueue, type EmbeddedQueueOptions } from '../../src/adapters/queue/embedded-queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A queue whose handler holds any batch with the job "auction" (e.g. a launch waiting for Akash bids) until released. */
const withSlowAuction = (options: Partial<EmbeddedQueueOptions>) => {
  const delivered: string[] = [];
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  const queue = new EmbeddedQueue(async (event) => {
    const ids = event.Records.map((r) => JSON.parse(r.body).jobId as string);
    delivered.push(...ids);
    if (ids.includes('auction')) await slow;
    return { batchItemFailures: [] };
  }, options);
  return { queue, delivered, release };
};

describe('EmbeddedQueue', () => {
  it('delivers SQS-shaped records and deletes the ones the handler accepts', async () => {
    const seen: SQSEvent[] = [];
    const queue = new EmbeddedQueue(async (event) => {
      seen.push(event);
      return { batchItemFailures: [] };
    });
    await queue.send({ jobId: 'a' });
    await queue.send({ jobId: 'b' });
    expect(await queue.pollOnce()).toBe(2);
    expect(queue.depth).toBe(0);
    const record = seen[0]!.Records[0]!;
    expect(JSON.parse(record.body)).toEqual({ jobId: 'a' });
    expect(record).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } });
    expect(record.receiptHandle).toBeTruthy();
  });

  it('redelivers only the batch item failures, after the visibility timeout, with a higher receive count', async () => {
    const counts: Record<string, string[]> = {};
    const queue = new EmbeddedQueue(
      async (event) => {
        for (const r of event.Records) (counts[JSON.parse(r.body).jobId] ??= []).push(r.attributes.ApproximateReceiveCount);
        return { batchItemFailures: event.Records.filter((r) => JSON.parse(r.body).jobId === 'bad').map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { visibilityTimeoutMs: 100 },
    );
    await queue.send({ jobId: 'good' });
    await queue.send({ jobId: 'bad' });
    await queue.pollOnce();
    expect(queue.depth).toBe(1);
    expect(await queue.pollOnce()).toBe(0); // still invisible
    await sleep(120);
    expect(await queue.pollOnce()).toBe(1);
    expect(counts).toEqual({ good: ['1'], bad: ['1', '2'] });
  });

  it('fails the whole batch when the handler throws', async () => {
    let calls = 0;
    const queue = new EmbeddedQueue(
      async () => {
        calls++;
        if (calls === 1) throw new Error('handler crashed');
        return { batchItemFailures: [] };
      },
      { visibilityTimeoutMs: 50 },
    );
    await queue.send({ jobId: 'a' });
    await queue.send({ jobId: 'b' });
    await queue.pollOnce();
    expect(queue.depth).toBe(2);
    await sleep(60);
    expect(await queue.pollOnce()).toBe(2);
    expect(queue.depth).toBe(0);
  });

  it('moves a message to the dead-letter list after maxReceiveCount receives', async () => {
    const queue = new EmbeddedQueue(async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }), {
      visibilityTimeoutMs: 10,
      maxReceiveCount: 3,
    });
    await queue.send({ jobId: 'poison' });
    let deliveries = 0;
    for (let i = 0; i < 6; i++) {
      deliveries += await queue.pollOnce();
      await sleep(15);
    }
    expect(deliveries).toBe(3);
    expect(queue.depth).toBe(0);
    expect(queue.deadLetters()).toEqual([JSON.stringify({ jobId: 'poison' })]);
  });

  it('runs on its own loop once started and stops cleanly', async () => {
    const got: string[] = [];
    const queue = new EmbeddedQueue(async (event) => {
      got.push(...event.Records.map((r) => r.body));
      return { batchItemFailures: [] };
    }, { pollIntervalMs: 5 });
    queue.start();
    await queue.send({ jobId: 'x' });
    for (let i = 0; i < 100 && got.length === 0; i++) await sleep(10);
    await queue.stop();
    expect(got).toEqual([JSON.stringify({ jobId: 'x' })]);
  });

  it('keeps several batches in flight, so a slow batch does not hold up the next, and never delivers a held message twice', async () => {
    const { queue, delivered, release: releaseSlow } = withSlowAuction({ pollIntervalMs: 5, visibilityTimeoutMs: 20, concurrency: 3, slowBatchMs: 300 });
    queue.start();
    await queue.send({ jobId: 'auction' });
    for (let i = 0; i < 100 && queue.batchesInFlight === 0; i++) await sleep(5);
    await queue.send({ jobId: 'next' });
    await sleep(50);
    expect(delivered).not.toContain('next'); // a batch in flight for less than slowBatchMs holds the slot
    for (let i = 0; i < 200 && !delivered.includes('next'); i++) await sleep(5);
    expect(delivered).toContain('next'); // once it is slow, the next batch is handled while it is still open
    await sleep(60); // well past the 20 ms visibility timeout of the held message
    expect(delivered.filter((id) => id === 'auction')).toHaveLength(1);
    expect(queue.batchesInFlight).toBe(1);
    releaseSlow();
    await queue.stop();
    expect(queue.depth).toBe(0);
  });

  it('with one batch at a time, a slow batch holds up the next (the behaviour the concurrency fixes)', async () => {
    const { queue, delivered, release: releaseSlow } = withSlowAuction({ pollIntervalMs: 5, concurrency: 1 });
    queue.start();
    await queue.send({ jobId: 'auction' });
    for (let i = 0; i < 100 && queue.batchesInFlight === 0; i++) await sleep(5);
    await queue.send({ jobId: 'next' });
    await sleep(60);
    expect(delivered).toEqual(['auction']);
    releaseSlow();
    for (let i = 0; i < 100 && !delivered.includes('next'); i++) await sleep(5);
    await queue.stop();
    expect(delivered).toEqual(['auction', 'next']);
  });
});
