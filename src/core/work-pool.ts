// Run tasks concurrently: at most `concurrency` at once overall and `perKey` at once per
// key (a provider), so one slow network cannot hold the whole reconcile pass, and no
// network gets more than its share of our status reads.
export interface PoolLimits {
  concurrency: number;
  perKey: number;
}

export const runPool = async <T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limits: PoolLimits,
  work: (item: T) => Promise<void>,
): Promise<void> => {
  const waiting = [...items];
  const running = new Map<string, number>();
  let active = 0;
  await new Promise<void>((resolve) => {
    const next = (): void => {
      if (waiting.length === 0 && active === 0) return resolve();
      while (active < Math.max(1, limits.concurrency)) {
        const index = waiting.findIndex((item) => (running.get(keyOf(item)) ?? 0) < Math.max(1, limits.perKey));
        if (index < 0) break;
        const [item] = waiting.splice(index, 1) as [T];
        const key = keyOf(item);
        running.set(key, (running.get(key) ?? 0) + 1);
        active++;
        // `work` reports its own errors; a rejection here must not stall the pool.
        work(item)
          .catch(() => undefined)
          .finally(() => {
            active--;
            running.set(key, (running.get(key) ?? 1) - 1);
            next();
          });
      }
    };
    next();
  });
};
