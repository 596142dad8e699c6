// Tenant secrets: sealed storage, resolution for the agent and the dispatcher, log redaction.
export { SecretCipher, type KeyWrapper, type SealedSecret, type SecretContext } from './envelope.js';
export { LocalKeyWrapper, loadOrCreateLocalKey, LOCAL_KEY_FILE } from './local-key.js';
export { MissingSecretsError, SecretLimitError, SecretsService, type SecretInfo, type SecretStore, type StoredSecret } from './secrets-service.js';
export { parseRegistryCredentials, InvalidRegistryCredentialsError, type RegistryCredentials } from './registry-credentials.js';
export { redactor, REDACTED } from './redact.js';
