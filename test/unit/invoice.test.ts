import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors';
import {
  addDays,
  creditAmounts,
  documentLabel,
  invoiceDueDate,
  invoiceOutcome,
  MAX_VAT_BASIS_POINTS,
  VAT_MODES,
  vatBreakdown,
  type InvoicedTerms,
} from '../../src/domain/invoice';
import { MAX_AMOUNT_MINOR } from '../../src/domain/money';

const gross = fc.integer({ min: 0, max: MAX_AMOUNT_MINOR });
const rate = fc.integer({ min: 0, max: MAX_VAT_BASIS_POINTS });

describe('vatBreakdown', () => {
  it('takes the milestone amount as the gross: 19 % of €119.00 is €19.00 on €100.00', () => {
    expect(vatBreakdown(11_900, { mode: 'standard', rateBp: 1900 })).toEqual({
      mode: 'standard',
      rateBp: 1900,
      netMinor: 10_000,
      taxMinor: 1_900,
      grossMinor: 11_900,
    });
  });

  it('rounds the net to the nearest minor unit, halves up', () => {
    // 100 / 1.19 = 84.03… → 84 net, 16 tax
    expect(vatBreakdown(100, { mode: 'standard', rateBp: 1900 })).toMatchObject({
      netMinor: 84,
      taxMinor: 16,
    });
    // 3 / 1.2 = 2.5 exactly → 3 (half up), tax 0
    expect(vatBreakdown(3, { mode: 'standard', rateBp: 2000 })).toMatchObject({
      netMinor: 3,
      taxMinor: 0,
    });
    // 1 / 2 = 0.5 → 1
    expect(vatBreakdown(1, { mode: 'standard', rateBp: 10_000 })).toMatchObject({
      netMinor: 1,
      taxMinor: 0,
    });
  });

  it('reverse charge and small business carry no VAT, whatever rate the project holds', () => {
    for (const mode of ['reverse_charge', 'small_business'] as const) {
      expect(vatBreakdown(11_900, { mode, rateBp: 1900 })).toEqual({
        mode,
        rateBp: 0,
        netMinor: 11_900,
        taxMinor: 0,
        grossMinor: 11_900,
      });
    }
  });

  it('refuses rates outside 0–10000 basis points and fractional or negative amounts', () => {
    for (const rateBp of [-1, 10_001, 19.5, Number.NaN]) {
      expect(() => vatBreakdown(100, { mode: 'standard', rateBp })).toThrow(AppError);
    }
    for (const amount of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => vatBreakdown(amount, { mode: 'standard', rateBp: 0 })).toThrow(AppError);
    }
  });

  it('net + tax = gross, both non-negative, tax within one minor unit of net × rate', () => {
    fc.assert(
      fc.property(gross, rate, fc.constantFrom(...VAT_MODES), (g, r, mode) => {
        const b = vatBreakdown(g, { mode, rateBp: r });
        expect(b.netMinor + b.taxMinor).toBe(g);
        expect(b.grossMinor).toBe(g);
        expect(b.netMinor).toBeGreaterThanOrEqual(0);
        expect(b.taxMinor).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(b.netMinor)).toBe(true);
        if (mode !== 'standard') {
          expect(b.taxMinor).toBe(0);
          return;
        }
        // |tax − net·r/10000| ≤ (10000 + r)/20000 ≤ 1, in exact integers.
        const error = BigInt(b.taxMinor) * 10_000n - BigInt(b.netMinor) * BigInt(r);
        const abs = error < 0n ? -error : error;
        expect(abs * 2n <= BigInt(10_000 + r)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('the net is the nearest to gross / (1 + rate): no other integer is closer', () => {
    fc.assert(
      fc.property(gross, rate, (g, r) => {
        const { netMinor } = vatBreakdown(g, { mode: 'standard', rateBp: r });
        const d = BigInt(10_000 + r);
        const exact2 = 2n * BigInt(g) * 10_000n; // 2·exact·d
        const off = (n: bigint) => {
          const e = 2n * n * d - exact2;
          return e < 0n ? -e : e;
        };
        const n = BigInt(netMinor);
        expect(off(n) <= off(n - 1n)).toBe(true);
        expect(off(n) <= off(n + 1n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('more gross never means less net or less tax (monotone)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_MINOR - 1 }), rate, (g, r) => {
        const a = vatBreakdown(g, { mode: 'standard', rateBp: r });
        const b = vatBreakdown(g + 1, { mode: 'standard', rateBp: r });
        expect(b.netMinor).toBeGreaterThanOrEqual(a.netMinor);
        expect(b.netMinor - a.netMinor).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a credit note negates every amount, and the two add up to nothing', () => {
    fc.assert(
      fc.property(gross, rate, (g, r) => {
        const invoice = vatBreakdown(g, { mode: 'standard', rateBp: r });
        const credit = creditAmounts(invoice);
        expect(invoice.netMinor + credit.netMinor).toBe(0);
        expect(invoice.taxMinor + credit.taxMinor).toBe(0);
        expect(invoice.grossMinor + credit.grossMinor).toBe(0);
        expect(Object.is(credit.grossMinor, -0)).toBe(false);
      }),
    );
  });
});

describe('document numbers', () => {
  it('labels each series by year, padded to four digits', () => {
    expect(documentLabel('invoice', 2026, 1)).toBe('INV-2026-0001');
    expect(documentLabel('credit_note', 2026, 12)).toBe('CN-2026-0012');
    expect(documentLabel('invoice', 2027, 12_345)).toBe('INV-2027-12345');
  });

  it('labels are distinct for distinct (series, year, number)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('invoice' as const, 'credit_note' as const),
        fc.integer({ min: 2000, max: 9999 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (series, year, a, b) => {
          fc.pre(a !== b);
          expect(documentLabel(series, year, a)).not.toBe(documentLabel(series, year, b));
        },
      ),
    );
  });
});

describe('due date', () => {
  it('is the delivery plus the payment terms, across months and leap days', () => {
    expect(addDays('2026-01-25', 14)).toBe('2026-02-08');
    expect(addDays('2028-02-20', 10)).toBe('2028-03-01');
    expect(addDays('2026-12-31', 0)).toBe('2026-12-31');
    expect(
      invoiceDueDate({ issuedOn: '2026-03-01', deliveredOn: '2026-03-01', termsDays: 14 }),
    ).toBe('2026-03-15');
  });

  it('an invoice issued before delivery counts from its issue, one issued later from delivery', () => {
    expect(invoiceDueDate({ issuedOn: '2026-03-01', deliveredOn: null, termsDays: 30 })).toBe(
      '2026-03-31',
    );
    expect(
      invoiceDueDate({ issuedOn: '2026-03-10', deliveredOn: '2026-03-01', termsDays: 7 }),
    ).toBe('2026-03-17');
  });
});

describe('invoiceOutcome (invoices are never edited)', () => {
  const terms: InvoicedTerms = {
    title: 'Logo',
    amountMinor: 11_900,
    currency: 'EUR',
    vat: { mode: 'standard', rateBp: 1900 },
  };

  it('keeps the invoice when nothing it states changed', () => {
    expect(invoiceOutcome(terms, { type: 'milestone_changed', now: { ...terms } })).toBe('keep');
    // A rate the mode ignores is not a change.
    const rc = { ...terms, vat: { mode: 'reverse_charge' as const, rateBp: 0 } };
    expect(
      invoiceOutcome(rc, {
        type: 'milestone_changed',
        now: { ...rc, vat: { mode: 'reverse_charge', rateBp: 1900 } },
      }),
    ).toBe('keep');
  });

  it('cancels and reissues when amount, title, currency or VAT changed', () => {
    for (const now of [
      { ...terms, amountMinor: 12_000 },
      { ...terms, title: 'Logo v2' },
      { ...terms, currency: 'USD' },
      { ...terms, vat: { mode: 'standard' as const, rateBp: 700 } },
      { ...terms, vat: { mode: 'small_business' as const, rateBp: 1900 } },
    ]) {
      expect(invoiceOutcome(terms, { type: 'milestone_changed', now })).toBe('cancel_and_reissue');
    }
  });

  it('cancels without a new invoice when the milestone is removed', () => {
    expect(invoiceOutcome(terms, { type: 'milestone_removed' })).toBe('cancel');
  });

  it('the freelancer may cancel, with or without a new invoice', () => {
    expect(invoiceOutcome(terms, { type: 'cancelled_by_freelancer', reissue: false })).toBe(
      'cancel',
    );
    expect(invoiceOutcome(terms, { type: 'cancelled_by_freelancer', reissue: true })).toBe(
      'cancel_and_reissue',
    );
  });
});
