// @switchyard/client: the typed client, its helpers and errors. The CLI is ./cli.
export { createSwitchyard, DEFAULT_URL, isTerminal, TERMINAL_STATUSES } from './client.js';
export type { Job, JobEvent, JobSpec, JobStatus, LogPage, LogPiece, Switchyard, SwitchyardOptions, WaitOptions } from './client.js';
export { errorFromResponse, SwitchyardError } from './errors.js';
export type { FieldError, ProblemBody } from './errors.js';
export { readSse } from './sse.js';
export type { SseMessage } from './sse.js';
export { verifyWebhook, SIGNATURE_HEADER, WEBHOOK_EVENT_TYPES } from './webhook.js';
export type { VerifyWebhookOptions, VerifyWebhookResult, WebhookEvent, WebhookEventType } from './webhook.js';
export type { components, operations, paths } from './generated/api.js';
