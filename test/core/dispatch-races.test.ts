// Duplicate deliveries, redelivered batches and racing dispatchers never move a job
// twice, launch it twice, or skip or repeat an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { dispatchJob } from '../../src/core/dispatch.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, startTestSystem } from '../support/system.js';
import { sim, simJob, type CountingSim } from '../support/sim.js';

let system: RunningSystem;
let spot: CountingSim;
beforeAll(async () => {
  spot = sim({ name: 'sim-spot' });
  system = await startTestSystem({ loops: false, providers: [spot] });
});
afterAll(() => system.stop());

const sqsEvent = (jobIds: string[], prefix = 'm'): SQSEvent => ({
  Records: jobIds.map((jobId, i) => ({
    messageId: `${prefix}-${i}`,
    receiptHandle: `r-${i}`,
    body: JSON.stringify({ jobId }),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 't', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:0:q',
    awsRegion: 'local',
  })),
});

const submit = async () => (await api(system, 'POST', '/v1/jobs', { body: simJob() })).body.id as string;

const expectGapFreeTimeline = async (jobId: string) => {
  const events = await system.store.events(jobId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const job = await system.store.get(jobId);
  expect(job!.eventSeq).toBe(events.length);
  return events;
};

describe('dispatch under duplicates and races', () => {
  it('a duplicate message in one batch and a redelivered batch launch the job once', async () => {
    const id = await submit();
    const launchesBefore = spot.launches.length;
    const first = await system.dispatchHandler(sqsEvent([id, id]));
    const redelivered = await system.dispatchHandler(sqsEvent([id, id], 'again'));
    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(spot.launches.length - launchesBefore).toBe(1);
    const job = await system.store.get(id);
    expect(job!.status).toBe('starting');
    expect(job!.attempts).toHaveLength(1);
    const events = await expectGapFreeTimeline(id);
    expect(events.filter((e) => e.type === 'status').map((e) => e.to)).toEqual(['queued', 'placing', 'starting']);
  });

  it('ten racing dispatchers produce one attempt and one launch', async () => {
    const id = await submit();
    const launchesBefore = spot.launches.length;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => dispatchJob(system.deps, id)));
    expect(outcomes.filter((o) => o === 'launched')).toHaveLength(1);
    expect(spot.launches.length - launchesBefore).toBe(1);
    expect((await system.store.get(id))!.attempts).toHaveLength(1);
    await expectGapFreeTimeline(id);
  });

  it('reconciling twice at once moves a job once', async () => {
    const id = await submit();
    await dispatchJob(system.deps, id);
    await Promise.all([system.reconcile(), system.reconcile(), system.reconcile()]);
    const job = await system.store.get(id);
    expect(job!.status).toBe('running');
    const events = await expectGapFreeTimeline(id);
    expect(events.filter((e) => e.type === 'status' && e.to === 'running')).toHaveLength(1);
  });

  it('reports a malformed message as a batch item failure without failing the others', async () => {
    const id = await submit();
    const event = sqsEvent([id]);
    event.Records.push({ ...event.Records[0]!, messageId: 'bad', body: '{"nope":1}' });
    const res = await system.dispatchHandler(event);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect((await system.store.get(id))!.status).toBe('starting');
  });
});
