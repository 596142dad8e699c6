// Money configuration of a deployed stack, from the Lambda environment. Secrets (the
// Stripe API key and webhook signing secret) are read from Secrets Manager at run time
// through the given reader (Powertools, cached), never from plain environment variables.
import type { MoneyOptions } from './compose.js';
import type { PayoutTargets } from '../payments/payout-batch.js';

export interface StripeSecret {
  apiKey: string;
  webhookSecret: string;
}

export type SecretReader = (arn: string) => Promise<unknown>;

const stripeSecretOf = async (read: SecretReader, arn: string): Promise<StripeSecret> => {
  const value = (await read(arn)) as Partial<StripeSecret> | undefined;
  if (!value?.apiKey || !value.webhookSecret) throw new Error('the Stripe secret must be JSON {"apiKey": "sk_…", "webhookSecret": "whsec_…"}');
  return { apiKey: value.apiKey, webhookSecret: value.webhookSecret };
};

/**
 * MoneyOptions for the API and reconciler. The API only verifies webhook signatures, which
 * needs the signing secret but not the API key, so the key is not loaded there.
 */
export const moneyOptionsFromEnvironment = (env: NodeJS.ProcessEnv, read: SecretReader): MoneyOptions => {
  const arn = env.STRIPE_SECRET_ARN;
  return {
    ...(env.MARGIN_BPS ? { pricing: { defaultMarginBps: Number(env.MARGIN_BPS) } } : {}),
    ...(arn ? { stripe: { apiKey: 'sk_not_loaded_in_this_function', webhookSecret: async () => (await stripeSecretOf(read, arn)).webhookSecret } } : {}),
    usdc: {
      ...(env.USDC_SOLANA_RPC_URL && env.USDC_SOLANA_TREASURY ? { solana: { rpcUrl: env.USDC_SOLANA_RPC_URL, treasury: env.USDC_SOLANA_TREASURY } } : {}),
      ...(env.USDC_BASE_RPC_URL && env.USDC_BASE_TREASURY
        ? { base: { rpcUrl: env.USDC_BASE_RPC_URL, treasury: env.USDC_BASE_TREASURY, ...(env.USDC_BASE_CONFIRMATIONS ? { confirmations: Number(env.USDC_BASE_CONFIRMATIONS) } : {}) } }
        : {}),
    },
    ...(env.USDC_PAYOUTS ? { payouts: JSON.parse(env.USDC_PAYOUTS) as PayoutTargets } : {}),
  };
};

/** MoneyOptions for the billing run: the same, with the real Stripe API key loaded. */
export const billingOptionsFromEnvironment = async (env: NodeJS.ProcessEnv, read: SecretReader): Promise<MoneyOptions> => {
  const arn = env.STRIPE_SECRET_ARN;
  if (!arn) throw new Error('STRIPE_SECRET_ARN is not set: the billing run needs Stripe');
  const secret = await stripeSecretOf(read, arn);
  return { ...moneyOptionsFromEnvironment(env, read), stripe: { apiKey: secret.apiKey, webhookSecret: secret.webhookSecret } };
};
