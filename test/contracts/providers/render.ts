// Render Network via Dispersed: no OpenAPI is published (FACTS.md, first paragraph), so this
// is an OpenAPI 3.1 document written in code from ../shared/provider-specs/render-dispersed/
// FACTS.md, each path and schema citing its row. Where FACTS.md says UNCONFIRMED the schema
// says nothing (a content type with no schema), and no status code is documented anywhere:
// success is `2XX`. Request bodies take only the fields FACTS.md lists
// (additionalProperties: false): it says plainly there is no command/entrypoint field, so
// an adapter that invents one fails here. Error statuses the fake assumes are Assumptions.
import type { Assumption } from '../contract.js';
import { OpenApiContract } from '../openapi-contract.js';

const STATUSES = ['PENDING', 'ASSIGNED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED']; // "Run statuses" (MON)
const json = (schema?: Record<string, unknown>) => ({ content: { 'application/json': schema ? { schema } : {} } });
const query = (name: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, schema });
const uuidPath = { name: 'uuid', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const int0 = { type: 'integer', minimum: 0 };
const num0 = { type: 'number', minimum: 0 };
const paging = [
  query('page', { type: 'integer', minimum: 1 }),
  query('limit', { type: 'integer', minimum: 1, maximum: 50 }),
];
const sort = query('sort', { type: 'string', enum: ['created_at', '-created_at'] });

// Endpoints, POST /v1/jobs row (CREATE, REF-JOB, REF-COOK; EX job-batch-1.json).
const JobCreate = {
  type: 'object',
  additionalProperties: false,
  required: ['task', 'title', 'cpu_count', 'gpu_count', 'min_ram_gb', 'min_storage_gb', 'min_vram_gb', 'parameters'],
  properties: {
    task: { enum: ['BATCH', 'PERSISTENT'] },
    title: { type: 'string' },
    description: { type: 'string' },
    cpu_count: int0,
    gpu_count: int0,
    gpu_name: { type: 'string' },
    gpu_registry_uuid: { type: 'string', format: 'uuid' },
    min_ram_gb: num0,
    min_storage_gb: num0,
    min_vram_gb: num0,
    max_node_count: { type: 'integer' },
    max_retry_count: int0,
    max_timeout_assign_ms: { type: 'integer', minimum: 300_000 },
    max_timeout_start_ms: { type: 'integer', minimum: 120_000 },
    max_timeout_run_ms: { type: ['integer', 'null'], minimum: 60_000 },
    allowed_region_codes: { type: 'array', items: { type: 'string' } },
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'parameters'],
      properties: {
        type: { const: 'docker' },
        parameters: {
          type: 'object',
          additionalProperties: false,
          required: ['image', 'tag'],
          properties: {
            image: { type: 'string' },
            tag: { type: 'string' },
            env: { type: 'object' },
            ports: { type: 'array', items: { type: 'integer' } },
            volumes: {
              type: 'array',
              items: {
                type: 'object',
                properties: Object.fromEntries(['image', 'mount', 'registry', 'secret', 'tag', 'user'].map((k) => [k, { type: 'string' }])),
              },
            },
            sshkey: { type: 'string' },
            allowed_ips: { type: 'array', items: { type: 'string' } },
            user: { type: 'string' },
            secret: { type: 'string' },
            host: { type: 'string' },
            imagesrc: { type: 'string' },
          },
        },
      },
    },
  },
  // gpu_name and gpu_registry_uuid are mutually exclusive; max_timeout_run_ms is required
  // for BATCH and null for PERSISTENT.
  not: { required: ['gpu_name', 'gpu_registry_uuid'] },
  allOf: [
    { if: { properties: { task: { const: 'BATCH' } } }, then: { required: ['max_timeout_run_ms'], properties: { max_timeout_run_ms: { type: 'integer' } } } },
    { if: { properties: { task: { const: 'PERSISTENT' } } }, then: { properties: { max_timeout_run_ms: { type: 'null' } } } },
  ],
};

