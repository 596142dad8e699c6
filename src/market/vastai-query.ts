// The Vast.ai search-offer query language as documented for POST /api/v0/bundles
// (openapi.yaml searchOffers; also showInstances' select_filters): each field maps to
// {operator: value} with eq, neq, gt, gte, lt, lte, in, notin;
// `limit`, `order` ([[field, "asc"|"desc"]]), `type` and `allocated_storage` are not
// filters. `rented` is dropped server-side per the docs.
const NOT_FILTERS = new Set(['limit', 'order', 'type', 'allocated_storage', 'target_reliability', 'rented']);

type Offer = Record<string, unknown>;

const test = (value: unknown, op: string, arg: unknown): boolean => {
  switch (op) {
    case 'eq':
      return value === arg;
    case 'neq':
      return value !== arg;
    case 'gt':
      return typeof value === 'number' && typeof arg === 'number' && value > arg;
    case 'gte':
      return typeof value === 'number' && typeof arg === 'number' && value >= arg;
    case 'lt':
      return typeof value === 'number' && typeof arg === 'number' && value < arg;
    case 'lte':
      return typeof value === 'number' && typeof arg === 'number' && value <= arg;
    case 'in':
      return Array.isArray(arg) && arg.includes(value);
    case 'notin':
      return Array.isArray(arg) && !arg.includes(value);
    default:
      return true;
  }
};

export const matchesVastQuery = (offer: Offer, query: Record<string, unknown>): boolean => {
  for (const [field, cond] of Object.entries(query)) {
    if (NOT_FILTERS.has(field) || cond === null || typeof cond !== 'object') continue;
    for (const [op, arg] of Object.entries(cond as Record<string, unknown>)) {
      if (!test(offer[field], op, arg)) return false;
    }
  }
  return true;
};

export const orderOffers = (offers: Offer[], order: unknown): Offer[] => {
  const keys = Array.isArray(order) ? (order as unknown[]).filter(Array.isArray) as unknown[][] : [['score', 'desc']];
  return [...offers].sort((a, b) => {
    for (const [field, dir] of keys) {
      const x = Number(a[String(field)] ?? 0);
      const y = Number(b[String(field)] ?? 0);
      if (x !== y) return dir === 'desc' ? y - x : x - y;
    }
    return 0;
  });
};
