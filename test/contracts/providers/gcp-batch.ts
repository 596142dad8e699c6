// GCP Batch: Google publishes a discovery document, not OpenAPI
// (../shared/provider-specs/gcp-batch/specs/batch-v1.json, revision 20260521). This file
// converts it, in code, into an OpenAPI 3.1 document for OpenApiContract:
// - schemas: each `schemas` entry becomes components.schemas.<id>; a bare-id `$ref: "X"`
//   points at it; `type: "any"` accepts anything; int64/uint64 (which the discovery format
//   carries as JSON strings) are digit strings; google-duration is `<seconds>s` and
//   google-datetime an RFC 3339 date-time (the proto3 JSON mapping,
//   https://protobuf.dev/programming-guides/proto3/#json). An object with `properties`
//   and no `additionalProperties` takes no other fields: Google's front end rejects an
//   unknown field with 400 "Invalid JSON payload received. Unknown name".
// - operations: every method under `resources`, at its flatPath (`/v1/projects/{projectsId}/…`,
//   custom verbs such as `:cancel` kept in the segment), with its query parameters plus the
//   document-wide ones (`alt`, `fields`, …), `request` as the JSON body and `response` as
//   the 200 body. Errors (every other status) are Google's JSON error model,
//   `{ error: { code, message, status, details } }` (AIP-193, https://google.aip.dev/193).
import { OpenApiContract } from '../openapi-contract.js';
import { readSpec } from '../spec-files.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const GCP_BATCH_DISCOVERY = 'gcp-batch/specs/batch-v1.json';

const INT64 = { type: 'string', pattern: '^-?\\d+$' };
const DURATION = { type: 'string', pattern: '^-?\\d+(\\.\\d{1,9})?s$' };

/** One discovery schema node → JSON Schema (2020-12). */
export const toJsonSchema = (node: Json): Json => {
  if (typeof node.$ref === 'string') return { $ref: `#/components/schemas/${node.$ref}` };
  const out: Json = {};
  if (node.type === 'any') return {};
  if (node.type === 'string' && (node.format === 'int64' || node.format === 'uint64')) return { ...INT64 };
  if (node.type === 'string' && node.format === 'google-duration') return { ...DURATION };
  if (node.type === 'string' && node.format === 'google-datetime') return { type: 'string', format: 'date-time' };
  if (node.type) out.type = node.type;
  if (Array.isArray(node.enum)) out.enum = node.enum;
  if (typeof node.pattern === 'string') out.pattern = node.pattern;
  if (node.type === 'integer' && node.format === 'int32') Object.assign(out, { minimum: -2147483648, maximum: 2147483647 });
  if (node.items) out.items = toJsonSchema(node.items as Json);
  if (node.properties) {
    out.properties = Object.fromEntries(Object.entries(node.properties as Json).map(([k, v]) => [k, toJsonSchema(v as Json)]));
  }
  if (node.additionalProperties) out.additionalProperties = toJsonSchema(node.additionalProperties as Json);
  else if (node.type === 'object' && node.properties) out.additionalProperties = false;
  return out;
};

const googleError = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'status'],
      additionalProperties: false,
      properties: {
        code: { type: 'integer' },
        message: { type: 'string' },
        status: { type: 'string' },
        details: { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

const parameterOf = (name: string, p: Json): Json => ({
  name,
  in: p.location,
  required: p.location === 'path' || p.required === true,
  schema: toJsonSchema(p),
});

/** Every method under `resources`, recursively. */
const methodsOf = (resources: Json): Json[] =>
  Object.values(resources).flatMap((r: Json) => [...Object.values((r.methods ?? {}) as Json), ...methodsOf((r.resources ?? {}) as Json)]);

export const discoveryToOpenApi = (discovery: Json): Json => {
  const globals = Object.entries((discovery.parameters ?? {}) as Json).map(([n, p]) => parameterOf(n, p as Json));
  const paths: Json = {};
  for (const m of methodsOf(discovery.resources as Json)) {
    const template = `/${String(m.flatPath ?? m.path)}`;
    const pathParams = [...template.matchAll(/\{([^}]+)\}/g)].map((x) => ({ name: x[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries((m.parameters ?? {}) as Json)
      .filter(([, p]) => (p as Json).location === 'query')
      .map(([n, p]) => parameterOf(n, p as Json));
    const op: Json = {
      operationId: m.id,
      parameters: [...pathParams, ...query, ...globals],
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: m.response ? toJsonSchema(m.response as Json) : {} } } },
        default: { description: 'Error (AIP-193)', content: { 'application/json': { schema: { $ref: '#/components/schemas/GoogleError' } } } },
      },
    };
    if (m.request) op.requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(m.request as Json) } } };
    paths[template] = { ...(paths[template] ?? {}), [String(m.httpMethod).toLowerCase()]: op };
  }
  const schemas = Object.fromEntries(Object.entries(discovery.schemas as Json).map(([id, s]) => [id, toJsonSchema(s as Json)]));
  return {
    openapi: '3.1.0',
    info: { title: `${String(discovery.title)} (from discovery revision ${String(discovery.revision)})`, version: String(discovery.version) },
    servers: [{ url: String(discovery.rootUrl) }],
    paths,
    components: { schemas: { ...schemas, GoogleError: googleError } },
  };
};

export const gcpBatchContract = () =>
  new OpenApiContract({
    provider: 'gcp-batch',
    document: discoveryToOpenApi(readSpec(GCP_BATCH_DISCOVERY) as Json),
    source: `${GCP_BATCH_DISCOVERY} (discovery → OpenAPI 3.1 in test/contracts/providers/gcp-batch.ts)`,
  });
