// Registry credentials for a private image, read from a tenant secret: JSON
// {"username","password"[,"server"]} or "username:password".
export interface RegistryCredentials {
  username: string;
  password: string;
  /** The registry host, when the secret names one; else the image's own registry. */
  server?: string;
}

export class InvalidRegistryCredentialsError extends Error {
  constructor(name: string) {
    super(`secret "${name}" is not registry credentials: store JSON {"username","password"} or "username:password"`);
  }
}

export const parseRegistryCredentials = (name: string, value: string): RegistryCredentials => {
  const text = value.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InvalidRegistryCredentialsError(name);
    }
    const o = parsed as Record<string, unknown>;
    if (typeof o.username !== 'string' || typeof o.password !== 'string' || !o.username || !o.password) throw new InvalidRegistryCredentialsError(name);
    return { username: o.username, password: o.password, ...(typeof o.server === 'string' && o.server ? { server: o.server } : {}) };
  }
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new InvalidRegistryCredentialsError(name);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
};
