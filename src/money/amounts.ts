// Money is integer micro-dollars (1 USD = 1_000_000 µUSD) everywhere: ledger entries,
// holds, invoices (converted to cents only at the Stripe boundary) and USDC (6 decimals,
// so one raw USDC unit is exactly one µUSD). The only floats are prices per GPU-hour
// that arrive in job specs and provider catalogs; each is converted once, here.

export const MICRO_PER_USD = 1_000_000;
export const MICRO_PER_CENT = 10_000;
export const SECONDS_PER_HOUR = 3600;

export class MoneyRangeError extends Error {}

/**
 * A USD float (e.g. 1.99 per GPU-hour) to µUSD, rounded half-up at the 6th decimal.
 *
 * Why via the decimal string and not Math.round(x * 1e6): the product is done in binary
 * and can land on the wrong side of .5 (1.0000005 * 1e6 = 1000000.4999999999). JavaScript's
 * Number#toString gives the shortest decimal that round-trips to the same double, which is
 * the number the caller wrote; rounding that decimal string is exact.
 */
export const usdToMicro = (usd: number): number => {
  if (!Number.isFinite(usd) || usd < 0) throw new MoneyRangeError(`not a non-negative finite amount: ${usd}`);
  const [mantissa = '0', exponentText] = usd.toString().split('e');
  const exponent = exponentText ? Number(exponentText) : 0;
  const [intPart = '0', fracPart = ''] = mantissa.split('.');
  // digits × 10^(exponent − fracPart.length) = usd, exactly, as a decimal.
  let digits = BigInt(intPart + fracPart);
  const scale = exponent - fracPart.length + 6; // power of ten to reach µUSD
  let micro: bigint;
  if (scale >= 0) micro = digits * 10n ** BigInt(scale);
  else {
    const divisor = 10n ** BigInt(-scale);
    micro = digits / divisor;
    if ((digits % divisor) * 2n >= divisor) micro += 1n; // half-up
  }
  digits = micro;
  if (digits > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyRangeError(`amount too large: ${usd}`);
  return Number(digits);
};

/** a × b ÷ d with one rounding at the end (half-up, floor or ceiling), in exact integers. */
export const mulDiv = (a: number | bigint, b: number | bigint, d: number | bigint, mode: 'half-up' | 'floor' | 'ceil' = 'half-up'): number => {
  const n = BigInt(a) * BigInt(b);
  const den = BigInt(d);
  if (n < 0n || den <= 0n) throw new MoneyRangeError('mulDiv takes non-negative operands and a positive divisor');
  let q = n / den;
  const r = n % den;
  if (mode === 'ceil' && r > 0n) q += 1n;
  if (mode === 'half-up' && r * 2n >= den) q += 1n;
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyRangeError('amount too large');
  return Number(q);
};

/** µUSD to whole cents, half-up (for display and the Stripe boundary). */
export const microToCents = (micro: number): number =>
  micro >= 0 ? mulDiv(micro, 1, MICRO_PER_CENT) : -mulDiv(-micro, 1, MICRO_PER_CENT);

export const formatUsd = (micro: number): string => {
  const sign = micro < 0 ? '-' : '';
  const abs = Math.abs(micro);
  return `${sign}$${Math.floor(abs / MICRO_PER_USD)}.${String(abs % MICRO_PER_USD).padStart(6, '0')}`;
};

/** The calendar month (UTC) an instant falls in, as YYYY-MM: the unit of budgets and invoices. */
export const monthOf = (iso: string | Date): string => (typeof iso === 'string' ? iso : iso.toISOString()).slice(0, 7);

/** [start, end) of a YYYY-MM month, as ISO instants. */
export const monthRange = (month: string): { from: string; to: string } => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)).toISOString(), to: new Date(Date.UTC(y, m, 1)).toISOString() };
};

export const previousMonth = (now: Date): string => monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
