// Credentials live in Secrets Manager and are fetched by the handlers at run time (with
// caching); only the secrets' ARNs reach the functions' environment, never their values.
// The stack creates the secrets with placeholder values; operators put the real ones after
// the first deploy (see the README), and later deploys never overwrite them.
import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  stage: string;
}

// Provider and Stripe keys are issued by third parties: Secrets Manager cannot mint new ones,
// so rotation means an operator creating a key at the issuer and putting it here.
const THIRD_PARTY_ROTATION =
  'Holds credentials issued by third parties (GPU providers, Stripe); they are rotated at the issuer and written here by an operator, since no rotation Lambda can create them.';

export class Secrets extends Construct {
  /** One JSON object: { "<provider>": { ...that provider's credentials } }. */
  readonly providers: secretsmanager.Secret;
  /** Stripe API key and webhook signing secret, as a JSON object. */
  readonly stripe: secretsmanager.Secret;
  /** The operator key for the admin API; generated at deploy time, never in the template. */
  readonly adminKey: secretsmanager.Secret;
  /** The secrets' names as plain strings (for outputs and the README's CLI commands). */
  readonly names: { providers: string; stripe: string; adminKey: string };

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const prefix = `switchyard/${props.stage}`;
    this.names = { providers: `${prefix}/providers`, stripe: `${prefix}/stripe`, adminKey: `${prefix}/admin-key` };

    this.providers = new secretsmanager.Secret(this, 'ProviderCredentials', {
      secretName: this.names.providers,
      description: 'Switchyard: credentials of each GPU provider, one JSON object keyed by provider name',
      // An empty object is valid JSON that grants nothing: providers without credentials
      // are reported as disabled until an operator fills the secret in.
      secretObjectValue: {},
    });
    Validations.of(this.providers).acknowledge({ id: 'AwsSolutions-SMG4', reason: THIRD_PARTY_ROTATION });

    this.stripe = new secretsmanager.Secret(this, 'Stripe', {
      secretName: this.names.stripe,
      description: 'Switchyard: Stripe secret API key and webhook signing secret (JSON)',
      secretObjectValue: {},
    });
    Validations.of(this.stripe).acknowledge({ id: 'AwsSolutions-SMG4', reason: THIRD_PARTY_ROTATION });

    this.adminKey = new secretsmanager.Secret(this, 'AdminKey', {
      secretName: this.names.adminKey,
      description: 'Switchyard: operator key for the admin API (tenant and API-key management)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.adminKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The admin key is used by people, not services; it is rotated by an operator (put-secret-value) when staff change, and handlers re-read it after their cache expires.',
    });
  }
}
