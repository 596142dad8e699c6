// OAuth 2.0 access tokens for the Batch API, through google-auth-library (the Google
// client library): from a service-account key (JSON, `type: "service_account"`) or a
// workload identity federation config (`type: "external_account"`, e.g. AWS-sourced, so
// the Lambda's own role is exchanged for a Google token without any long-lived key).
// The library caches each token and fetches a fresh one before it expires
// (eagerRefreshThresholdMillis, 5 minutes by default): nothing static that dies after an hour.
// Scope: https://www.googleapis.com/auth/cloud-platform (batch-v1.json `auth.oauth2.scopes`).
//
// A service-account key names its token endpoint in `token_uri`. google-auth-library 10.x
// ignores that field for service accounts (its gtoken module posts to the fixed
// https://oauth2.googleapis.com/token), so when a key names another endpoint (the local
// fake, a private Google endpoint) the client's HTTP transport is pointed there.
import type { gaxios as Gaxios, GoogleAuth as Auth } from 'google-auth-library';
import { ProviderError } from '../../core/provider.js';
import type { GoogleCredentials, GoogleTokenSourceFactory } from './token-source.js';

export type { GoogleCredentials, GoogleTokenSourceFactory } from './token-source.js';

// Loaded on the first token, not at module load: functions that never call GCP Batch (the api
// reads only its catalogue) do not pay for the library (~200 KB) in their cold start.
const library = () => import('google-auth-library');

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';


const transporterFor = (gaxios: typeof Gaxios, tokenUri: string | undefined): InstanceType<typeof Gaxios.Gaxios> => {
  const transporter = new gaxios.Gaxios();
  if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
    transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUri);
        return options;
      },
    });
  }
  return transporter;
};

/** What a failed token fetch means for Switchyard: a refused key is auth, no answer transient. */
const tokenError = (providerName: string, error: unknown): ProviderError => {
  const status = (error as { response?: { status?: number } } | undefined)?.response?.status;
  const detail = error instanceof Error ? error.message : String(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return new ProviderError('auth', `${providerName}: Google refused the credentials (HTTP ${status}): ${detail}`);
  }
  return new ProviderError('transient', `${providerName}: could not get a Google access token: ${detail}`);
};

/** Returns a function giving a valid access token on every call (cached, refreshed by the library). */
export const googleTokenSource: GoogleTokenSourceFactory = (providerName: string, credentials: GoogleCredentials) => {
  if (credentials.type !== 'service_account' && credentials.type !== 'external_account') {
    throw new ProviderError('permanent', `${providerName}: credentials must be a service_account key or an external_account config`);
  }
  let auth: Promise<Auth> | undefined;
  const authOnce = () =>
    (auth ??= library().then(
      ({ GoogleAuth, gaxios }) => new GoogleAuth({ credentials, scopes: [CLOUD_PLATFORM_SCOPE], clientOptions: { transporter: transporterFor(gaxios, credentials.token_uri) } }),
    ));
  return async () => {
    try {
      const client = await (await authOnce()).getClient();
      const { token } = await client.getAccessToken();
      if (!token) throw new Error('the token endpoint returned no access_token');
      return token;
    } catch (error) {
      throw tokenError(providerName, error);
    }
  };
};
