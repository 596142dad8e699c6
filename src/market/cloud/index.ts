// Fake centralized clouds for tests and local mode. Each starts on 127.0.0.1, port 0:
// - AWS Batch: startAwsBatchFake → createAwsBatchProvider({ endpoint: fake.url, region: fake.region,
//   credentials: fake.credentials, jobQueue: 'switchyard-gpu' })
// - RunPod:    startRunPodFake   → createRunPodProvider({ baseUrl: fake.url, apiKey: fake.apiKey })  (REST v2)
// - GCP Batch: startGcpBatchFake → createGcpBatchProvider({ baseUrl: `${fake.url}/v1`,
//   credentials: fake.serviceAccountKey, project: fake.project, location: any })
export { startAwsBatchFake, type AwsBatchFake, type AwsBatchFakeOptions } from './aws-batch-fake.js';
export { startRunPodFake, type RunPodFake, type RunPodFakeOptions } from './runpod-fake.js';
export { startGcpBatchFake, type GcpBatchFake, type GcpBatchFakeOptions } from './gcp-batch-fake.js';
