// The job agent: a POSIX sh wrapper that every attempt's command runs under, on every
// provider (DESIGN.md "The run-time contract"). The dispatcher launches
//   sh -c AGENT_SCRIPT switchyard-agent <the job's command…>
// with SWITCHYARD_AGENT_URL, SWITCHYARD_AGENT_TOKEN (the attempt's capability token, never
// an API key), SWITCHYARD_OUTPUTS_DIR, SWITCHYARD_CHECKPOINT_DIR, SWITCHYARD_CHECKPOINT_EVERY.
//
// What it does, in order:
//   1. picks an HTTP client: curl, else GNU wget, else python3. With none (or no URL/token)
//      it execs the command as is: the attempt runs with provider-reported status only.
//   2. heartbeats (POST /v1/agent/heartbeat) every SWITCHYARD_HEARTBEAT_SECONDS (30), from
//      a background loop, so a long restore or upload never looks like a lost machine;
//      { "cancel": true } stops the command as SIGTERM would.
//   3. GET /v1/agent/secrets → { env } exported into the command's environment only
//      (written to a 0600 file, sourced by the command's shell, deleted; never printed).
//   4. GET /v1/agent/checkpoint → { url } (or 204): download, extract into the checkpoint dir.
//   5. runs the command with stdout+stderr to a log file; every SWITCHYARD_LOG_INTERVAL_SECONDS
//      (1) ships new bytes (POST /v1/agent/logs?offset=n, ≤ 32 KiB a request; it goes on from
//      the nextOffset answered, which may hold back the start of a secret; `&final=true` after
//      exit) and copies them to its own stdout, so the provider's own log view still works.
//   6. every SWITCHYARD_CHECKPOINT_EVERY seconds (in the background) and after SIGTERM:
//      tar czf the checkpoint dir, POST /v1/agent/checkpoint { sizeBytes } → { url, key },
//      PUT the archive, POST /v1/agent/checkpoint/commit { key, sizeBytes }.
//   7. SIGTERM is forwarded to the command; when it exits: final checkpoint (after SIGTERM),
//      the rest of the logs, outputs (POST /v1/agent/outputs { files } → { uploads }, PUT each,
//      POST /v1/agent/outputs/commit; a 413 is reported, nothing uploaded), then
//      POST /v1/agent/exit { exitCode, endedAt }, and exits with the command's code.
// The command does not see SWITCHYARD_AGENT_TOKEN. Checkpoints are archives of whatever the
// folder holds at that moment: a command should write its checkpoint files atomically
// (write, then rename). File names with control characters are not uploaded as outputs.
//
// Written in String.raw templates (./script/*.ts), so the script never uses the "dollar-brace" form of
// parameter expansion (it would be template interpolation); defaults are set with tests.

// The script is kept in parts (./script/), one concern each, joined in this order.
import { JSON_AND_HTTP } from './script/json-http.js';
import { LOGS_AND_OUTPUTS } from './script/logs-outputs.js';
import { MAIN } from './script/main.js';
import { PRELUDE } from './script/prelude.js';
import { RUN_TIME } from './script/run-time.js';

export const AGENT_SCRIPT = `\n${[PRELUDE, JSON_AND_HTTP, RUN_TIME, LOGS_AND_OUTPUTS, MAIN].map((part) => part.slice(1)).join('')}`;

/** argv[0] of the wrapper: `sh -c AGENT_SCRIPT switchyard-agent cmd…` makes "$@" the job's command. */
export const AGENT_ARGV0 = 'switchyard-agent';

/** The wrapped command line for a job's command. */
export const agentCommand = (command: string[]): string[] => ['sh', '-c', AGENT_SCRIPT, AGENT_ARGV0, ...command];
