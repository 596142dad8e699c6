// Local mode only: POST /v1/local/jobs/{id}/lose-machine loses the machine under the job's
// running `local` attempt, as a host that vanishes mid-run, so a user can watch a job fail
// over and resume from its checkpoint (README "Lose a machine and resume"). The caller's own
// key, its own jobs only (jobs:write). Never routed outside local mode: the route exists only
// when the system hands the app a machine to lose (the local provider), and it is left out
// of /openapi.json, which documents the deployed API.
import { getJob } from '../../core/jobs-service.js';
import { LIVE_ATTEMPT_STATUSES } from '../../core/job.js';
import { requireScope } from '../auth.js';
import type { Api } from '../app-factory.js';
import type { ApiDeps } from '../context.js';
import { problem } from '../problem.js';

/** The local provider's hand-loss switch (LocalProvider.loseMachine). */
export interface LocalMachines {
  /** The provider whose attempts can be lost ("local"). */
  provider: string;
  lose(attemptId: string): boolean;
}

export const registerLocalMachineRoutes = (app: Api, deps: ApiDeps, machines: LocalMachines): void => {
  app.use('/v1/local/jobs/:id/lose-machine', requireScope('jobs:write'));
  app.post('/v1/local/jobs/:id/lose-machine', async (c) => {
    const id = c.req.param('id');
    if (id.length === 0 || id.length > 64) return problem(c, 400, 'invalid-request', 'Invalid job id', 'A job id has 1 to 64 characters.');
    const job = await getJob(deps.jobs, c.get('tenantId'), id); // 404 for another tenant's job too
    const attempt = job.attempts.find((a) => a.provider === machines.provider && LIVE_ATTEMPT_STATUSES.has(a.status));
    if (!attempt || !machines.lose(attempt.id)) {
      return problem(c, 409, 'no-running-machine', 'No machine to lose', `Job ${id} has no attempt running on "${machines.provider}" right now (status ${job.status}).`);
    }
    return c.json({ jobId: id, attemptId: attempt.id, provider: machines.provider, lost: true }, 202);
  });
};
