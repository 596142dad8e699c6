// What customers import to check deliveries: the signature helper and the header names.
export { DEFAULT_TOLERANCE_SECONDS, EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from './signature.js';
export type { VerifyOptions, VerifyResult } from './signature.js';
