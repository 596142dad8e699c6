// Akash: the Console API's generated OpenAPI 3.0 document. Its generator wrote the dseq
// pattern as `^d+$` (a lost backslash); real dseqs are digit strings (provider-specs README,
// akash/FACTS.md §1: DseqSchema is a positive bigint rendered as a decimal string).
import type { Assumption } from '../contract.js';
import { OpenApiContract } from '../openapi-contract.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixDseqPattern = (node: unknown): void => {
  if (Array.isArray(node)) node.forEach(fixDseqPattern);
  else if (node && typeof node === 'object') {
    const n = node as Json;
    if (n.pattern === '^d+$') n.pattern = '^\\d+$';
    Object.values(n).forEach(fixDseqPattern);
  }
};

// The document lists only success responses for the authenticated operations. The Console
// API reference's "Errors" table (https://akash.network/docs/api-documentation/console-api/
// api-reference/) gives 400 BadRequest, 401 Unauthorized, 404 NotFound (dseq unknown or not
// the caller's), 429 TooManyRequests, 500, all as {error, message}. Spec silent: assumed.
const ERROR_STATUSES = /response status (400|401|404|429) is not documented/;
const ERROR_TABLE = 'the document lists success responses only; the Console API reference Errors table documents 400/401/404/429 {error, message}';
const AUTHENTICATED = [
  'POST /v1/deployments',
  'GET /v1/deployments',
  'GET /v1/deployments/{dseq}',
  'DELETE /v1/deployments/{dseq}',
  'GET /v1/bids',
  'POST /v1/leases',
  'POST /v1/create-jwt-token',
];
const assumptions: Assumption[] = AUTHENTICATED.map((operation) => ({ operation, violation: ERROR_STATUSES, reason: ERROR_TABLE }));

export const akashContract = () =>
  new OpenApiContract({ provider: 'akash', file: 'akash/apps/api/swagger/openapi.json', patch: fixDseqPattern, assumptions });
