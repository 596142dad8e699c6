// The reconcile pass's provider reads: the live attempts of a page, grouped by provider,
// read in batches where the adapter can (Provider.statusMany: a list endpoint, DescribeJobs
// of 100) and one by one where its API has no list. At most `perProvider` calls run at once
// against one provider and `concurrency` in all; a call the provider throttles (a
// ProviderError carrying Retry-After) is retried after that wait, a few times, and then
// left for the next pass.
import type { Attempt } from './job.js';
import {
  DEFAULT_STATUS_BATCH_SIZE,
  ProviderError,
  type AttemptRef,
  type Provider,
  type ProviderRegistry,
  type StatusAnswer,
} from './provider.js';
import { runPool } from './work-pool.js';

export interface StatusReadConfig {
  concurrency: number;
  perProvider: number;
  /** Retries of one throttled call (default 3). */
  maxThrottleRetries?: number;
  /** The longest Retry-After honoured inside a pass (default 30 s); longer waits go to the next pass. */
  maxRetryAfterSeconds?: number;
  /** Waits out a Retry-After; a real timer unless a test gives its own. */
  sleep?: (ms: number) => Promise<void>;
}

export interface StatusReadCounts {
  /** Calls made to providers (a batch is one call, a retry another). */
  calls: number;
  throttled: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const asProviderError = (error: unknown): ProviderError =>
  error instanceof ProviderError ? error : new ProviderError('transient', String(error instanceof Error ? error.message : error));

/** The provider asked us to wait: a 429 (or a 5xx) with Retry-After. */
const throttleWait = (error: ProviderError, config: StatusReadConfig): number | undefined =>
  error.kind === 'transient' && error.retryAfterSeconds !== undefined && error.retryAfterSeconds <= (config.maxRetryAfterSeconds ?? 30)
    ? Math.max(0, error.retryAfterSeconds)
    : undefined;

const withThrottleRetries = async <T>(config: StatusReadConfig, counts: StatusReadCounts, call: () => Promise<T>): Promise<T> => {
  for (let retry = 0; ; retry++) {
    counts.calls++;
    try {
      return await call();
    } catch (error) {
      const providerError = asProviderError(error);
      const wait = throttleWait(providerError, config);
      if (wait === undefined || retry >= (config.maxThrottleRetries ?? 3)) throw providerError;
      counts.throttled++;
      await (config.sleep ?? realSleep)(wait * 1000);
    }
  }
};

const plainRef = (attempt: Attempt): AttemptRef => ({ attemptId: attempt.id, ...(attempt.providerRef !== undefined ? { providerRef: attempt.providerRef } : {}) });

interface Task {
  provider: Provider;
  refs: AttemptRef[];
  batched: boolean;
}

const tasksFor = (provider: Provider, refs: AttemptRef[]): Task[] => {
  if (!provider.statusMany) return refs.map((ref) => ({ provider, refs: [ref], batched: false }));
  const size = Math.max(1, provider.statusBatchSize ?? DEFAULT_STATUS_BATCH_SIZE);
  const tasks: Task[] = [];
  for (let i = 0; i < refs.length; i += size) tasks.push({ provider, refs: refs.slice(i, i + size), batched: true });
  return tasks;
};

/**
 * Every given attempt's status, keyed by attempt id. Attempts whose provider is not
 * configured are left out (the reconciler fails those over itself); a read that failed
 * answers each of its attempts with the error.
 */
export const readStatuses = async (
  providers: ProviderRegistry,
  attempts: readonly Attempt[],
  config: StatusReadConfig,
  counts: StatusReadCounts = { calls: 0, throttled: 0 },
  refOf: (attempt: Attempt) => AttemptRef | Promise<AttemptRef> = plainRef,
): Promise<Map<string, StatusAnswer>> => {
  const byProvider = new Map<Provider, AttemptRef[]>();
  for (const attempt of attempts) {
    const provider = providers.get(attempt.provider);
    if (!provider) continue;
    const refs = byProvider.get(provider) ?? [];
    refs.push(await refOf(attempt));
    byProvider.set(provider, refs);
  }
  const tasks = [...byProvider].flatMap(([provider, refs]) => tasksFor(provider, refs));
  const answers = new Map<string, StatusAnswer>();
  const limits = { concurrency: config.concurrency, perKey: config.perProvider };
  await runPool(tasks, (task) => task.provider.name, limits, async (task) => {
    try {
      if (!task.batched) {
        const [ref] = task.refs as [AttemptRef];
        answers.set(ref.attemptId, { status: await withThrottleRetries(config, counts, () => task.provider.status(ref)) });
        return;
      }
      const batch = await withThrottleRetries(config, counts, () => task.provider.statusMany!(task.refs));
      for (const ref of task.refs) {
        // An adapter that left a ref out has not answered for it: read it again next pass.
        answers.set(ref.attemptId, batch.get(ref.attemptId) ?? { error: new ProviderError('transient', `${task.provider.name}: no answer for ${ref.attemptId}`) });
      }
    } catch (error) {
      for (const ref of task.refs) answers.set(ref.attemptId, { error: asProviderError(error) });
    }
  });
  return answers;
};
