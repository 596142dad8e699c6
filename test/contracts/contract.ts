// What a provider contract is: given one recorded exchange (an adapter's request and the
// fake's answer), name the published operation it belongs to and list every way the
// request or the response departs from that operation's schemas.
import type { RecordedExchange } from '../../src/market/shared/contract-recorder.js';

export type Exchange = RecordedExchange;

export interface CheckResult {
  /** `METHOD /path/template` of the matched operation; undefined when the spec has no such operation. */
  operation?: string;
  violations: string[];
  /** Departures the contract accepts, each with the reason it was marked (a spec that is silent). */
  assumptions: string[];
  /** An injected fault whose status the spec does not document (nothing to check it against). */
  undocumentedInjected?: boolean;
}

export interface ProviderContract {
  provider: string;
  /** Which published document(s) this contract reads, for the report. */
  source: string;
  check(exchange: Exchange): CheckResult;
}

/** A departure accepted on purpose: where the spec is silent, the adapter header says so too. */
export interface Assumption {
  /** `METHOD /path/template`, as CheckResult.operation names it. */
  operation: string;
  /** Matched against the violation text. */
  violation: RegExp;
  reason: string;
}

export const applyAssumptions = (result: CheckResult, assumptions: Assumption[]): CheckResult => {
  const violations: string[] = [];
  const accepted = [...result.assumptions];
  for (const v of result.violations) {
    const a = assumptions.find((x) => x.operation === result.operation && x.violation.test(v));
    if (a) accepted.push(`${v} (assumed: ${a.reason})`);
    else violations.push(v);
  }
  return { ...result, violations, assumptions: accepted };
};
