// Vast.ai: api-reference/openapi.yaml is authoritative; it writes paths without the trailing
// `/` the API and CLI use, so paths are matched with it stripped (provider-specs README).
import { OpenApiContract } from '../openapi-contract.js';

export const vastaiContract = () =>
  new OpenApiContract({ provider: 'vastai', file: 'vastai/api-reference/openapi.yaml', ignoreTrailingSlash: true });
