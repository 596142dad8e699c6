// Domain errors the API maps to problem+json responses.
export class NotFoundError extends Error {
  constructor(what = 'job') {
    super(`${what} not found`);
  }
}

export class JobFinishedError extends Error {
  constructor(readonly status: string) {
    super(`the job has already finished (${status})`);
  }
}

export class IdempotencyMismatchError extends Error {
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
  }
}
