// createInstance's `image_login` (openapi.yaml PUT /api/v0/asks/{id}, requestBody
// `image_login`: string, "Docker registry credentials if needed"). The schema gives no
// format. ASSUMED (spec silent): the `docker login` arguments `-u USER -p PASSWORD HOST`, as
// the vastai CLI's `--login` option takes them; words are single-quoted when they need it,
// and a word no quoting can carry (a single quote, a line break) is refused before anything
// is launched, with a message that names the field, never its value.
import { ProviderError, type RegistryLogin } from '../../core/provider.js';
import { registryHostOf } from '../shared/registry-login.js';

const PLAIN = /^[A-Za-z0-9_./:,@%+=-]+$/;

const word = (what: string, value: string): string => {
  if (PLAIN.test(value)) return value;
  if (value === '' || /['\n\r\0]/.test(value)) {
    throw new ProviderError('permanent', `vastai: the registry ${what} is empty or holds a quote or line break, which Vast's image_login string cannot carry`);
  }
  return `'${value}'`;
};

/** {username, password, server} -> "-u bot -p 'secret' ghcr.io". */
export const imageLoginFor = (login: RegistryLogin, image: string): string =>
  `-u ${word('username', login.username)} -p ${word('password', login.password)} ${word('host', registryHostOf(login, image))}`;
