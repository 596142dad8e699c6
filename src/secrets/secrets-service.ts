// Tenant secrets: write-only values, stored sealed (./envelope.ts), referenced by name from
// job specs. Values leave this module only through `resolve`, which the agent's secrets
// route and the dispatcher (registry credentials) call; no listing or error carries one.
import type { Clock } from '../core/ports.js';
import type { SealedSecret, SecretCipher } from './envelope.js';
import { parseRegistryCredentials, type RegistryCredentials } from './registry-credentials.js';

/** Secrets one tenant may hold. */
export const MAX_SECRETS_PER_TENANT = 500;

export interface StoredSecret {
  tenantId: string;
  name: string;
  sealed: SealedSecret;
  createdAt: string;
  updatedAt: string;
}

/** What anyone may see of a secret: never its value. */
export interface SecretInfo {
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface SecretStore {
  /** Creates or replaces; keeps the first createdAt. */
  put(secret: StoredSecret): Promise<SecretInfo>;
  get(tenantId: string, name: string): Promise<StoredSecret | undefined>;
  list(tenantId: string): Promise<SecretInfo[]>;
  /** False when there was no such secret. */
  delete(tenantId: string, name: string): Promise<boolean>;
  count(tenantId: string): Promise<number>;
}

/** Names a job refers to that the tenant does not have. */
export class MissingSecretsError extends Error {
  constructor(readonly names: string[]) {
    super(`no secret named ${names.map((n) => `"${n}"`).join(', ')}`);
  }
}

export class SecretLimitError extends Error {
  constructor(readonly limit: number) {
    super(`a tenant may hold at most ${limit} secrets; delete one first`);
  }
}

export class SecretsService {
  constructor(
    private readonly store: SecretStore,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    private readonly maxPerTenant: number,
  ) {}

  async put(tenantId: string, name: string, value: string): Promise<SecretInfo> {
    const existing = await this.store.get(tenantId, name);
    if (!existing && (await this.store.count(tenantId)) >= this.maxPerTenant) throw new SecretLimitError(this.maxPerTenant);
    const now = this.clock.now().toISOString();
    const sealed = await this.cipher.seal(value, { tenantId, name });
    return this.store.put({ tenantId, name, sealed, createdAt: existing?.createdAt ?? now, updatedAt: now });
  }

  list(tenantId: string): Promise<SecretInfo[]> {
    return this.store.list(tenantId);
  }

  delete(tenantId: string, name: string): Promise<boolean> {
    return this.store.delete(tenantId, name);
  }

  /** The names (in order, once each) that the tenant has no secret for. */
  async missing(tenantId: string, names: string[]): Promise<string[]> {
    const unique = [...new Set(names)];
    const found = await Promise.all(unique.map((n) => this.store.get(tenantId, n)));
    return unique.filter((_, i) => !found[i]);
  }

  /** Environment variable → decrypted value; MissingSecretsError if any name is gone. */
  async resolve(tenantId: string, refs: Record<string, string>): Promise<Record<string, string>> {
    const entries = Object.entries(refs);
    const stored = await Promise.all(entries.map(([, name]) => this.store.get(tenantId, name)));
    const gone = entries.filter((_, i) => !stored[i]).map(([, name]) => name);
    if (gone.length > 0) throw new MissingSecretsError([...new Set(gone)]);
    const values = await Promise.all(stored.map((s) => this.cipher.open(s!.sealed, { tenantId, name: s!.name })));
    return Object.fromEntries(entries.map(([env], i) => [env, values[i]!]));
  }

  async value(tenantId: string, name: string): Promise<string> {
    return (await this.resolve(tenantId, { value: name })).value!;
  }
}

/** The dispatcher's view of secrets: a named secret read as registry credentials. */
export const registryLoginFrom =
  (secrets: SecretsService) =>
  async (tenantId: string, name: string): Promise<RegistryCredentials> =>
    parseRegistryCredentials(name, await secrets.value(tenantId, name));
