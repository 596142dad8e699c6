// A private registry the fakes can be told about, so a test can tell "the login reached the
// provider in its field" from "the field was left out": an image on that registry is pulled
// only with its login. Each fake reads the login from its own provider's field and asks
// here; what a real provider does on a failed pull (an instance that never starts) is
// simplified to a refusal at create, with a message that never carries the password.
export interface PrivateRegistry {
  host: string;
  username: string;
  password: string;
}

export interface PulledLogin {
  username?: string;
  password?: string;
  server?: string;
}

const hostOf = (image: string): string | undefined => {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
};

/** Why the image cannot be pulled with this login, or undefined when it can. */
export const pullRefusal = (registry: PrivateRegistry | undefined, image: string, login: PulledLogin | undefined): string | undefined => {
  if (!registry || hostOf(image) !== registry.host) return undefined;
  if (!login) return `pull access denied for ${image}: the registry requires a login`;
  if (login.server !== undefined && login.server !== registry.host) return `pull access denied for ${image}: the login is for ${login.server}`;
  if (login.username !== registry.username || login.password !== registry.password) return `pull access denied for ${image}: unauthorized`;
  return undefined;
};

/** Reads `-u USER -p PASSWORD HOST` (single quotes honoured): Vast's image_login, as the adapter writes it. */
export const parseDockerLoginArgs = (args: string): PulledLogin | undefined => {
  const words = args.match(/'[^']*'|\S+/g)?.map((w) => (w.startsWith("'") ? w.slice(1, -1) : w)) ?? [];
  const out: PulledLogin = {};
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    if (w === '-u' || w === '--username') out.username = words[(i += 1)];
    else if (w === '-p' || w === '--password') out.password = words[(i += 1)];
    else out.server = w;
  }
  return out.username !== undefined && out.password !== undefined ? out : undefined;
};
