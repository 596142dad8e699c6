// What a GCP Batch provider needs to get access tokens, without the library that gets them
// (google-auth-library, ~280 KB with its HTTP stack): the provider takes a token-source
// factory, and only the code that really calls the Batch API (../cloud-adapters.ts) imports
// ./token.ts's googleTokenSource.

/** A service-account key or an external-account (workload identity) config, as Google issues it. */
export type GoogleCredentials = Record<string, unknown> & { type?: string; token_uri?: string };

/** Builds a provider's access-token source from its credentials. */
export type GoogleTokenSourceFactory = (providerName: string, credentials: GoogleCredentials) => () => Promise<string>;
