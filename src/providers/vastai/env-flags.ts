// createInstance's `env` is a string in Docker flag format ("-e HF_TOKEN=hf_xxx -e MODEL_ID=x
// -p 8000:8000", openapi.yaml PUT /api/v0/asks/{id}, requestBody.env). How Vast splits that
// string is not specified; this assumes shell-style words (the CLI's own reading of its
// --env option; ASSUMED), so a value with spaces or shell characters is single-quoted, and a value
// that no quoting can carry unambiguously (a single quote, a newline) is refused before
// anything is launched.
import { ProviderError } from '../../core/provider.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLAIN = /^[A-Za-z0-9_./:,@%+=-]*$/;

const word = (name: string, value: string): string => {
  if (!NAME.test(name)) throw new ProviderError('permanent', `vastai: environment variable name ${JSON.stringify(name)} cannot be passed in a Docker -e flag`);
  if (PLAIN.test(value) && value !== '') return `${name}=${value}`;
  if (/['\n\r\0]/.test(value)) {
    throw new ProviderError('permanent', `vastai: the value of ${name} holds a quote or line break, which Vast's env flag string cannot carry`);
  }
  return `${name}='${value}'`;
};

/** {A: "1", B: "two words"} -> "-e A=1 -e B='two words'". */
export const dockerEnvFlags = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([k, v]) => `-e ${word(k, v)}`)
    .join(' ');

