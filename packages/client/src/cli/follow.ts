// `switchyard run --follow` and `jobs logs|events -f`: the timeline (placement, each
// failover) and the logs as they happen, side by side, then the job's exit code.
import type { Job, JobEvent, Switchyard } from '../client.js';
import { pricePerGpuHour, type Output } from './output.js';

/** One line per event, saying what happened in words a person follows. */
export const describeEvent = (event: JobEvent, job?: Job): string => {
  const e = event as JobEvent & Record<string, unknown>;
  const reason = typeof e.reason === 'string' && e.reason ? ` (${e.reason})` : '';
  if (e.type === 'attempt' || e.attemptId) {
    const attempt = job?.attempts.find((a) => a.id === e.attemptId);
    const provider = e.provider ?? attempt?.provider ?? '?';
    if (!e.from || e.to === 'launching' || e.to === 'created') {
      const gpu = attempt ? ` ${attempt.gpuModel} at ${pricePerGpuHour(attempt)}` : '';
      return `placed on ${provider}${gpu} [${e.attemptId ?? ''}]${reason}`;
    }
    return `attempt on ${provider}: ${e.from ? `${String(e.from)} → ` : ''}${e.to}${reason}`;
  }
  if (e.to === 'placing' && e.from && e.from !== 'queued') return `failover: looking for the next offer${reason}`;
  return `job ${e.from ? `${String(e.from)} → ` : ''}${e.to}${reason}`;
};

/** The exit code the CLI ends with: the job's own, or 1 when it did not succeed without one. */
export const exitCodeOf = (job: Job): number => {
  const last = job.attempts.at(-1);
  if (job.status === 'succeeded') return last?.exitCode ?? 0;
  return last?.exitCode && last.exitCode > 0 ? last.exitCode : 1;
};

export const followEvents = async (client: Switchyard, jobId: string, out: Output): Promise<void> => {
  let job: Job | undefined;
  for await (const event of client.followEvents(jobId)) {
    if (out.json) {
      out.value({ event });
      continue;
    }
    if (event.type === 'attempt' && !job?.attempts.some((a) => a.id === event.attemptId)) job = await client.getJob(jobId);
    out.line(`▸ ${describeEvent(event, job)}`);
    out.spin(`${jobId}: ${event.to}`);
  }
};

export const followLogs = async (client: Switchyard, jobId: string, out: Output, attempt?: string): Promise<void> => {
  for await (const piece of client.followLogs(jobId, attempt ? { attempt } : {})) {
    if (out.json) out.value({ log: piece });
    else out.text(piece.text);
  }
};

/** Follows a job to its end and returns it. Logs and events arrive on their own streams. */
export const followJob = async (client: Switchyard, jobId: string, out: Output): Promise<Job> => {
  out.spin(`${jobId}: waiting`);
  try {
    await Promise.all([followEvents(client, jobId, out), followLogs(client, jobId, out)]);
  } finally {
    out.spin(undefined);
  }
  return client.getJob(jobId);
};
