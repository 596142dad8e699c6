// Billing in local mode: the Stripe fake (reached by the real `stripe` client, sending signed
// webhooks back to the API's /v1/webhooks/stripe) and the USDC chain fakes (Solana and Base
// JSON-RPC), wired into the money options `npm start` runs with. Nothing here leaves 127.0.0.1.
import { randomBytes } from 'node:crypto';
import type { MoneyOptions } from '../billing/compose.js';
import { startBaseFake } from '../market/money/base-rpc-fake.js';
import { randomSolanaAddress, startSolanaFake } from '../market/money/solana-rpc-fake.js';
import { StripeFake } from '../market/money/stripe-fake.js';
import { STRIPE_WEBHOOK_PATH } from '../api/routes/stripe-webhook.js';

/** The local treasury on Base: USDC sent here (through the Base fake) tops up a prepaid tenant. */
export const LOCAL_BASE_TREASURY = '0x5e1f0c0ffee00000000000000000000000005e1f';
export const LOCAL_STRIPE_KEY = 'sk_test_switchyard_local';

export interface LocalBillingInfo {
  stripeUrl: string;
  stripeKey: string;
  baseRpcUrl: string;
  baseTreasury: string;
  solanaRpcUrl: string;
  solanaTreasury: string;
}

export interface LocalBillingFakes {
  money: MoneyOptions;
  info: LocalBillingInfo;
  stripe: StripeFake;
  /** Point the Stripe fake's webhooks at the API once it listens. */
  connect(apiUrl: string): void;
  stop(): Promise<void>;
}

export const startLocalBillingFakes = async (): Promise<LocalBillingFakes> => {
  const webhookSecret = `whsec_local_${randomBytes(16).toString('hex')}`;
  const stripe = await new StripeFake(LOCAL_STRIPE_KEY).start();
  const [base, solana] = await Promise.all([startBaseFake(), startSolanaFake()]);
  const solanaTreasury = randomSolanaAddress();
  const info: LocalBillingInfo = {
    stripeUrl: `http://127.0.0.1:${stripe.port}`,
    stripeKey: LOCAL_STRIPE_KEY,
    baseRpcUrl: base.url,
    baseTreasury: LOCAL_BASE_TREASURY,
    solanaRpcUrl: solana.url,
    solanaTreasury,
  };
  return {
    money: {
      stripe: { apiKey: LOCAL_STRIPE_KEY, host: '127.0.0.1', port: stripe.port, protocol: 'http', webhookSecret },
      // One confirmation: the Base fake mines each transaction into its own block at once.
      usdc: { base: { rpcUrl: base.url, treasury: LOCAL_BASE_TREASURY, confirmations: 1 }, solana: { rpcUrl: solana.url, treasury: solanaTreasury } },
    },
    info,
    stripe,
    connect: (apiUrl) => {
      stripe.webhookEndpoint = { url: `${apiUrl}${STRIPE_WEBHOOK_PATH}`, secret: webhookSecret };
    },
    stop: async () => {
      await stripe.stop();
      await Promise.all([base.stop(), solana.stop()]);
    },
  };
};
