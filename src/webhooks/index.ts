// What customers import to check deliveries: the signature helper, the header names, and
// the event types and payload shape.
export { DEFAULT_TOLERANCE_SECONDS, EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from './signature.js';
export type { VerifyOptions, VerifyResult } from './signature.js';
export { WEBHOOK_EVENT_TYPES } from './event-types.js';
export type { WebhookEventType } from './event-types.js';
export type { WebhookPayload } from './payload.js';
