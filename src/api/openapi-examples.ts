// Examples for the OpenAPI document's job requests and responses. Typed by the schemas, and
// checked against them again by the linters (Spectral's oas3-valid-media-example), so an
// example cannot drift from what the API accepts and answers.
import type { z } from '@hono/zod-openapi';
import type { JobEventSchema, JobSchema, JobSpecSchema } from './schemas.js';

/** The README's first job, as a person would send it. */
export const JOB_SPEC_EXAMPLE = {
  image: 'python:3.12',
  command: ['sh', '-c', 'echo hello'],
  resources: { gpu: { models: ['H100'], count: 1 } },
  maxDurationSeconds: 60,
  maxPricePerGpuHourUsd: 3,
  placement: { networks: ['local'], fallback: 'none' },
} satisfies z.input<typeof JobSpecSchema>;

const at = (second: number) => `2026-12-02T10:00:${String(second).padStart(2, '0')}.000Z`;

/** The same job once it ran: defaults filled in, one attempt, settled. */
export const JOB_EXAMPLE = {
  id: 'job_4f1c2a9e0b7d3c5a8e6f1b2d',
  status: 'succeeded',
  createdAt: at(0),
  updatedAt: at(9),
  spec: { ...JOB_SPEC_EXAMPLE, placement: { strategy: 'cheapest', networks: ['local'], fallback: 'none' } },
  attempts: [
    {
      id: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1',
      provider: 'local',
      status: 'succeeded',
      gpuModel: 'H100',
      pricePerGpuHourMicroUsd: 2100000,
      createdAt: at(1),
      startedAt: at(3),
      endedAt: at(8),
      releasedAt: at(9),
      exitCode: 0,
      exitCodeSource: 'agent',
      outputTail: 'hello\n',
    },
  ],
  costMicroUsd: 2917,
} satisfies z.input<typeof JobSchema>;

/** The job just after submit. */
export const QUEUED_JOB_EXAMPLE = {
  id: JOB_EXAMPLE.id,
  status: 'queued',
  createdAt: at(0),
  updatedAt: at(0),
  spec: JOB_EXAMPLE.spec,
  attempts: [],
} satisfies z.input<typeof JobSchema>;

/** The job after POST /v1/jobs/{id}/cancel while it ran: its attempt is being stopped. */
export const CANCELLED_JOB_EXAMPLE = {
  id: JOB_EXAMPLE.id,
  status: 'cancelled',
  reason: 'cancelled by the customer',
  createdAt: at(0),
  updatedAt: at(5),
  spec: JOB_EXAMPLE.spec,
  attempts: [{ id: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1', provider: 'local', status: 'cancelling', gpuModel: 'H100', pricePerGpuHourMicroUsd: 2100000, createdAt: at(1), startedAt: at(3) }],
  costMicroUsd: 1167,
} satisfies z.input<typeof JobSchema>;

export const JOB_EVENTS_EXAMPLE = [
  { seq: 1, at: at(0), type: 'status', to: 'queued', reason: 'submitted' },
  { seq: 2, at: at(1), type: 'status', from: 'queued', to: 'placing' },
  { seq: 3, at: at(1), type: 'attempt', to: 'launching', attemptId: 'job_4f1c2a9e0b7d3c5a8e6f1b2d-a1', provider: 'local', reason: 'launching on local (H100 at $2.10/GPU-hour)' },
  { seq: 4, at: at(3), type: 'status', from: 'starting', to: 'running' },
  { seq: 5, at: at(8), type: 'status', from: 'running', to: 'succeeded', reason: 'exit code 0' },
] satisfies z.input<typeof JobEventSchema>[];
