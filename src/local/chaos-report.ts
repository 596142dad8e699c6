// What a chaos run reads from inside the running system, on SIGUSR2: the faults injected so
// far (counters since this start), billedAfterEnd per provider (resources that outlived
// their attempts) and attempts that succeeded on a machine that was not theirs (provider
// handles are internal, so this cannot be read through the API). Written atomically to DATA_DIR/chaos-report.json; the API is not involved.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { billedAfterEndOfJobs, jobsOfTenant, type BilledAfterEnd } from '../core/billed-after-end.js';
import type { Job } from '../core/job.js';
import type { Faults, FaultCounters } from './faults.js';
import type { RunningSystem } from './system.js';

export interface ChaosReport {
  pid: number;
  writtenAt: string;
  /** Number of the request (the SIGUSR2 count of this process), so a reader knows it is fresh. */
  sequence: number;
  faults: FaultCounters;
  billedAfterEnd: Record<string, BilledAfterEnd>;
  /** Succeeded attempts whose provider handle had been given to a later attempt before they ended. */
  notTheirs: Array<{ jobId: string; attemptId: string; provider: string; otherAttemptId: string }>;
  jobs: number;
}

/**
 * An attempt "succeeded" on a machine not its own when the provider handle it read had been
 * handed, before it ended, to an attempt created later (the fakes reuse ids after a restart).
 */
export const succeededOnOthersMachines = (jobs: Job[]): ChaosReport['notTheirs'] => {
  const byHandle = new Map<string, Array<{ jobId: string; attempt: Job['attempts'][number] }>>();
  for (const job of jobs) {
    for (const attempt of job.attempts) {
      if (!attempt.providerRef) continue;
      const key = `${attempt.provider}\u0000${attempt.providerRef}`;
      let list = byHandle.get(key);
      if (!list) byHandle.set(key, (list = []));
      list.push({ jobId: job.id, attempt });
    }
  }
  const found: ChaosReport['notTheirs'] = [];
  for (const list of byHandle.values()) {
    if (list.length < 2) continue;
    for (const { jobId, attempt } of list) {
      if (attempt.status !== 'succeeded' || !attempt.endedAt) continue;
      const later = list.find((o) => o.attempt.id !== attempt.id && o.attempt.createdAt > attempt.createdAt && o.attempt.createdAt < attempt.endedAt!);
      if (later) found.push({ jobId, attemptId: attempt.id, provider: attempt.provider, otherAttemptId: later.attempt.id });
    }
  }
  return found;
};

export const CHAOS_REPORT_FILE = 'chaos-report.json';

export const writeChaosReport = async (system: RunningSystem, faults: Faults | undefined, dataDir: string, sequence: number): Promise<void> => {
  const jobs = await jobsOfTenant(system.store, system.tenantId);
  const report: ChaosReport = {
    pid: process.pid,
    writtenAt: new Date().toISOString(),
    sequence,
    faults: { ...faults?.counters },
    billedAfterEnd: await billedAfterEndOfJobs(jobs, system.deps.providers, new Date()),
    notTheirs: succeededOnOthersMachines(jobs),
    jobs: jobs.length,
  };
  const path = join(dataDir, CHAOS_REPORT_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(report));
  renameSync(`${path}.tmp`, path);
};

/** SIGUSR2 → a fresh report (only with --data: it is where the reader looks). */
export const reportOnSignal = (system: RunningSystem, faults: Faults | undefined, dataDir: string): void => {
  let sequence = 0;
  process.on('SIGUSR2', () => {
    sequence += 1;
    writeChaosReport(system, faults, dataDir, sequence).catch((error: unknown) => console.error('switchyard: chaos report failed:', error));
  });
};
