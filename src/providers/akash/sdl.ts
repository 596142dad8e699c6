// Builds the SDL (Akash Stack Definition Language, version "2.0") for one attempt.
// Layout follows the Console API getting-started example and the SDL reference
// (https://akash.network/docs/developers/deployment/akash-sdl). Strings are emitted as
// JSON strings, which are valid YAML double-quoted scalars, so no YAML library is needed.
//
// Akash runs services, not batch jobs: a container that exits is restarted. So the job's
// command is wrapped: run it, write its exit code to EXIT_FILE, then idle. The adapter
// reads EXIT_FILE through the Console API's shell-exec endpoint to learn the outcome.
// This needs `sh` in the image; an empty command runs the image's own entrypoint and
// then the outcome cannot be observed (documented limitation).

export const SERVICE = 'job';
export const EXIT_FILE = '/tmp/switchyard-exit';
export const ATTEMPT_ENV = 'SWITCHYARD_ATTEMPT_ID';

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
}

/** POSIX single-quote quoting: safe for any byte except NUL. */
export const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

export const wrapperScript = (command: string[]): string =>
  `${command.map(shellQuote).join(' ')}; code=$?; echo "$code" > ${EXIT_FILE}; ` +
  `echo "switchyard: exit $code"; while :; do sleep 3600; done`;

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
      ? ['    command:', `      - ${q('sh')}`, `      - ${q('-c')}`, '    args:', `      - ${q(wrapperScript(i.command))}`]
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
    '    dcloud:',
    '      pricing:',
    `        ${SERVICE}:`,
    `          denom: ${i.pricing.denom}`,
    `          amount: ${i.pricing.amount}`,
    'deployment:',
    `  ${SERVICE}:`,
    '    dcloud:',
    `      profile: ${SERVICE}`,
    '      count: 1',
  ];
  return `${lines.join('\n')}\n`;
};

/** The attempt an SDL (as stored by the console) was generated for, if it is ours. */
export const attemptIdInSdl = (sdl: string): string | undefined =>
  new RegExp(`${ATTEMPT_ENV}=([^"\\s]+)`).exec(sdl)?.[1];
