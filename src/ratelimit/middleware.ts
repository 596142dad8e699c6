// Per-key rate limiting for the API: runs after authentication, so a bucket belongs to
// one API key, and answers 429 with Retry-After when the key's bucket is empty.
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../api/context.js';
import { problem } from '../api/problem.js';
import type { RateLimiter } from './token-bucket.js';

export const rateLimit =
  (limiter: RateLimiter): MiddlewareHandler<ApiEnv> =>
  async (c, next) => {
    const decision = await limiter.take(`KEY#${c.get('keyId')}`);
    if (!decision.allowed) {
      return problem(
        c,
        429,
        'rate-limited',
        'Too many requests',
        `This API key may make ${limiter.config.ratePerSecond} requests per second (bursts of ${limiter.config.burst}); retry after ${decision.retryAfterSeconds} s.`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    await next();
    c.res.headers.set('ratelimit-limit', String(limiter.config.burst));
    c.res.headers.set('ratelimit-remaining', String(decision.remaining));
  };
