// One delivery attempt of one event: the URL checked again, the body signed with every
// current secret of the tenant, one POST. Says what happened; the deliverer records it.
import type { WebhookPolicy } from './address-policy.js';
import type { OutboxItem } from './outbox.js';
import { webhookPayload } from './payload.js';
import type { Job } from '../core/job.js';
import { sendWebhook } from './sender.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { checkWebhookUrl, systemResolver, type Resolver } from './url-guard.js';

export type AttemptOutcome = { kind: 'delivered'; status: number } | { kind: 'retry'; error: string } | { kind: 'permanent'; error: string };

export interface AttemptDeps {
  policy: WebhookPolicy;
  resolve?: Resolver;
  timeoutMs: number;
  /** Unix seconds for the signature's t=. */
  timestamp: number;
  secrets: readonly string[];
}

export const attemptDelivery = async (deps: AttemptDeps, item: OutboxItem, snapshot: Job): Promise<AttemptOutcome> => {
  // Checked again at every attempt: DNS may now point somewhere it did not at submit.
  const check = await checkWebhookUrl(item.url, deps.policy, deps.resolve ?? systemResolver);
  if (!check.ok) {
    const resolutionFailed = check.reason.includes('does not resolve');
    return { kind: resolutionFailed ? 'retry' : 'permanent', error: `webhookUrl ${check.reason}` };
  }
  const payload = webhookPayload(item.type, item.event, snapshot);
  const body = JSON.stringify(payload);
  return sendWebhook({
    url: check.url,
    addresses: check.addresses,
    body,
    timeoutMs: deps.timeoutMs,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Switchyard-Webhooks/1.0',
      [EVENT_ID_HEADER]: payload.id,
      [SIGNATURE_HEADER]: signatureHeader(deps.secrets, deps.timestamp, body),
    },
  });
};
