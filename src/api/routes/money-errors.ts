// Money errors as problem+json: 402 for "you cannot spend this" (budget, balance,
// overdue), the payment rejection's own status for USDC deposits, 400 for a bad webhook
// signature. Returns undefined for errors that are not about money.
import type { Context } from 'hono';
import { InvalidCursorError } from '../../adapters/dynamodb/cursor.js';
import { WebhookSignatureError } from '../../billing/stripe-webhooks.js';
import { PaymentRejectedError, PaymentRequiredError } from '../../money/errors.js';
import { problem, validationProblem } from '../problem.js';

export const moneyErrorResponse = (error: unknown, c: Context): Response | undefined => {
  if (error instanceof PaymentRequiredError) return problem(c, 402, error.slug, error.title, error.message, error.extra);
  if (error instanceof PaymentRejectedError) return problem(c, error.status, `usdc-${error.slug}`, error.title, error.message, error.extra);
  if (error instanceof WebhookSignatureError) return problem(c, 400, 'webhook-signature', 'Invalid signature', `The Stripe-Signature header does not verify: ${error.message}`);
  if (error instanceof InvalidCursorError) return validationProblem(c, [{ field: 'cursor', pointer: '/cursor', detail: error.message }], 'query string');
  return undefined;
};