// POST /v1/job-recipes/{uuid}/cook row (REF-COOK): the same fields, all optional.
const { required: _required, allOf: _allOf, ...CookOverrides } = JobCreate;

// Endpoints, GET /v1/job-runs and GET /v1/job-runs/{uuid} rows (MON; EX get_job_runs).
const Run = {
  type: 'object',
  required: ['uuid', 'status', 'started_at_ms', 'node_urls'],
  properties: {
    uuid: { type: 'string' },
    status: { enum: STATUSES },
    started_at_ms: { type: 'number' },
    node_urls: {
      type: 'array',
      items: {
        type: 'object',
        properties: { description: { type: 'string' }, hostname: { type: 'string' }, port: { type: 'number' }, protocol: { type: 'string' } },
      },
    },
  },
};
const list = (items: Record<string, unknown>) => ({
  type: 'object',
  required: ['data', 'page', 'limit', 'total'],
  properties: { data: { type: 'array', items }, page: { type: 'number' }, limit: { type: 'number' }, total: { type: 'number' } },
});

// Endpoints, GET /v1/compute/offers row (REF-OFFERS).
const Offer = {
  type: 'object',
  required: ['offer_id', 'region_code', 'hardware_summary', 'pricing', 'availability'],
  properties: {
    offer_id: { type: 'string' },
    region_code: { type: 'string' },
    hardware_summary: {
      type: 'object',
      properties: {
        cpu_cores: { type: 'number' },
        gpu_count: { type: 'integer' },
        gpu_model_label: { type: 'string' },
        gpu_models: {
          type: 'array',
          items: {
            type: 'object',
            properties: { count: { type: 'number' }, gpu_registry_uuid: { type: 'string' }, min_vram_gib: { type: 'number' }, name: { type: 'string' } },
          },
        },
        gpu_registry_uuid: { type: 'string' },
        min_gpu_vram_gib: { type: 'number' },
        ram_gib: { type: 'number' },
        storage_gib: { type: 'number' },
      },
    },
    pricing: {
      type: 'object',
      required: ['hourly_rate_usd', 'quoted_at'],
      properties: { hourly_rate_usd: { type: 'number' }, quoted_at: { type: 'string', format: 'date-time' } },
    },
    availability: { type: 'object' },
  },
};

