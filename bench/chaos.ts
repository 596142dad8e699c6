// `npm run chaos [-- --jobs N] [--kills K] [--seed S] [--wait-seconds W] [--json]`: the local system
// under load, kill -9 restarts, injected faults and hostile requests (bench/chaos/run.ts); prints
// what broke. Figures are printed, never asserted here (test/chaos/chaos.test.ts asserts a small run).
import { runChaos } from './chaos/run.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const json = process.argv.includes('--json');

const figures = await runChaos({
  jobs: arg('jobs', 300),
  kills: arg('kills', 3),
  seed: arg('seed', 13),
  waitSeconds: arg('wait-seconds', 600),
  concurrency: arg('concurrency', 8),
  log: (line) => console.error(`chaos: ${line}`),
});
if (json) console.log(JSON.stringify(figures));
else console.log(JSON.stringify(figures, null, 2));
process.exit(0);
