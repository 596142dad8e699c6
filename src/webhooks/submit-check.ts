// The submit-time check of a job's webhookUrl: refused with a 400 naming the field when
// it is not https (outside local mode) or resolves to a forbidden address.
import type { FieldError } from '../api/problem.js';
import { STRICT_POLICY, type WebhookPolicy } from './address-policy.js';
import { checkWebhookUrl, systemResolver, type Resolver } from './url-guard.js';

export const webhookUrlError = async (
  url: string | undefined,
  policy: WebhookPolicy = STRICT_POLICY,
  resolve: Resolver = systemResolver,
): Promise<FieldError | undefined> => {
  if (url === undefined) return undefined;
  const check = await checkWebhookUrl(url, policy, resolve);
  return check.ok ? undefined : { field: 'webhookUrl', pointer: '/webhookUrl', detail: `webhookUrl ${check.reason}` };
};
