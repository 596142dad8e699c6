import { generateApiKey, keyRecordFrom, SCOPES } from '../core/api-keys.js';
import type { TenantStore } from '../core/ports.js';

export class InvalidApiKeyFormatError extends Error {
  constructor(variable = 'SWITCHYARD_API_KEY') {
    super(`${variable} must look like sy_live_<16 lowercase letters or digits>_<43 base64url characters>`);
  }
}

/** Creates a tenant and one API key with every job scope; returns the key in clear, once. */
export const seedTenant = async (
  tenants: TenantStore,
  opts: { tenantId: string; name: string; apiKey?: string; scopes?: string[]; variable?: string },
): Promise<string> => {
  const now = new Date().toISOString();
  let key: string;
  let record: { keyId: string; secretHash: string };
  if (opts.apiKey) {
    const fromEnv = keyRecordFrom(opts.apiKey);
    if (!fromEnv) throw new InvalidApiKeyFormatError(opts.variable);
    key = opts.apiKey;
    record = fromEnv;
  } else {
    const generated = generateApiKey();
    key = generated.key;
    record = generated;
  }
  if (!(await tenants.getTenant(opts.tenantId))) await tenants.putTenant({ id: opts.tenantId, name: opts.name, createdAt: now });
  await tenants.putKey({
    keyId: record.keyId,
    tenantId: opts.tenantId,
    secretHash: record.secretHash,
    scopes: opts.scopes ?? SCOPES.filter((s) => s !== 'admin'),
    createdAt: now,
  });
  return key;
};
