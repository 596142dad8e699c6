// Private-image registry logins (LaunchRequest.imageCredentials) as the adapters hand them
// over. Each adapter cites its provider's own field; what is shared here is the refusal for
// a provider that cannot take a literal login (never drop the login silently: the pull
// would fail on the host, later and with a vaguer reason), and the registry host a login
// is for. Nothing here ever puts the password into a message.
import { ProviderError, type RegistryLogin } from '../../core/provider.js';

/**
 * A permanent launch refusal for a job that names imageCredentials on a provider that
 * cannot take them; `why` says what the provider's API lacks. The login itself is not named.
 */
export const imageCredentialsRefused = (provider: string, why: string): ProviderError =>
  new ProviderError('permanent', `${provider}: cannot pull a private image with imageCredentials: ${why}`);

/**
 * The registry a login is for: the secret's `server`, else the image reference's registry
 * host (its first path part when that holds a `.` or `:` or is `localhost`, as Docker reads
 * a reference), else Docker Hub.
 */
export const registryHostOf = (login: RegistryLogin, image: string): string => {
  if (login.server) return login.server;
  const first = image.split('/')[0] ?? '';
  const isHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
};

/**
 * Runs a launch that carries a login, so that no error it throws names the password: a
 * provider's error body that echoes the request (a validation message quoting a field) is
 * masked before the message reaches the attempt's reason or a log line.
 */
export const redactingLogin = async <T>(login: RegistryLogin | undefined, run: () => Promise<T>): Promise<T> => {
  if (!login?.password) return run();
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes(login.password)) throw error;
    const masked = message.split(login.password).join('[redacted]');
    throw error instanceof ProviderError ? new ProviderError(error.kind, masked, error.retryAfterSeconds) : new Error(masked);
  }
};
