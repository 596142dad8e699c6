// io.net: the full "Core IO DB API" OpenAPI 3.1 file is authoritative (provider-specs README).
// Its CaaS operations document only 200, 404 (no body) and 422; how the API answers a bad or
// missing x-api-key is not published (the key is a header parameter marked required: false,
// no security scheme). The fake answers 401 {detail}, FastAPI's usual, and each operation the
// adapter calls carries that one assumption (the adapter header says the same).
import type { Assumption } from '../contract.js';
import { OpenApiContract } from '../openapi-contract.js';

const CAAS = '/enterprise/v1/io-cloud/caas';
const OPERATIONS = [
  `GET ${CAAS}/available-replicas`,
  `GET ${CAAS}/price`,
  `POST ${CAAS}/deploy`,
  `GET ${CAAS}/deployments`,
  `GET ${CAAS}/deployment/{deployment_id}`,
  `DELETE ${CAAS}/deployment/{deployment_id}`,
];

const unauthenticated: Assumption[] = OPERATIONS.map((operation) => ({
  operation,
  violation: /response status 401 is not documented/,
  reason: 'the spec documents no answer to a bad API key; the fake sends 401 {detail} as FastAPI does',
}));

export const ionetContract = () =>
  new OpenApiContract({ provider: 'ionet', file: 'ionet/openapi/full/IO_Explorer__IO_CLouds.json', assumptions: unauthenticated });
