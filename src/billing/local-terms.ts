// The terms `npm start` (and the test system) give the tenant it seeds: a tenant nobody
// configured is prepaid with a zero balance and can spend nothing, so the seeded tenant gets
// explicit invoice terms with a budget, once (a restart with --data keeps what an admin set).
import { SYSTEM_ACTOR, termsAudit, type BillingAccountStore, type BillingConfig } from '../money/billing-account.js';

/** $1,000,000 a month: generous for trying things locally, and still a limit. */
export const LOCAL_TENANT_TERMS: BillingConfig = { mode: 'invoice', monthlyBudgetMicroUsd: 1_000_000_000_000, email: 'billing@local.test', daysUntilDue: 30 };

export const seedLocalTerms = (billing: BillingAccountStore, tenantId: string, at: string): Promise<boolean> =>
  billing.initialize(tenantId, LOCAL_TENANT_TERMS, termsAudit({ tenantId, terms: LOCAL_TENANT_TERMS, at, actor: SYSTEM_ACTOR }));
