// When SWITCHYARD_CONTRACT_RECORD names a folder, every exchange a fake serves is appended
// there as one JSON line (a file per process), so `npm run test:contracts` can check the
// adapters' requests and the fakes' responses against the providers' published APIs.
// Off (a no-op) otherwise: local mode and the ordinary test run record nothing.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecordedExchange {
  /** The provider whose API the fake speaks, as the contract registry names it. */
  provider: string;
  method: string;
  path: string;
  /** Every query value, in order (a key may repeat). */
  query: [string, string][];
  requestContentType?: string;
  /** Parsed JSON body; `{ __invalidJson: text }` when the body was not JSON; absent when empty. */
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  /** A fault the test injected (5xx, 429): the spec may not document it. */
  injected: boolean;
}

export const recordExchange = (exchange: RecordedExchange): void => {
  const dir = process.env.SWITCHYARD_CONTRACT_RECORD;
  if (!dir) return;
  appendFileSync(join(dir, `exchanges-${process.pid}.jsonl`), `${JSON.stringify(exchange)}\n`);
};
