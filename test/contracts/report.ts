// Checks recorded exchanges against the contracts and summarises them per provider:
// operations exercised, messages validated (a request and a response per exchange),
// violations. A provider with a contract but no recorded traffic is a failure too: its
// adapter tests did not run, so nothing was checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderContract, Exchange } from './contract.js';

export interface ProviderSummary {
  provider: string;
  source: string;
  operations: string[];
  messages: number;
  violations: string[];
  assumptions: string[];
  undocumentedInjected: number;
}

export const readRecordings = (dir: string): Exchange[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Exchange));

export const summarise = (contracts: Record<string, () => ProviderContract>, exchanges: Exchange[]): ProviderSummary[] =>
  Object.entries(contracts).map(([provider, make]) => {
    const contract = make();
    const mine = exchanges.filter((e) => e.provider === provider);
    const operations = new Set<string>();
    const violations = new Map<string, number>();
    const assumptions = new Set<string>();
    let undocumentedInjected = 0;
    for (const exchange of mine) {
      const result = contract.check(exchange);
      if (result.operation) operations.add(result.operation);
      if (result.undocumentedInjected) undocumentedInjected += 1;
      for (const v of result.violations) violations.set(v, (violations.get(v) ?? 0) + 1);
      for (const a of result.assumptions) assumptions.add(a);
    }
    if (mine.length === 0) violations.set(`no traffic was recorded for ${provider}: its adapter tests did not reach the fake`, 1);
    return {
      provider,
      source: contract.source,
      operations: [...operations].sort(),
      messages: mine.length * 2,
      violations: [...violations].map(([v, n]) => (n > 1 ? `${v} (×${n})` : v)),
      assumptions: [...assumptions],
      undocumentedInjected,
    };
  });

export const formatSummary = (s: ProviderSummary): string =>
  `${s.provider}: ${s.operations.length} operations, ${s.messages} messages, ${s.violations.length} violations` +
  (s.assumptions.length ? `, ${s.assumptions.length} assumptions` : '') +
  (s.undocumentedInjected ? `, ${s.undocumentedInjected} injected faults with undocumented status` : '');
