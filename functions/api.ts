// Lambda entry point for the HTTP API (API Gateway HTTP API -> Hono).
import { handle } from 'hono/aws-lambda';
import { createApp } from '../src/api/app.js';
import { systemClock } from '../src/core/ports.js';
import { log, money, providersForDisplay, queue, store, tenants } from '../src/aws/runtime.js';

const app = createApp({
  jobs: {
    store,
    queue,
    clock: systemClock,
    accounting: money.accounting,
    onEnqueueError: (jobId, error) => log('enqueue failed', { jobId, error: String(error) }),
  },
  tenants,
  providers: providersForDisplay(),
  money: money.api,
  log,
});

export const handler = handle(app);
