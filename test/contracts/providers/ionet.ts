// io.net: the full "Core IO DB API" OpenAPI 3.1 file is authoritative (provider-specs README).
import { OpenApiContract } from '../openapi-contract.js';

export const ionetContract = () =>
  new OpenApiContract({ provider: 'ionet', file: 'ionet/openapi/full/IO_Explorer__IO_CLouds.json' });
