// One local run's folder, the record that outlives Switchyard (kill -9, a crash, a restart):
//   <runsDir>/switchyard-job-<attemptId>/            the command's working directory
//     outputs/ checkpoints/                          when the job declares them
//     .switchyard/run.json                           attempt, job, command hash, pid, pgid, start time
//     .switchyard/exit                               the exit code, written by the wrapper (./wrapper.ts)
//     .switchyard/output.log                         the command's stdout and stderr
//     .switchyard/{cancelled,timed-out,stopped}      why Switchyard stopped it, if it did
//     .switchyard/released                           the attempt was released: only this folder is kept
// After release only .switchyard/ (a few bytes) stays, so a status read that comes after a
// lost write still answers the recorded exit code; it is pruned after RELEASED_RETENTION_MS.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_PREFIX = 'switchyard-job-';
const OUTPUT_TAIL_BYTES = 4096;
const RELEASED_RETENTION_MS = 24 * 3600 * 1000;

export type RunMark = 'cancelled' | 'timed-out' | 'stopped' | 'released' | 'lost';

export interface RunRecord {
  attemptId: string;
  jobId: string;
  /** sha256 of the command line the wrapper runs: a record names what ran, not only that something did. */
  commandHash: string;
  launchedAt: string;
  maxDurationSeconds: number;
  /** Set once spawned: the wrapper's pid, which leads the run's process group. */
  pid?: number;
  pgid?: number;
  /** The wrapper's start time (/proc stat), to tell it from a later process with its pid. */
  startTime?: string;
}

export const commandHash = (argv: string[]): string => createHash('sha256').update(JSON.stringify(argv)).digest('hex');

/** Attempt ids come from dispatch (`<jobId>-a<n>`); anything else would not be a safe folder name. */
const safeName = (attemptId: string): string => {
  if (!/^[A-Za-z0-9._-]+$/.test(attemptId) || attemptId.startsWith('.')) throw new Error(`unsafe attempt id for a folder: ${attemptId}`);
  return attemptId;
};

export class RunFolder {
  readonly workdir: string;
  readonly meta: string;

  constructor(runsDir: string, readonly attemptId: string) {
    this.workdir = join(runsDir, RUN_PREFIX + safeName(attemptId));
    this.meta = join(this.workdir, '.switchyard');
  }

  /** The variable every process of the run carries: how its processes are told from others. */
  get marker(): string {
    return `SWITCHYARD_ATTEMPT_ID=${this.attemptId}`;
  }

  exists(): boolean {
    return existsSync(join(this.meta, 'run.json'));
  }

  create(record: RunRecord): void {
    mkdirSync(this.meta, { recursive: true });
    this.write(record);
  }

  write(record: RunRecord): void {
    const tmp = join(this.meta, 'run.json.tmp');
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, join(this.meta, 'run.json')); // atomic: a crash leaves the old record or the new
  }

  read(): RunRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.meta, 'run.json'), 'utf8')) as RunRecord;
    } catch {
      return undefined;
    }
  }

  get exitFile(): string {
    return join(this.meta, 'exit');
  }

  get outputFile(): string {
    return join(this.meta, 'output.log');
  }

  exitCode(): number | undefined {
    try {
      const text = readFileSync(this.exitFile, 'utf8');
      return /^\d+\n$/.test(text) ? Number(text) : undefined; // whole only once its newline is written
    } catch {
      return undefined;
    }
  }

  mark(mark: RunMark): void {
    if (existsSync(this.meta)) writeFileSync(join(this.meta, mark), '');
  }

  marked(mark: RunMark): boolean {
    return existsSync(join(this.meta, mark));
  }

  outputTail(): string {
    let fd: number | undefined;
    try {
      fd = openSync(this.outputFile, 'r');
      const size = statSync(this.outputFile).size;
      const length = Math.min(size, OUTPUT_TAIL_BYTES);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      return buf.toString('utf8');
    } catch {
      return '';
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Keep only the bookkeeping (what ran and how it ended); the command's files go. */
  releaseFiles(): void {
    if (!existsSync(this.meta)) return;
    for (const entry of readdirSync(this.workdir)) {
      if (entry !== '.switchyard') rmSync(join(this.workdir, entry), { recursive: true, force: true });
    }
    rmSync(this.outputFile, { force: true });
    this.mark('released');
  }
}

/** Attempt ids of the run folders under `runsDir`; released ones past their retention are removed. */
export const listRunFolders = (runsDir: string, now = Date.now()): RunFolder[] => {
  let entries: string[];
  try {
    entries = readdirSync(runsDir);
  } catch {
    return [];
  }
  const out: RunFolder[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(RUN_PREFIX)) continue;
    const folder = new RunFolder(runsDir, entry.slice(RUN_PREFIX.length));
    if (folder.marked('released')) {
      const at = statSync(join(folder.meta, 'released')).mtimeMs;
      if (now - at > RELEASED_RETENTION_MS) rmSync(folder.workdir, { recursive: true, force: true });
      continue;
    }
    out.push(folder);
  }
  return out;
};
