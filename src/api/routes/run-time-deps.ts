// What the run-time routes need beyond the agent's deps: where output manifests live and
// the size caps. Shared by the agent-facing routes (./agent-run-time.ts) and the job-facing
// outputs listing (./job-outputs.ts).
import type { OutputStore } from '../../core/outputs.js';

export interface RunTimeApiDeps {
  outputs: OutputStore;
  /** Largest total of one attempt's declared outputs (OUTPUTS_MAX_BYTES). */
  maxOutputBytes: number;
  /** Largest checkpoint archive; one presigned PUT, so at most 5 GiB. */
  maxCheckpointBytes: number;
  /** Lifetime of the download URLs in GET /v1/jobs/{id}/outputs. */
  downloadUrlSeconds: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 50 * 1024 ** 3;
export const DEFAULT_MAX_CHECKPOINT_BYTES = 5 * 1024 ** 3;
export const DEFAULT_DOWNLOAD_URL_SECONDS = 15 * 60;
