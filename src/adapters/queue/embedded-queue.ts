// An in-process queue with SQS's semantics, for local mode: at-least-once delivery,
// a visibility timeout, a receive count, dead-lettering after maxReceiveCount receives,
// and batches handed to the same dispatch handler Lambda gets, as SQSEvent records,
// honouring the handler's batchItemFailures. Like Lambda's SQS pollers it keeps several
// batches in flight, so one slow launch (an Akash auction) does not hold up the rest.
import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { JobQueue, QueueMessage } from '../../core/ports.js';

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface EmbeddedQueueOptions {
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  batchSize: number;
  pollIntervalMs: number;
  /** Batches handed to the handler at once at most (Lambda starts SQS polling with 5 concurrent batches). */
  concurrency: number;
  /**
   * A further batch starts only while every batch in flight has taken longer than this: on one
   * machine, where the dispatcher shares the cores with the API and DynamoDB Local, batches
   * that finish quickly are handled one at a time, and only a slow one (an auction) opens another slot.
   */
  slowBatchMs: number;
  arn?: string;
}

export const DEFAULT_EMBEDDED_QUEUE: EmbeddedQueueOptions = {
  visibilityTimeoutMs: 30_000,
  maxReceiveCount: 5,
  batchSize: 10,
  pollIntervalMs: 50,
  concurrency: 5,
  slowBatchMs: 2_000,
};

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receiptHandle?: string;
  /** Held by a batch still being handled: never delivered twice at once (the stack's visibility timeout is 6× the handler's). */
  inFlight?: boolean;
}

export class EmbeddedQueue implements JobQueue {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly dlq: StoredMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Batches being handled, with when each started. */
  private readonly inFlight = new Map<Promise<number>, number>();
  private readonly options: EmbeddedQueueOptions;

  constructor(
    private readonly handler: SqsBatchHandler,
    options: Partial<EmbeddedQueueOptions> = {},
  ) {
    this.options = { ...DEFAULT_EMBEDDED_QUEUE, ...options };
  }

  async send(message: QueueMessage): Promise<void> {
    this.sendRaw(JSON.stringify(message));
  }

  sendRaw(body: string): string {
    const messageId = randomUUID();
    this.messages.set(messageId, { messageId, body, sentAt: Date.now(), receiveCount: 0, visibleAt: Date.now() });
    return messageId;
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.messages.size;
  }

  deadLetters(): string[] {
    return this.dlq.map((m) => m.body);
  }

  /** Batches being handled right now. */
  get batchesInFlight(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      // Fill the free slots; a slot whose batch ends starts the next receive at once.
      while (this.mayStartBatch() && this.hasVisible()) {
        const batch = this.pollOnce().catch(() => 0);
        this.inFlight.set(batch, Date.now());
        void batch.finally(() => {
          this.inFlight.delete(batch);
          if (this.timer) tick();
        });
      }
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = setTimeout(tick, this.options.pollIntervalMs);
      }
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight.keys());
  }

  private mayStartBatch(): boolean {
    if (this.inFlight.size >= this.options.concurrency) return false;
    const slowSince = Date.now() - this.options.slowBatchMs;
    for (const started of this.inFlight.values()) if (started > slowSince) return false;
    return true;
  }

  private hasVisible(): boolean {
    const now = Date.now();
    for (const m of this.messages.values()) if (m.visibleAt <= now && !m.inFlight) return true;
    return false;
  }

  /** Receive one batch and hand it to the handler. Returns how many messages it delivered. */
  async pollOnce(): Promise<number> {
    const batch = this.receive();
    if (batch.length === 0) return 0;
    let failed: Set<string>;
    try {
      const response = await this.handler(this.toEvent(batch));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId)); // a thrown handler fails the whole batch
    }
    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.messageId)) this.messages.delete(m.messageId);
    }
    return batch.length;
  }

  private receive(): StoredMessage[] {
    const now = Date.now();
    const batch: StoredMessage[] = [];
    for (const m of this.messages.values()) {
      if (batch.length >= this.options.batchSize) break;
      if (m.visibleAt > now || m.inFlight) continue;
      if (m.receiveCount >= this.options.maxReceiveCount) {
        this.messages.delete(m.messageId);
        this.dlq.push(m);
        continue;
      }
      m.receiveCount += 1;
      m.visibleAt = now + this.options.visibilityTimeoutMs;
      m.receiptHandle = randomUUID();
      m.inFlight = true;
      batch.push(m);
    }
    return batch;
  }

  private toEvent(batch: StoredMessage[]): SQSEvent {
    const arn = this.options.arn ?? 'arn:aws:sqs:local:000000000000:switchyard-jobs';
    return {
      Records: batch.map(
        (m): SQSRecord => ({
          messageId: m.messageId,
          receiptHandle: m.receiptHandle ?? '',
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(m.sentAt),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(m.body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: arn,
          awsRegion: 'local',
        }),
      ),
    };
  }
}
