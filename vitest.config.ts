import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once on a 2-core runner: the long end-to-end files mostly wait on timers and
    // child processes (vitest's default is cores − 1 = 1); measured 922 s → 776 s of vitest.
    maxWorkers: 2,
  },
});
