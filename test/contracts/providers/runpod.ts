// RunPod: REST v2 (api-reference-v2/openapi.json); v1 was retired on 2026-11-15
// (api-reference-v2/migrate-from-v1.mdx, line 9), so v1 traffic is a violation.
import { OpenApiContract } from '../openapi-contract.js';

export const runpodContract = () => new OpenApiContract({ provider: 'runpod', file: 'runpod/api-reference-v2/openapi.json' });
