// What a chaos run reads from inside the running system, on SIGUSR2: the faults injected so
// far (counters since this start) and billedAfterEnd per provider (resources that outlived
// their attempts). Written atomically to DATA_DIR/chaos-report.json; the API is not involved.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { billedAfterEndOfTenant, type BilledAfterEnd } from '../core/billed-after-end.js';
import type { Faults, FaultCounters } from './faults.js';
import type { RunningSystem } from './system.js';

export interface ChaosReport {
  pid: number;
  writtenAt: string;
  /** Number of the request (the SIGUSR2 count of this process), so a reader knows it is fresh. */
  sequence: number;
  faults: FaultCounters;
  billedAfterEnd: Record<string, BilledAfterEnd>;
}

export const CHAOS_REPORT_FILE = 'chaos-report.json';

export const writeChaosReport = async (system: RunningSystem, faults: Faults | undefined, dataDir: string, sequence: number): Promise<void> => {
  const report: ChaosReport = {
    pid: process.pid,
    writtenAt: new Date().toISOString(),
    sequence,
    faults: { ...faults?.counters },
    billedAfterEnd: await billedAfterEndOfTenant(system.store, system.tenantId, system.deps.providers, new Date()),
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
