// The account 360's health strip: open cases (and how many broke their
// SLA), last contact, won revenue and open pipeline per currency, the next
// deal to close and the next renewal (issue 5). Counts and dates from GET
// /accounts/{id}/health; money from
// the opportunities aggregate grouped by currency, so currencies never mix.
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { AggregateRow } from '../api/types';
import { Link } from 'react-router';
import { formatDate, formatMoney, formatRelative } from '../lib/format';
import { formatAmounts, totalsByGroup, type CurrencyAmount } from '../lib/totals';

export interface AccountHealthData {
  account_id: string;
  open_cases: number;
  breached_cases: number;
  /** Per currency: amounts in different currencies are never added up. */
  won_revenue: Array<{ currency: string | null; amount: number }>;
  open_pipeline: Array<{ currency: string | null; amount: number }>;
  next_close_date: string | null;
  last_contact_at: string | null;
  /** The won contract that ends next, and its renewal deal once created (issue 5). */
  next_renewal: {
    date: string;
    amount: number | null;
    currency: string | null;
    opportunity_id: string;
    renewal_opportunity_id: string | null;
  } | null;
}

function useByCurrency(accountId: string, kind: 'won' | 'open') {
  return useQuery({
    queryKey: ['aggregate', 'opportunities', 'account-money', accountId, kind],
    retry: false,
    queryFn: async ({ signal }) => {
      const filters =
        kind === 'won'
          ? [`account_id:eq:${accountId}`, 'closed_at:is_null:false', 'probability:gte:100']
          : [`account_id:eq:${accountId}`, 'closed_at:is_null:true'];
      const r = await api.get<{ data: AggregateRow[] }>(
        '/opportunities/aggregate',
        [['group_by', 'currency'], ['sum', 'amount'], ...filters.map((f): [string, string] => ['filter', f])],
        signal,
      );
      // Each row is one currency: one group with one amount per currency.
      const t = totalsByGroup(r.data.map((row) => ({ currency: row.key ?? 'EUR', rows: [{ ...row, key: 'all' }] })));
      return t.get('all')?.amounts ?? ([] as CurrencyAmount[]);
    },
  });
}

export function AccountHealth({ accountId }: { accountId: string }) {
  const health = useQuery({
    queryKey: ['account-health', accountId],
    retry: false,
    queryFn: ({ signal }) => api.get<AccountHealthData>(`/accounts/${accountId}/health`, undefined, signal),
  });
  const won = useByCurrency(accountId, 'won');
  const open = useByCurrency(accountId, 'open');
  const h = health.data;
  const money = (q: typeof won) => (q.data ? (q.data.length ? formatAmounts(q.data, 'sum', false) : '—') : q.isError ? 'n/a' : '…');
  const lastContactDays = h?.last_contact_at ? (Date.now() - Date.parse(h.last_contact_at)) / 86400e3 : null;
  return (
    <section className="card health" aria-label="Account health" data-testid="account-health">
      {health.isError ? (
        <p className="field-error">{errorMessage(health.error)}</p>
      ) : (
        <dl className="health-grid">
          <div className={h && h.breached_cases > 0 ? 'bad' : h && h.open_cases > 0 ? 'warn' : ''}>
            <dt>Open cases</dt>
            <dd>
              {h ? h.open_cases : '…'}
              {h && h.breached_cases > 0 && <span className="health-note"> · {h.breached_cases} breached SLA</span>}
            </dd>
          </div>
          <div className={lastContactDays !== null && lastContactDays > 30 ? 'warn' : ''}>
            <dt>Last contact</dt>
            <dd title={h?.last_contact_at ?? undefined}>{h ? (h.last_contact_at ? formatRelative(h.last_contact_at) : 'Never') : '…'}</dd>
          </div>
          <div>
            <dt>Won revenue</dt>
            <dd>{money(won)}</dd>
          </div>
          <div>
            <dt>Open pipeline</dt>
            <dd>{money(open)}</dd>
          </div>
          <div>
            <dt>Next close</dt>
            <dd>{h ? (h.next_close_date ? formatDate(h.next_close_date) : 'None planned') : '…'}</dd>
          </div>
          <div data-testid="next-renewal">
            <dt>Next renewal</dt>
            <dd>
              {h ? (
                h.next_renewal ? (
                  <Link to={`/opportunities/${h.next_renewal.renewal_opportunity_id ?? h.next_renewal.opportunity_id}`}>
                    {formatDate(h.next_renewal.date)}
                    {h.next_renewal.amount != null ? ` · ${formatMoney(h.next_renewal.amount, h.next_renewal.currency)}` : ''}
                  </Link>
                ) : (
                  'None'
                )
              ) : (
                '…'
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
