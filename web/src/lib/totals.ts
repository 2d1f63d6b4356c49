// Money totals that never add one currency to another: a column of the
// board (or an account's revenue) is a list of amounts, one per currency.
import { formatCompactMoney, formatMoney } from './format';

export interface CurrencyAmount {
  currency: string;
  sum: number;
  weighted: number;
  count: number;
}

export interface GroupTotals {
  count: number;
  /** One entry per currency, the largest amount first. */
  amounts: CurrencyAmount[];
}

/** One aggregate answer (rows keyed by group) per currency -> totals per group. */
export function totalsByGroup(
  perCurrency: Array<{ currency: string; rows: Array<{ key: string | null; count: number; sum: number | null; weighted_sum?: number | null }> }>,
): Map<string, GroupTotals> {
  const out = new Map<string, GroupTotals>();
  for (const { currency, rows } of perCurrency) {
    for (const r of rows) {
      const k = r.key ?? '';
      const g = out.get(k) ?? { count: 0, amounts: [] };
      g.count += r.count;
      g.amounts.push({ currency, sum: r.sum ?? 0, weighted: r.weighted_sum ?? 0, count: r.count });
      out.set(k, g);
    }
  }
  for (const g of out.values()) g.amounts.sort((a, b) => b.sum - a.sum || a.currency.localeCompare(b.currency));
  return out;
}

/** Sums records locally (a fully loaded column), per currency. */
export function sumRecords(
  records: Array<Record<string, unknown>>,
  defaultCurrency = 'EUR',
): GroupTotals {
  const by = new Map<string, CurrencyAmount>();
  for (const r of records) {
    const cur = typeof r.currency === 'string' && r.currency ? r.currency : defaultCurrency;
    const amount = Number(r.amount) || 0;
    const a = by.get(cur) ?? { currency: cur, sum: 0, weighted: 0, count: 0 };
    a.sum += amount;
    a.weighted += (amount * (Number(r.probability) || 0)) / 100;
    a.count += 1;
    by.set(cur, a);
  }
  return { count: records.length, amounts: [...by.values()].sort((a, b) => b.sum - a.sum || a.currency.localeCompare(b.currency)) };
}

/** "€12K · $8.5K" (compact) or "€12,000 · $8,500"; "—" when there is nothing. */
export function formatAmounts(amounts: CurrencyAmount[], which: 'sum' | 'weighted', compact = true): string {
  const shown = amounts.filter((a) => a.count > 0 || a[which] !== 0);
  if (shown.length === 0) return compact ? formatCompactMoney(0, 'EUR') : formatMoney(0, 'EUR');
  return shown.map((a) => (compact ? formatCompactMoney(a[which], a.currency) : formatMoney(a[which], a.currency))).join(' · ');
}
