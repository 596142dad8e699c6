// What a chaos run submits: a seeded mix of jobs on the local provider (each command appends its
// job id to a marker file: the side effect that proves how often it ran) and on the market fakes,
// with and without fallback; and hostile requests that must all get a 4xx.
import { createRng } from '../../src/market/shared/rng.js';

export type JobKind = 'local' | 'market-fallback' | 'market-pinned';
export interface PlannedJob {
  key: string;
  kind: JobKind;
  body: string;
}

const FALLBACK_NETWORKS = ['akash', 'vastai', 'nosana', 'runpod'];
const PINNED_NETWORKS = ['vastai', 'aws-batch', 'nosana'];
// Pinned to one network, nowhere else; a cloud runs only with fallback "cloud" (else the submit is a 400).
const pinnedTo = (network: string) => ({ strategy: 'cheapest', networks: [network], fallback: network === 'aws-batch' ? 'cloud' : 'none' });

export const planJobs = (count: number, seed: number, markerFile: string): PlannedJob[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const r = rng.next();
    const kind: JobKind = r < 0.4 ? 'local' : r < 0.8 ? 'market-fallback' : 'market-pinned';
    const base = { resources: { gpu: { models: ['H100'], count: 1 } }, maxDurationSeconds: 600, maxPricePerGpuHourUsd: 15, metadata: { chaos: String(seed) } };
    const spec =
      kind === 'local'
        ? {
            ...base,
            image: 'python:3.12',
            command: ['sh', '-c', `echo "$SWITCHYARD_JOB_ID" >> '${markerFile}'; sleep ${rng.int(1, 3)}`],
            placement: { strategy: 'cheapest', networks: ['local'], fallback: 'none' },
          }
        : {
            ...base,
            image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
            command: ['python', '-c', 'print(1)'],
            placement:
              kind === 'market-fallback'
                ? // networks is a strict allow-list: the cloud a job may fall back to is named beside its network.
                  { strategy: 'cheapest', networks: [rng.pick(FALLBACK_NETWORKS), 'aws-batch'], fallback: 'cloud' }
                : pinnedTo(rng.pick(PINNED_NETWORKS)),
          };
    return { key: `chaos-${seed}-${i}`, kind, body: JSON.stringify(spec) };
  });
};

export interface HostileRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Requests a client must never get a 5xx or a reset for; the last in each pair rides the same pool. */
export const hostileRequests = (apiKey: string, count: number): HostileRequest[] => {
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const kinds: HostileRequest[] = [
    { name: 'oversized', method: 'POST', path: '/v1/jobs', headers: auth, body: JSON.stringify({ image: 'x'.repeat(1 << 20) }) },
    { name: 'malformed json', method: 'POST', path: '/v1/jobs', headers: auth, body: '{"image": "python:3.12", "command": [' },
    { name: 'wrong auth', method: 'GET', path: '/v1/jobs', headers: { authorization: 'Bearer sy_live_aaaaaaaaaaaaaaaa_' + 'b'.repeat(43) } },
    { name: 'no auth', method: 'POST', path: '/v1/jobs', headers: { 'content-type': 'application/json' }, body: '{}' },
    { name: 'wrong types', method: 'POST', path: '/v1/jobs', headers: auth, body: JSON.stringify({ image: 7, command: 'ls', resources: { gpu: { count: -1 } } }) },
    { name: 'wrong content type', method: 'POST', path: '/v1/jobs', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' },
    { name: 'unknown job', method: 'GET', path: '/v1/jobs/job_doesnotexist000000000000', headers: auth },
    { name: 'bad cursor', method: 'GET', path: '/v1/jobs?cursor=%ff%fe', headers: auth },
  ];
  return Array.from({ length: count }, (_, i) => kinds[i % kinds.length]!);
};
