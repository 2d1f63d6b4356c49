import { formatAmounts, sumRecords, totalsByGroup } from './totals';

describe('per-currency totals', () => {
  it('keeps currencies apart per group', () => {
    const t = totalsByGroup([
      { currency: 'EUR', rows: [{ key: 's1', count: 2, sum: 12000, weighted_sum: 1200 }, { key: 's2', count: 1, sum: 500, weighted_sum: 250 }] },
      { currency: 'USD', rows: [{ key: 's1', count: 1, sum: 8500, weighted_sum: 850 }] },
    ]);
    expect(t.get('s1')).toEqual({
      count: 3,
      amounts: [
        { currency: 'EUR', sum: 12000, weighted: 1200, count: 2 },
        { currency: 'USD', sum: 8500, weighted: 850, count: 1 },
      ],
    });
    expect(t.get('s2')?.amounts.map((a) => a.currency)).toEqual(['EUR']);
    expect(t.get('s3')).toBeUndefined();
  });

  it('sums loaded records per currency with probability weighting', () => {
    const t = sumRecords([
      { amount: 1000, currency: 'EUR', probability: 50 },
      { amount: 3000, currency: 'USD', probability: 10 },
      { amount: 500, probability: 100 },
      { amount: null, currency: 'USD', probability: 10 },
    ]);
    expect(t.count).toBe(4);
    expect(t.amounts).toEqual([
      { currency: 'USD', sum: 3000, weighted: 300, count: 2 },
      { currency: 'EUR', sum: 1500, weighted: 1000, count: 2 },
    ]);
  });

  it('formats one amount per currency, never a mixed sum', () => {
    const amounts = [
      { currency: 'EUR', sum: 12000, weighted: 6000, count: 2 },
      { currency: 'USD', sum: 8500, weighted: 850, count: 1 },
    ];
    const full = formatAmounts(amounts, 'sum', false);
    expect(full).toMatch(/€\s?12,000/);
    expect(full).toMatch(/\$\s?8,500/);
    expect(full).toContain(' · ');
    expect(full).not.toMatch(/20,500/);
    expect(formatAmounts(amounts, 'weighted', true)).toMatch(/€\s?6K · (US)?\$\s?850/);
    expect(formatAmounts([], 'sum', false)).toMatch(/0/);
  });
});