export const RENDER_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Dispersed API, as restated in render-dispersed/FACTS.md', version: 'facts' },
  servers: [{ url: 'https://api.dispersed.com' }, { url: 'https://api.compute.x.io' }], // "Base URL"
  paths: {
    '/v1/jobs': {
      // POST /v1/jobs row; the answer is UNCONFIRMED, EX reads `uuid` or `data.uuid`.
      post: {
        requestBody: { required: true, ...json(JobCreate) },
        responses: {
          '2XX': json({
            anyOf: [
              { type: 'object', required: ['uuid'], properties: { uuid: { type: 'string' } } },
              { type: 'object', required: ['data'], properties: { data: { type: 'object', required: ['uuid'], properties: { uuid: { type: 'string' } } } } },
            ],
          }),
        },
      },
      // GET /v1/jobs row (EX list_jobs); "list of jobs (shape UNCONFIRMED)".
      get: {
        parameters: [
          ...paging,
          sort,
          query('filter[status]', { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$` }),
          query('filter[task]', { enum: ['BATCH', 'PERSISTENT'] }),
          ...['filter[uuid]', 'filter[cpu_count]', 'filter[min_ram_gb]', 'filter[min_storage_gb]', 'filter[min_vram_gb]', 'filter[created_at]'].map(
            (n) => query(n, { type: 'string' }),
          ),
        ],
        responses: { '2XX': json() },
      },
    },
    // GET /v1/jobs/{uuid} row (EX get_job): a job object with `status`; other fields UNCONFIRMED.
    '/v1/jobs/{uuid}': {
      get: {
        parameters: [uuidPath],
        responses: { '2XX': json({ type: 'object', required: ['status'], properties: { status: { type: 'string' } } }) },
      },
    },
    // PUT /v1/jobs/{uuid}/cancel row: EX stop_job only, no docs page; the answer is UNCONFIRMED.
    '/v1/jobs/{uuid}/cancel': {
      put: {
        parameters: [uuidPath],
        requestBody: {
          required: true,
          ...json({ type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string' } } }),
        },
        responses: { '2XX': json() },
      },
    },
    '/v1/job-runs': {
      get: {
        parameters: [
          query('filter[job_uuid]', { type: 'string', format: 'uuid' }),
          query('filter[status]', { type: 'string' }),
          ...paging,
        ],
        responses: { '2XX': json(list(Run)) },
      },
    },
    '/v1/job-runs/{uuid}': {
      get: {
        parameters: [uuidPath],
        responses: { '2XX': json({ allOf: [Run, { type: 'object', required: ['logs'] }] }) },
      },
    },
    '/v1/compute/offers': {
      get: {
        parameters: [
          ...paging,
          sort,
          ...['filter[cpu_count]', 'filter[gpu_count]', 'filter[min_vram_gb]', 'filter[min_ram_gb]', 'filter[min_storage_gb]'].map((n) => query(n, int0)),
          query('filter[gpu_name]', { type: 'string' }),
          query('filter[gpu_registry_uuid]', { type: 'string' }),
          query('filter[allowed_region_codes]', { type: 'string' }),
          query('filter[ignore_region_constraints]', { type: 'string' }),
        ],
        responses: { '2XX': json({ type: 'object', required: ['data', 'limit', 'page', 'total'], properties: list(Offer).properties }) },
      },
    },
    // POST /v1/job-recipes/{uuid}/cook and GET /v1/nodes rows: listed for completeness.
    '/v1/job-recipes/{uuid}/cook': {
      post: {
        parameters: [uuidPath],
        requestBody: json(CookOverrides),
        responses: { '2XX': json({ type: 'object' }) },
      },
    },
    '/v1/nodes': { get: { responses: { '2XX': json({ type: 'object', properties: { data: { type: 'array' } } }) } } },
  },
};

const ERRORS_UNCONFIRMED = 'FACTS.md: error statuses and bodies are UNCONFIRMED';
const status = (operation: string, code: number, reason: string): Assumption => ({
  operation,
  violation: new RegExp(`response status ${code} is not documented`),
  reason: `${ERRORS_UNCONFIRMED}; ${reason}`,
});

const SIGNED = ['POST /v1/jobs', 'GET /v1/jobs', 'GET /v1/jobs/{uuid}', 'PUT /v1/jobs/{uuid}/cancel', 'GET /v1/job-runs', 'GET /v1/job-runs/{uuid}', 'GET /v1/compute/offers'];

export const RENDER_ASSUMPTIONS: Assumption[] = [
  // "UNCONFIRMED: … the error status/body for a bad signature" (Request signing).
  ...SIGNED.map((op) => status(op, 401, 'a refused signature or key is assumed to be a 401')),
  status('GET /v1/jobs/{uuid}', 404, 'an unknown job uuid is assumed to be a 404'),
  status('PUT /v1/jobs/{uuid}/cancel', 404, 'an unknown job uuid is assumed to be a 404'),
  status('PUT /v1/jobs/{uuid}/cancel', 409, 'cancelling a finished job is assumed to be refused with a 4xx (409 in the fake)'),
  status('POST /v1/jobs', 400, 'a refused create (a malformed body, an image the registry login does not open) is assumed to be a 400'),
];

export const renderContract = () =>
  new OpenApiContract({
    provider: 'render',
    document: RENDER_DOCUMENT,
    source: 'in-code OpenAPI 3.1 from render-dispersed/FACTS.md',
    assumptions: RENDER_ASSUMPTIONS,
  });
