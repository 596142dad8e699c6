// `npm run test:contracts`: runs the adapter tests (and the local market's) with every fake
// recording its exchanges, then checks each request and response against the provider's
// published API in ../shared/provider-specs. Prints one line per provider; exits 1 on any
// violation, on a provider with no recorded traffic, or when the specs folder is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACTS, UNCHECKED } from './registry.js';
import { formatSummary, readRecordings, summarise } from './report.js';
import { providerSpecsDir, readSpec, SpecsMissingError } from './spec-files.js';

const TESTS = ['test/providers', 'test/local/fake-market.test.ts', 'test/contracts'];

// `-- --only vastai` runs just that provider's adapter tests (files under test/providers
// whose name contains it) and reports just it: for working on one adapter.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const passThrough = onlyAt >= 0 ? process.argv.slice(2).filter((_, i) => i !== onlyAt - 2 && i !== onlyAt - 1) : process.argv.slice(2);

const main = (): number => {
  try {
    readSpec('ionet/openapi/full/IO_Explorer__IO_CLouds.json'); // fails plainly when ../shared/provider-specs is absent
  } catch (error) {
    if (error instanceof SpecsMissingError) {
      console.error(`test:contracts: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-contracts-'));
  try {
    const tests = only ? [only, 'test/contracts'] : TESTS; // vitest filters by file-name substring
    const vitest = spawnSync('npx', ['vitest', 'run', ...tests, ...passThrough], {
      stdio: 'inherit',
      env: { ...process.env, SWITCHYARD_CONTRACT_RECORD: dir },
    });
    const contracts = only ? Object.fromEntries(Object.entries(CONTRACTS).filter(([name]) => name === only)) : CONTRACTS;
    const summaries = summarise(contracts, readRecordings(dir));
    console.log(`\nContract check against ${providerSpecsDir()}:`);
    for (const s of summaries) {
      console.log(`  ${formatSummary(s)}   [${s.source}]`);
      for (const v of s.violations.slice(0, 40)) console.log(`      violation: ${v}`);
      if (s.violations.length > 40) console.log(`      … and ${s.violations.length - 40} more`);
      for (const a of s.assumptions) console.log(`      assumption: ${a}`);
    }
    for (const [provider, why] of Object.entries(UNCHECKED)) if (!only || only === provider) console.log(`  ${provider}: not checked: ${why}`);
    const violations = summaries.reduce((n, s) => n + s.violations.length, 0);
    console.log(violations === 0 ? 'contracts: every exchange matches its published operation' : `contracts: ${violations} distinct violations`);
    return vitest.status === 0 && violations === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

process.exit(main());
