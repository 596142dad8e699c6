// Nosana: no OpenAPI file is stored anywhere (Nosana serves it only live), so this is an
// OpenAPI 3.1 document written from ../shared/provider-specs/nosana/FACTS.md. Every path
// and schema names the FACTS row it comes from ("FACTS Objects: Deployment", "FACTS
// Endpoints: POST /deployments/create", …). Paths sit below the documented base
// `{host}/api` (FACTS "Base URL and auth"), which the fake serves as `/api`.
// Reading rules: a field the FACTS row marks with `?` is optional, every other listed field
// is required. Responses the deployment manager serialises through its Fastify schemas
// (every route except job-by-id, whose row says serialisation skips the schema) carry only
// the schema's fields, so those objects are closed (`additionalProperties: false`).
import { OpenApiContract } from '../openapi-contract.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const closed = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

// FACTS "Base URL and auth", 401 row: a bare JSON string; 402/403 from SITE-IDX auth.md
// ("Errors"), whose body shape is not given (so no schema: nothing to check it against).
const AUTH_ERRORS = {
  '401': { description: 'FACTS auth: bare string', ...json(ref('Unauthorized')) },
  '402': { description: 'FACTS auth: out of credits (body not documented)', content: { 'application/json': {} } },
  '403': { description: 'FACTS auth: not permitted (body not documented)', content: { 'application/json': {} } },
};
// FACTS "Base URL and auth", error-body row: `{error}` (DM error.schema.ts).
const ERROR = (description: string) => ({ description, ...json(ref('Error')) });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
// FACTS Objects: pagination (query half).
const PAGE_PARAMS = [
  { name: 'cursor', in: 'query', schema: { type: 'string' } },
  { name: 'limit', in: 'query', schema: { type: 'number', enum: [10, 20, 50, 100], default: 10 } },
  { name: 'sort_order', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'], default: 'desc' } },
];
const DATE_PARAMS = ['created_after', 'created_before'].map((name) => ({ name, in: 'query', schema: { type: 'string', format: 'date-time' } }));
const DEPLOYMENT_STATUSES = ['DRAFT', 'ERROR', 'STARTING', 'RUNNING', 'STOPPING', 'STOPPED', 'INSUFFICIENT_FUNDS', 'ARCHIVED'];
const JOB_STATES = ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED'];
const oneOrCommaList = (words: string[]) => ({ type: 'string', pattern: `^(${words.join('|')})(,(${words.join('|')}))*$` });
// FACTS Endpoints: start/stop/archive answer `{status, updated_at}`.
const transition = (status: string) => json(closed({ status: { const: status }, updated_at: { type: 'string', format: 'date-time' } }));
// FACTS Endpoints GET /deployments/{id}: 404 "Deployment not found." from the getDeployment
// middleware, which every /deployments/{id}… route runs first.
const NOT_FOUND = ERROR('FACTS: getDeployment middleware, "Deployment not found."');
const WRONG_STATE = ERROR('FACTS: wrong state is 500 {error:"Deployment is in the incorrect state."}');

export const nosanaDocument = {
  openapi: '3.1.0',
  info: { title: 'Nosana Deployments API (from provider-specs/nosana/FACTS.md)', version: 'DM afe5852' },
  // FACTS "Base URL and auth": two documented bases, same paths below them.
  servers: [{ url: 'https://api.nosana.com/api' }, { url: 'https://dashboard.k8s.prd.nos.ci/api' }],
  components: {
    schemas: {
      // FACTS Objects: Deployment (publicKey.schema.ts: 43–44 characters).
      PublicKey: { type: 'string', minLength: 43, maxLength: 44 },
      Unauthorized: { type: 'string' },
      Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
      // FACTS Objects: Deployment. `schedule` (SCHEDULED) and `rotation_time` (INFINITE)
      // appear only with their strategy.
      Deployment: closed(
        {
          id: { type: 'string' },
          name: { type: 'string' },
          vault: ref('PublicKey'),
          market: ref('PublicKey'),
          owner: ref('PublicKey'),
          status: { enum: DEPLOYMENT_STATUSES },
          replicas: { type: 'number', minimum: 0 },
          timeout: { type: 'number', minimum: 1 },
          endpoints: {
            type: 'array',
            items: closed({ opId: { type: 'string' }, port: { type: ['number', 'string'] }, url: { type: 'string' } }),
          },
          confidential: { type: 'boolean' },
          active_revision: { type: 'number', minimum: 1 },
          active_jobs: { type: 'number', minimum: 0 },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
          strategy: { enum: ['SIMPLE', 'SIMPLE-EXTEND', 'SCHEDULED', 'INFINITE'] },
          schedule: { type: 'string' },
          rotation_time: { type: 'number' },
        },
        ['schedule', 'rotation_time'],
      ),
      // FACTS Objects: Job (list item).
      Job: closed({
        tx: { type: 'string' },
        deployment: ref('PublicKey'),
        job: ref('PublicKey'),
        market: { type: 'string' },
        node: nullable(ref('PublicKey')),
        revision: { type: 'number', minimum: 1 },
        state: { enum: JOB_STATES },
        time_start: { type: 'number', minimum: 0 },
        created_at: { type: 'string', format: 'date-time' },
        updated_at: { type: 'string', format: 'date-time' },
      }),
      // FACTS Objects: pagination (response half).
      Pagination: closed({
        cursor_next: { type: ['string', 'null'] },
        cursor_prev: { type: ['string', 'null'] },
        total_items: { type: 'number' },
      }),
      // FACTS Objects: FlowState (kit Jobs/Flows), one entry per operation.
      OpState: {
        type: 'object',
        properties: {
          providerId: { type: 'string' },
          operationId: { type: 'string' },
          group: { type: 'string' },
          status: { type: ['string', 'null'] },
          startTime: { type: ['number', 'null'] },
          endTime: { type: ['number', 'null'] },
          exitCode: { type: ['number', 'null'] },
          logs: { type: 'array' },
          results: { type: 'object' },
          error: { type: 'object', properties: { event: {}, message: { type: 'string' }, code: {} }, required: ['event', 'message'] },
          diagnostics: { type: 'object', properties: { reason: {}, state: {} }, required: ['reason'] },
        },
        required: ['providerId', 'operationId', 'group', 'status', 'startTime', 'endTime', 'exitCode', 'logs', 'diagnostics'],
      },
      FlowState: {
        type: 'object',
        properties: {
          status: { type: 'string' },
          startTime: { type: 'number' },
          endTime: { type: ['number', 'null'] },
          errors: { type: 'array' },
          opStates: { type: 'array', items: ref('OpState') },
          secrets: { type: 'object' },
        },
        required: ['status', 'startTime', 'endTime', 'opStates'],
      },
      // FACTS Endpoints: GET /markets/ (kit schema.ts getApiMarkets).
      Market: {
        type: 'object',
        properties: {
          address: { type: 'string' },
          slug: { type: 'string' },
          name: { type: 'string' },
          sft: { type: 'string' },
          type: { enum: ['PREMIUM', 'COMMUNITY', 'OTHER'] },
          usd_reward_per_hour: {},
          nos_reward_per_second: { type: 'number' },
          nos_job_price_per_second: { type: 'number' },
          network_fee_percentage: { type: 'number' },
          premium_community_relation: { type: ['string', 'null'] },
          gpu_types: { type: 'array', items: { type: 'string' } },
          required_images: { type: 'array', items: { type: 'string' } },
          required_remote_resources: { type: 'array' },
          nodes: { type: 'array' },
          client: { type: 'boolean' },
          lowest_vram: { type: 'number' },
          max_usd_uptime_reward_per_day: { type: 'number' },
        },
        required: [
          'address', 'slug', 'name', 'sft', 'type', 'usd_reward_per_hour', 'nos_reward_per_second', 'nos_job_price_per_second',
          'network_fee_percentage', 'premium_community_relation', 'gpu_types', 'required_images', 'required_remote_resources', 'client',
        ],
      },
    },
  },
  paths: {
    // FACTS Endpoints: GET /markets/ (no auth); 500 {name, message}.
    '/markets/': {
      get: {
        responses: {
          '200': json({ type: 'array', items: ref('Market') }),
          '500': json({ type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } }, required: ['name', 'message'] }),
        },
      },
    },
    // FACTS Endpoints: POST /deployments/create.
    '/deployments/create': {
      post: {
        requestBody: {
          required: true,
          ...json(
            closed(
              {
                name: { type: 'string' },
                market: { type: 'string' },
                replicas: { type: 'number', minimum: 1 },
                timeout: { type: 'number', minimum: 1 },
                job_definition: { type: 'object' },
                confidential: { type: 'boolean' },
                autostart: { type: 'boolean' },
                vault: ref('PublicKey'),
                new_vault: { type: 'boolean' },
                strategy: { enum: ['SIMPLE', 'SIMPLE-EXTEND', 'SCHEDULED', 'INFINITE'] },
                schedule: { type: 'string' },
                rotation_time: { type: 'number' },
              },
              ['confidential', 'autostart', 'vault', 'new_vault', 'strategy', 'schedule', 'rotation_time'],
            ),
          ),
        },
        responses: {
          '200': json(ref('Deployment')),
          '400': ERROR('FACTS: bad body, timeout or rotation time'),
          ...AUTH_ERRORS,
          '404': ERROR('FACTS: vault not found'),
          '500': ERROR('FACTS: server error'),
        },
      },
    },
    // FACTS Endpoints: GET /deployments (filters: deployments.filter.ts).
    '/deployments': {
      get: {
        parameters: [
          ...PAGE_PARAMS,
          ...['search', 'id', 'name', 'vault'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          { name: 'status', in: 'query', schema: oneOrCommaList(DEPLOYMENT_STATUSES) },
          { name: 'strategy', in: 'query', schema: { type: 'string' } },
          ...DATE_PARAMS,
        ],
        responses: {
          '200': json(closed({ deployments: { type: 'array', items: ref('Deployment') }, pagination: ref('Pagination') })),
          ...AUTH_ERRORS,
        },
      },
    },
    // FACTS Endpoints: GET /deployments/{id}, DELETE /deployments/{id} (only from STOPPED).
    '/deployments/{id}': {
      parameters: [idParam],
      get: { responses: { '200': json(ref('Deployment')), ...AUTH_ERRORS, '404': NOT_FOUND } },
      delete: { responses: { '204': { description: 'FACTS: empty' }, ...AUTH_ERRORS, '404': NOT_FOUND, '500': WRONG_STATE } },
    },
    // FACTS Endpoints: POST /deployments/{id}/start|stop|archive; wrong state → 500.
    '/deployments/{id}/start': {
      parameters: [idParam],
      post: { responses: { '200': transition('STARTING'), ...AUTH_ERRORS, '404': NOT_FOUND, '500': WRONG_STATE } },
    },
    '/deployments/{id}/stop': {
      parameters: [idParam],
      post: { responses: { '200': transition('STOPPING'), ...AUTH_ERRORS, '404': NOT_FOUND, '500': WRONG_STATE } },
    },
    '/deployments/{id}/archive': {
      parameters: [idParam],
      post: { responses: { '200': transition('ARCHIVED'), ...AUTH_ERRORS, '404': NOT_FOUND, '500': WRONG_STATE } },
    },
    // FACTS Endpoints: GET /deployments/{id}/jobs (filters: jobs.filter.ts).
    '/deployments/{id}/jobs': {
      parameters: [idParam],
      get: {
        parameters: [
          ...PAGE_PARAMS,
          { name: 'state', in: 'query', schema: oneOrCommaList(JOB_STATES) },
          { name: 'job', in: 'query', schema: { type: 'string' } },
          { name: 'revision', in: 'query', schema: { type: 'number', minimum: 0 } },
          ...DATE_PARAMS,
        ],
        responses: {
          '200': json(closed({ jobs: { type: 'array', items: ref('Job') }, pagination: ref('Pagination') })),
          ...AUTH_ERRORS,
          '404': NOT_FOUND,
        },
      },
    },
    // FACTS Endpoints: GET /deployments/{id}/jobs/{job}. Not closed: this route skips
    // response serialisation. `node` is the all-ones address when unknown.
    '/deployments/{id}/jobs/{job}': {
      parameters: [idParam, { name: 'job', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        responses: {
          '200': json({
            type: 'object',
            properties: {
              confidential: { type: 'boolean' },
              revision: { type: 'number' },
              market: ref('PublicKey'),
              node: { anyOf: [ref('PublicKey'), { const: '11111111111111111111111111111111' }] },
              state: { anyOf: [{ enum: [0, 1, 2, 3] }, { enum: JOB_STATES }] },
              jobStatus: { type: 'null' },
              jobDefinition: { type: 'object' },
              jobResult: nullable(ref('FlowState')),
              timeStart: { type: 'number' },
              timeEnd: { type: 'number' },
              listedAt: { type: 'number' },
            },
            required: ['confidential', 'revision', 'market', 'node', 'state', 'jobStatus', 'jobDefinition', 'jobResult', 'timeStart', 'timeEnd', 'listedAt'],
          }),
          ...AUTH_ERRORS,
          '404': NOT_FOUND,
        },
      },
    },
  },
};

export const nosanaContract = () =>
  new OpenApiContract({
    provider: 'nosana',
    document: nosanaDocument,
    source: 'an OpenAPI 3.1 document written in code from nosana/FACTS.md (test/contracts/providers/nosana.ts)',
    basePath: '/api',
  });
