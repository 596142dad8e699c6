// The top of the OpenAPI document: info, servers, tags and the default security. Routes
// carry their own operationId, tags, statuses and schemas; this is what they share.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context.js';

export const OPENAPI_TAGS = [
  { name: 'Jobs', description: 'Submit GPU jobs, read them and their timeline of states and attempts, and cancel them.' },
  { name: 'Logs', description: "A job's stdout and stderr as its agents shipped them, paged or followed as Server-Sent Events." },
  { name: 'Outputs', description: 'Files a job left in its outputs folder, with short-lived download URLs.' },
  { name: 'Providers', description: 'The networks and clouds jobs run on: their health, the GPU models they offer now and the prices.' },
  { name: 'Billing', description: 'Quotes before submit, balance, budget, usage per job and your ledger postings. Amounts are integer micro-dollars.' },
  { name: 'Payments', description: 'Crediting a prepaid balance with an on-chain USDC transfer.' },
  { name: 'Secrets', description: 'Write-only secrets that jobs refer to by name; values reach only the job agent.' },
  { name: 'Webhooks', description: 'Signed job webhooks (the signing secret) and the Stripe webhook receiver.' },
  { name: 'Admin', description: 'Operator routes (admin scope): tenants, API keys, the audit trail, billing terms, billing runs and provider payouts.' },
  { name: 'Agent', description: "The job agent's routes, called from inside the job's machine with its attempt's capability token, never an API key." },
  { name: 'System', description: 'Health check; needs no key.' },
];

export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Switchyard',
    version: '0.1.0',
    description:
      'One HTTP API for GPU jobs on decentralized networks (Akash, io.net, Nosana, Vast.ai) with fallback to clouds, settled in US dollars. ' +
      'Errors are RFC 9457 problem+json; every response carries a Request-Id header. Amounts in responses are integer micro-dollars (1 USD = 1 000 000).',
    license: { name: 'Proprietary', url: 'https://switchyard.dev/terms' },
    contact: { name: 'Switchyard support', url: 'https://switchyard.dev/support', email: 'support@switchyard.dev' },
  },
  servers: [
    { url: 'http://127.0.0.1:8787', description: 'Local mode (`npm start`)' },
    {
      url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
      description: 'A deployment on AWS: the HTTP API URL `cdk deploy` prints (or your custom domain in its place)',
      variables: {
        apiId: { default: 'abcdef1234', description: 'The API Gateway HTTP API id' },
        region: { default: 'us-east-1', description: 'The AWS region of the deployment' },
      },
    },
  ],
  tags: OPENAPI_TAGS,
  // Every route needs an API key unless it says otherwise (health, the Stripe webhook, the agent's routes).
  security: [{ bearerAuth: [] }],
};

/** The two bearer schemes: API keys for people and programs, capability tokens for the job agent. */
export const registerSecuritySchemes = (app: OpenAPIHono<ApiEnv>): void => {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sy_live_<id>_<secret>',
    description: 'A Switchyard API key, sent as `Authorization: Bearer sy_live_<id>_<secret>`. Its scopes (jobs:read, jobs:write, billing:read, admin) decide the routes it may call.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'agentToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sya1.<payload>.<signature>',
    description: "The job agent's per-attempt capability token (sya1.…), handed to the agent at launch; never an API key.",
  });
};
