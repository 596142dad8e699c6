// Builds the SDL (Akash Stack Definition Language, version "2.0") for one attempt.
// Layout follows the Console API getting-started example and the SDL reference
// (https://akash.network/docs/developers/deployment/akash-sdl). Strings are emitted as
// JSON strings, which are valid YAML double-quoted scalars, so no YAML library is needed.
//
// Akash runs services, not batch jobs: a container that exits is restarted (and would run
// the job again). So the job's command is wrapped: run it, print one marker line with its
// exit code (`switchyard-exit <attemptId> <code>`), then idle until Switchyard closes the
// deployment. The Console API publishes no exit code or container state (akash/FACTS.md §2),
// so the adapter learns the end from that line in the lease's logs (FACTS §2 row C). This
// needs `sh` in the image; an empty command runs the image's own entrypoint, whose end
// cannot be observed ("exit code not reported by Akash").
//
// Private images: `services.<name>.credentials {host, username, password}`, the SDL's
// private-registry block (akash.network/docs/learn/core-concepts/private-containers, the
// SDL reference's page on it; Docker Hub's host is written `https://index.docker.io/v1/`
// there). The Console OpenAPI in ../shared/provider-specs types `data.sdl` only as a string,
// so the block's shape comes from that SDL reference, not from the OpenAPI file.
//
// Ownership mark: the placement group is named `switchyard-<attemptId>`. The chain keeps a
// group's name in its group spec, which the Console returns for any deployment
// (GET /v1/deployment/{owner}/{dseq} → other.groups[].group_spec.name), so the adapter can
// tell its deployments from others without any console-side settings.

export const SERVICE = 'job';
export const ATTEMPT_ENV = 'SWITCHYARD_ATTEMPT_ID';
const PLACEMENT_PREFIX = 'switchyard-';

export const placementName = (attemptId: string): string => `${PLACEMENT_PREFIX}${attemptId}`;

/** The attempt a placement group name was made for, if Switchyard made it. */
export const attemptOfPlacement = (name: string): string | undefined =>
  name.startsWith(PLACEMENT_PREFIX) && name.length > PLACEMENT_PREFIX.length ? name.slice(PLACEMENT_PREFIX.length) : undefined;

const EXIT_MARKER = 'switchyard-exit';

/** The exit code the wrapper printed for this attempt, from log lines (the last one wins). */
export const exitCodeInLogs = (attemptId: string, lines: string[]): number | undefined => {
  let code: number | undefined;
  for (const line of lines) {
    const m = new RegExp(`^${EXIT_MARKER} (\\S+) (\\d+)\\s*$`).exec(line);
    if (m && m[1] === attemptId) code = Number(m[2]);
  }
  return code;
};

export interface SdlInput {
  attemptId: string;
  jobId: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  gpu: { model: string; ram?: string; units: number };
  cpuUnits: number;
  memoryGi: number;
  storageGi: number;
  pricing: { denom: string; amount: number };
  /** The private image's registry login (services.<name>.credentials). */
  credentials?: { host: string; username: string; password: string };
}

/** The SDL credentials `host` for a registry: Docker Hub as the SDL reference writes it, others by name. */
export const sdlRegistryHost = (host: string): string => (host === 'docker.io' ? 'https://index.docker.io/v1/' : host);

/** POSIX single-quote quoting: safe for any byte except NUL. */
export const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

export const wrapperScript = (attemptId: string, command: string[]): string =>
  `${command.map(shellQuote).join(' ')}; code=$?; echo ${shellQuote(EXIT_MARKER)} ${shellQuote(attemptId)} "$code"; ` +
  `while :; do sleep 3600; done`;

const q = (s: string): string => JSON.stringify(s);

export const buildSdl = (i: SdlInput): string => {
  const env = { ...i.env, [ATTEMPT_ENV]: i.attemptId, SWITCHYARD_JOB_ID: i.jobId };
  const lines = [
    '---',
    'version: "2.0"',
    'services:',
    `  ${SERVICE}:`,
    `    image: ${q(i.image)}`,
    ...(i.command.length > 0
      ? ['    command:', `      - ${q('sh')}`, `      - ${q('-c')}`, '    args:', `      - ${q(wrapperScript(i.attemptId, i.command))}`]
      : []),
    // services.<name>.credentials (SDL reference, private containers): the only place the login goes.
    ...(i.credentials
      ? ['    credentials:', `      host: ${q(i.credentials.host)}`, `      username: ${q(i.credentials.username)}`, `      password: ${q(i.credentials.password)}`]
      : []),
    '    env:',
    ...Object.entries(env).map(([k, v]) => `      - ${q(`${k}=${v}`)}`),
    'profiles:',
    '  compute:',
    `    ${SERVICE}:`,
    '      resources:',
    '        cpu:',
    `          units: ${i.cpuUnits}`,
    '        memory:',
    `          size: ${i.memoryGi}Gi`,
    '        storage:',
    `          - size: ${i.storageGi}Gi`,
    '        gpu:',
    `          units: ${i.gpu.units}`,
    '          attributes:',
    '            vendor:',
    '              nvidia:',
    `                - model: ${i.gpu.model}`,
    ...(i.gpu.ram ? [`                  ram: ${i.gpu.ram}`] : []),
    '  placement:',
    `    ${q(placementName(i.attemptId))}:`,
    '      pricing:',
    `        ${SERVICE}:`,
    `          denom: ${i.pricing.denom}`,
    `          amount: ${i.pricing.amount}`,
    'deployment:',
    `  ${SERVICE}:`,
    `    ${q(placementName(i.attemptId))}:`,
    `      profile: ${SERVICE}`,
    '      count: 1',
  ];
  return `${lines.join('\n')}\n`;
};
