// The paths the payments function serves (groups ./stripe.ts and ./usdc.ts). No imports, so
// the CDK app can route them to that function (infra/stack.ts) without loading the routes;
// test/api/app-composition.test.ts checks the list against what the groups register.
export const PAYMENT_PATHS = ['/v1/webhooks/stripe', '/v1/payments/usdc', '/v1/admin/billing/payouts/usdc'] as const;
