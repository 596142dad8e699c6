import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoiceLines, MAX_INVOICE_ITEMS, totalCents, type Charge } from '../../src/billing/invoice-lines.js';

const charge = (i: number, microUsd: number, day = 1): Charge => ({
  postingId: `settle:job_${i}`,
  jobId: `job_${String(i).padStart(4, '0')}`,
  at: `2026-02-${String(day).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  microUsd,
  description: `Job job_${i}`,
});

describe('invoice lines', () => {
  it('add up to the ledger total rounded once, each line within a cent of its own charge', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 300 }), (amounts) => {
        const charges = amounts.map((a, i) => charge(i, a, 1 + (i % 28)));
        const lines = invoiceLines(charges);
        const exact = amounts.reduce((s, a) => s + a, 0);
        expect(totalCents(lines)).toBe(Math.floor(exact / 10_000) + (exact % 10_000 >= 5_000 ? 1 : 0));
        for (const line of lines) expect(Math.abs(line.cents * 10_000 - line.microUsd)).toBeLessThan(10_000);
        expect(lines.length).toBeLessThanOrEqual(MAX_INVOICE_ITEMS);
      }),
    );
  });

  it('makes three half-cent jobs two cents, not three or zero', () => {
    const lines = invoiceLines([charge(1, 5_000), charge(2, 5_000), charge(3, 5_000)]);
    expect(lines.map((l) => l.cents)).toEqual([1, 0, 1]);
  });

  it('has a line per job, or per day beyond 250 jobs', () => {
    expect(invoiceLines([charge(1, 10_000), charge(2, 20_000)]).map((l) => l.key)).toEqual(['job_0001', 'job_0002']);
    const many = Array.from({ length: 260 }, (_, i) => charge(i, 10_000, 1 + (i % 3)));
    const lines = invoiceLines(many);
    expect(lines.map((l) => l.key)).toEqual(['2026-02-01', '2026-02-02', '2026-02-03']);
    expect(lines.reduce((s, l) => s + l.jobIds.length, 0)).toBe(260);
    expect(totalCents(lines)).toBe(260);
  });
});
