// The chaos suite's arithmetic (bench/chaos/figures.ts): an attempt that lived through
// several kills counts once, measured from the last restart before it ended, and the time
// to a job's first launch is reported.
import { describe, expect, it } from 'vitest';
import { computeFigures, type FigureInputs, type JobView } from '../../bench/chaos/figures.js';
import { newWireCounters } from '../../bench/chaos/client.js';

const T = Date.parse('2026-12-03T10:00:00Z');
const at = (s: number) => new Date(T + s * 1000).toISOString();

const job = (id: string, attempts: JobView['attempts'], status = 'succeeded'): JobView => ({ id, status, createdAt: at(0), costMicroUsd: 1, attempts });

const inputs = (views: JobView[], crashes: FigureInputs['crashes']): FigureInputs => ({
  planned: views.map((v) => ({ key: `k-${v.id}`, kind: 'market-fallback' as const, body: '{}' })),
  idOfKey: new Map(views.map((v) => [`k-${v.id}`, v.id])),
  views: new Map(views.map((v) => [v.id, v])),
  lostAnswers: [],
  idempotencyConflicts: 0,
  markerLines: [],
  crashes,
  usage: { items: views.map((v) => ({ jobId: v.id, costMicroUsd: 1 })), totalMicroUsd: views.length },
  trial: { totalMicroUsd: 0, violations: [] },
  wire: newWireCounters(),
  hostileCounts: {},
  faults: {},
  submitSeconds: 1,
  totalSeconds: 100,
  terminal: new Set(['succeeded', 'failed', 'cancelled', 'timed_out']),
  work: '/tmp/none',
});

describe('chaos figures', () => {
  it('counts an attempt live at three kills once, from the last restart before it ended', () => {
    const lostThrice = job('j1', [
      { id: 'j1-a1', provider: 'vastai', status: 'failed', createdAt: at(2), endedAt: at(40) },
      { id: 'j1-a2', provider: 'akash', status: 'succeeded', createdAt: at(41), endedAt: at(60) },
    ]);
    const endedBeforeSecondKill = job('j2', [{ id: 'j2-a1', provider: 'local', status: 'succeeded', createdAt: at(5), endedAt: at(15) }]);
    const live = (id: string, attemptId: string) => ({ id, attemptId, fallback: 'cloud' });
    const crashes = [
      { killedAt: T + 10_000, readyAt: T + 12_000, running: [live('j1', 'j1-a1'), live('j2', 'j2-a1')] },
      { killedAt: T + 20_000, readyAt: T + 22_000, running: [live('j1', 'j1-a1'), live('j2', 'j2-a1')] },
      { killedAt: T + 30_000, readyAt: T + 32_000, running: [live('j1', 'j1-a1')] },
    ];
    const f = computeFigures(inputs([lostThrice, endedBeforeSecondKill], crashes));
    expect(f.crashLostWithFallback).toEqual({ lost: 1, finishedElsewhere: 1 });
    // j1-a1 ended 8 s after the last restart; j2-a1 3 s after the first (the only kill before its end).
    expect(f.recoverySeconds).toEqual({ attempts: 2, p50: 8, max: 8 });
    expect(f.lostAtCrashEndedSeconds).toEqual({ attempts: 1, p50: 8, max: 8 }); // j2-a1 succeeded: not a crash loss
    expect(f.firstLaunchSeconds).toEqual({ jobs: 2, p50: 5, p95: 5, max: 5 });
  });
});
