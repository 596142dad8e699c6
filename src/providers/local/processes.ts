// Telling whether a process is still the one a local run started, and stopping what is left of
// a run, from the process table alone (no child handle: after a restart the run is not our child).
// Linux: /proc/<pid>/stat (start time, process group, state) and /proc/<pid>/environ (the run's
// marker variable). Elsewhere (no /proc) only liveness can be told; assumed ours.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const HAS_PROC = existsSync('/proc/self/stat');

interface ProcStat {
  state: string;
  pgid: number;
  /** Clock ticks after boot: with the pid, names one process for the machine's uptime. */
  startTime: string;
}

const readStat = (pid: number): ProcStat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgid: Number(fields[2]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
};

const signalAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Alive and not a zombie. */
export const isAlive = (pid: number): boolean => {
  if (!HAS_PROC) return signalAlive(pid);
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
};

/** The process's start time, to tell it from a later process that reuses its pid; undefined without /proc. */
export const startTimeOf = (pid: number): string | undefined => (HAS_PROC ? readStat(pid)?.startTime : undefined);

/** Whether the process's environment carries `marker` (NAME=value); true where it cannot be read. */
const carries = (pid: number, marker: string): boolean => {
  if (!HAS_PROC) return true;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
  } catch {
    return false; // gone, or not ours to read
  }
};

/** The run's wrapper is this pid, alive, started when recorded, and carrying the run's marker. */
export const isRunLeader = (pid: number, startTime: string | undefined, marker: string): boolean =>
  isAlive(pid) && (startTime === undefined || startTimeOf(pid) === startTime) && carries(pid, marker);

/**
 * Live processes of a run: those in its process group that carry its marker (a command's
 * children inherit both unless they leave the group or clear their environment). With no
 * group known (a crash between spawn and record), every process carrying the marker.
 * Without /proc: the group as a whole (assumed ours), or nothing when no group is known.
 */
export const runMembers = (pgid: number | undefined, marker: string): number[] => {
  if (!HAS_PROC) return pgid !== undefined && signalAlive(-pgid) ? [-pgid] : [];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (stat && (pgid === undefined || stat.pgid === pgid) && stat.state !== 'Z' && carries(pid, marker)) out.push(pid);
  }
  return out;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * SIGKILL every live process of the run and wait until none is left: the run is then surely
 * over, so a relaunch cannot overlap it. Each pid is signalled by itself, never the group
 * (a reused group id could name someone else's processes). False if some survive `timeoutMs`.
 */
export const killRunAndConfirm = async (pgid: number | undefined, marker: string, timeoutMs = 5000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const members = runMembers(pgid, marker);
    if (members.length === 0) return true;
    if (Date.now() >= deadline) return false;
    for (const pid of members) signal(pid, 'SIGKILL');
    await sleep(20);
  }
};
