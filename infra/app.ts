// CDK entry point (cdk.json: `npx tsx infra/app.ts`). Options come from CDK context:
// `npx cdk deploy -c stage=prod -c alarmEmail=ops@example.com`; see infra/config.ts.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { defineApp } from './switchyard-app.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
defineApp(new App(), { projectRoot });
