// Writes the OpenAPI document the API serves (createApp's /openapi.json) to a file, with no
// running system: the routes are declared at construction, and answering /openapi.json
// touches none of the dependencies, so every dependency is an inert stand-in here.
// Every optional part (billing, the agent's logs) is switched on so the document is whole.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApp } from '../../../src/api/app.js';

const inert = (): unknown =>
  new Proxy(function standIn() {}, {
    get: (_target, key) => (key === 'then' ? undefined : inert()),
    apply: () => inert(),
  });

export const openApiDocument = async (): Promise<unknown> => {
  const deps = { jobs: inert(), tenants: inert(), money: inert(), agent: inert(), rateLimiter: undefined, log: () => {} };
  const app = createApp(deps as never);
  const res = await app.request('/openapi.json');
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}: ${await res.text()}`);
  return res.json();
};

const out = process.argv[2];
if (out) {
  const document = await openApiDocument();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
}
