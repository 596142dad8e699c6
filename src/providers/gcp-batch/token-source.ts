// What a GCP Batch provider needs to get access tokens, without the library that gets them:
// the provider takes a token-source factory, so a function that only reads the catalogue
// (the api: quotes, GET /v1/providers) is built with `noGoogleTokens` and bundles no
// google-auth-library (~280 KB with its HTTP stack); the dispatch and reconcile functions and
// local mode pass ./token.ts's googleTokenSource.
import { ProviderError } from '../../core/provider.js';

/** A service-account key or an external-account (workload identity) config, as Google issues it. */
export type GoogleCredentials = Record<string, unknown> & { type?: string; token_uri?: string };

/** Builds a provider's access-token source from its credentials. */
export type GoogleTokenSourceFactory = (providerName: string, credentials: GoogleCredentials) => () => Promise<string>;

/** For a process that never calls the Batch API. */
export const noGoogleTokens: GoogleTokenSourceFactory = (providerName) => async () => {
  throw new ProviderError('permanent', `${providerName}: this function reads the GCP Batch catalogue only; the dispatch and reconcile functions call the Batch API`);
};
