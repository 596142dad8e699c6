// One money convention in responses: integer micro-dollars under a `…MicroUsd` name. Stripe
// and the invoice records count in cents; this turns every `xCents` field of a view into
// `xMicroUsd` (× 10,000), at any depth, so no route shows a second unit.
const CENTS = /Cents$/;

export const centsToMicroUsd = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(centsToMicroUsd) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) =>
      CENTS.test(key) && typeof v === 'number' ? [key.replace(CENTS, 'MicroUsd'), v * 10_000] : [key, centsToMicroUsd(v)],
    ),
  ) as T;
};
