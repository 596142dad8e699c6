// Calls the agent routes as the job agent does: with an attempt token, never an API key.
import { expect } from 'vitest';
import { issueAttemptToken } from '../../src/agent/capability-token.js';
import type { RunningSystem } from '../../src/local/system.js';
import { api, waitFor } from './system.js';

export interface AgentCaller {
  token: string;
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
}

export const agentFor = (system: RunningSystem, jobId: string, attemptId: string, over: { expiresAt?: number; key?: string } = {}): AgentCaller => {
  const token = issueAttemptToken(over.key ?? system.agentTokenKey, {
    tenantId: system.tenantId,
    jobId,
    attemptId,
    expiresAt: over.expiresAt ?? Math.floor(Date.now() / 1000) + 600,
  });
  return {
    token,
    call: async (method, path, body, use = token) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (use !== null) headers.authorization = `Bearer ${use}`;
      const res = await fetch(`${system.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  };
};

/** Submits a job and waits for its first attempt to exist; returns the ids. */
export const submitAndPlace = async (system: RunningSystem, spec: unknown): Promise<{ jobId: string; attemptId: string }> => {
  const res = await api(system, 'POST', '/v1/jobs', { body: spec });
  expect(res.status).toBe(202);
  const jobId = res.body.id as string;
  const job = await waitFor(() => system.store.get(jobId), (j) => (j?.attempts.length ?? 0) > 0);
  return { jobId, attemptId: job!.attempts[0]!.id };
};

/** PUT bytes to a presigned URL, as curl -T does. */
export const putTo = async (url: string, bytes: Uint8Array | string): Promise<number> => (await fetch(url, { method: 'PUT', body: bytes })).status;
