// Akash: the Console API's generated OpenAPI 3.0 document. Its generator wrote the dseq
// pattern as `^d+$` (a lost backslash); real dseqs are digit strings (provider-specs README).
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

export const akashContract = () =>
  new OpenApiContract({ provider: 'akash', file: 'akash/apps/api/swagger/openapi.json', patch: fixDseqPattern });
