// The one place a Stripe client is made. Tests point it at the local fake Stripe with
// host/port/protocol; production uses api.stripe.com. Retries are safe because every
// call Switchyard makes carries its own idempotency key.
import Stripe from 'stripe';

export interface StripeConfig {
  apiKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

export const createStripe = (config: StripeConfig): Stripe =>
  new Stripe(config.apiKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(config.host ? { host: config.host } : {}),
    ...(config.port ? { port: config.port } : {}),
    ...(config.protocol ? { protocol: config.protocol } : {}),
  });

export type { Stripe };
