// A fake Google OAuth 2.0 token endpoint on 127.0.0.1 for the GCP Batch fake: the
// service-account flow of "Using OAuth 2.0 for Server to Server Applications"
// (developers.google.com/identity/protocols/oauth2/service-account): POST /token, form body
// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer & assertion=<JWT signed RS256 with
// the key's private key; iss = client_email, scope, aud = https://oauth2.googleapis.com/token,
// exp within an hour of iat> → {access_token, expires_in, token_type: "Bearer"}; a bad
// assertion → 400 {error: "invalid_grant", error_description}.
// Workload identity federation: POST /v1/token, Google's Security Token Service exchange
// (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token, RFC 8693):
// grant_type=urn:ietf:params:oauth:grant-type:token-exchange, audience (the pool provider),
// subject_token, subject_token_type, requested_token_type, scope → {access_token,
// issued_token_type, token_type, expires_in}; an unknown subject token → 400 invalid_grant.
// It issues a key pair of its own and hands out the matching service-account key JSON, with
// `token_uri` naming this endpoint, and an external_account config whose `token_url` names
// the STS route; the Batch fake accepts only tokens issued here and unexpired. Recorded as
// provider "google-oauth" (not a Batch operation).
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { startFakeServer, type FakeResponse, type RunningFake, type Scenario } from '../shared/index.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const GOOGLE_AUDIENCE = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface GoogleOAuthFake extends RunningFake {
  serviceAccountKey: Record<string, string>;
  /** A workload identity federation config reading its subject token from `file`, which must hold `subjectToken`. */
  externalAccountConfig(file: string): Record<string, unknown>;
  /** The identity token the fake's STS accepts (as if from the pool's identity provider). */
  subjectToken: string;
  /** Every access token issued, with when it expires (wall-clock ms: the client library judges expiry by it). */
  issued: Map<string, number>;
  /** True when the token was issued here and has not expired. */
  accepts(token: string): boolean;
}

const b64json = (part: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const invalidGrant = (description: string): FakeResponse => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });

/** Checks a JWT-bearer assertion as Google's endpoint does; returns why it is refused, or undefined. */
const refusal = (assertion: string, publicKey: KeyObject, clientEmail: string): string | undefined => {
  const [h, p, sig] = assertion.split('.');
  if (!h || !p || !sig) return 'Invalid JWT: malformed';
  const header = b64json(h);
  const claims = b64json(p);
  if (header?.alg !== 'RS256' || !claims) return 'Invalid JWT: unsupported header';
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig, 'base64url'))) return 'Invalid JWT Signature.';
  if (claims.iss !== clientEmail) return 'Invalid JWT: unknown issuer';
  if (claims.aud !== GOOGLE_AUDIENCE) return 'Invalid JWT: Failed audience check.';
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(SCOPE)) return 'Invalid JWT: missing scope';
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp <= now || claims.exp - claims.iat > 3600) {
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
  }
  return undefined;
};

export const startGoogleOAuthFake = async (opts: { scenario: Scenario; project: string; tokenLifetimeSeconds?: number }): Promise<GoogleOAuthFake> => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKey = createPublicKey(privateKey);
  const clientEmail = `switchyard@${opts.project}.iam.gserviceaccount.com`;
  const issued = new Map<string, number>();
  const lifetime = opts.tokenLifetimeSeconds ?? 3600;
  const subjectToken = `subject-${randomBytes(12).toString('hex')}`;
  const audience = `//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/switchyard/providers/aws`;
  const issue = (): string => {
    const token = `ya29.fake-${randomBytes(16).toString('hex')}`;
    issued.set(token, Date.now() + lifetime * 1000);
    return token;
  };
  const formOf = (body: unknown): URLSearchParams =>
    // The fake server parses JSON; a form body arrives as its raw text.
    new URLSearchParams((body as { __invalidJson?: string } | undefined)?.__invalidJson ?? '');

  const server = await startFakeServer({
    provider: 'google-oauth',
    scenario: opts.scenario,
    authenticate: () => undefined,
    errorBody: (_status, message) => ({ error: 'server_error', error_description: message }),
    routes: [
      {
        method: 'POST',
        pattern: '/token',
        public: true,
        handle: (req) => {
          const form = formOf(req.body);
          if (form.get('grant_type') !== JWT_BEARER_GRANT) return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' } };
          if (opts.scenario.authRevoked) return invalidGrant('Invalid grant: account not found');
          const why = refusal(form.get('assertion') ?? '', publicKey, clientEmail);
          if (why) return invalidGrant(why);
          return { status: 200, body: { access_token: issue(), expires_in: lifetime, token_type: 'Bearer' } };
        },
      },
      {
        method: 'POST',
        pattern: '/v1/token',
        public: true,
        handle: (req) => {
          const form = formOf(req.body);
          if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT) return { status: 400, body: { error: 'invalid_request', error_description: 'Invalid grant_type' } };
          if (form.get('audience') !== audience) return { status: 400, body: { error: 'invalid_target', error_description: 'The target service indicated by the "audience" parameters is invalid.' } };
          if (opts.scenario.authRevoked || form.get('subject_token') !== subjectToken) return invalidGrant('The subject token is invalid.');
          return { status: 200, body: { access_token: issue(), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: lifetime } };
        },
      },
    ],
  });
  return {
    ...server,
    issued,
    accepts: (token) => (issued.get(token) ?? 0) > Date.now(),
    subjectToken,
    externalAccountConfig: (file) => ({
      type: 'external_account',
      audience,
      subject_token_type: JWT_TOKEN_TYPE,
      token_url: `${server.url}/v1/token`,
      credential_source: { file },
    }),
    serviceAccountKey: {
      type: 'service_account',
      project_id: opts.project,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(100_000_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE())),
      token_uri: `${server.url}/token`,
    },
  };
};
