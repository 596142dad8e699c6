// Turns what the AWS SDK throws into a ProviderError the core can act on.
// AWS Batch documents only ClientException (400) and ServerException (500) per
// operation (https://docs.aws.amazon.com/batch/latest/APIReference/CommonErrors.html
// adds the common ones: AccessDeniedException, UnrecognizedClientException,
// InvalidSignatureException, ExpiredTokenException, ThrottlingException). The SDK names
// each error after the `x-amzn-ErrorType` header (or the body's `__type`).
import { ProviderError } from '../../core/provider.js';

const AUTH_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

const THROTTLE_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const retryAfterOf = (err: SdkErrorShape): number | undefined => {
  const raw = err.$response?.headers?.['retry-after'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
};

export const classifyAwsError = (err: unknown, operation: string): ProviderError => {
  if (err instanceof ProviderError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = `aws-batch ${operation}: ${name}: ${e.message ?? String(err)}`;
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) return new ProviderError('auth', message);
  if (THROTTLE_ERRORS.has(name) || status === 429) return new ProviderError('transient', message, retryAfterOf(e));
  if (name === 'ServerException' || (status !== undefined && status >= 500)) {
    return new ProviderError('transient', message, retryAfterOf(e));
  }
  // No HTTP status at all: the request never got an answer (refused, reset, timed out).
  if (status === undefined) return new ProviderError('transient', message);
  return new ProviderError('permanent', message);
};
