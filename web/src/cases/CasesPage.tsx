// The service queue: open cases with their SLA countdowns, the most urgent
// first. Cases awaiting a first response count down to first_response_due,
// answered ones to resolution_due; the two lists come sorted from the server
// (both fields are indexed) and are merged here by the due time that matters.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useFields, useRecordList, fieldMap } from '../api/hooks';
import { errorMessage } from '../api/client';
import { useMe } from '../auth/AuthContext';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { currentDue, mergeByDue } from '../lib/sla';
import { recordPath } from '../lib/objects';
import { NewRecordDialog } from '../records/NewRecordDialog';
import { SlaBadge } from './SlaBadge';

export function CasesPage() {
  const me = useMe();
  const fields = useFields('cases');
  const fmap = useMemo(() => fieldMap(fields), [fields]);
  const [params, setParams] = useSearchParams();
  const mine = params.get('owner') === 'me';
  const [adding, setAdding] = useState(false);
  const owner = mine ? [`owner_id:eq:${me.id}`] : [];
  const awaiting = useRecordList({ object: 'cases', filters: ['status:eq:new', ...owner], sort: 'first_response_due', limit: 50 }, fields.length > 0);
  const answered = useRecordList({ object: 'cases', filters: ['status:in:open,pending', ...owner], sort: 'resolution_due', limit: 50 }, fields.length > 0);
  const a = awaiting.data?.pages.flatMap((p) => p.data) ?? [];
  const b = answered.data?.pages.flatMap((p) => p.data) ?? [];
  const merged = mergeByDue(a, Boolean(awaiting.hasNextPage), b, Boolean(answered.hasNextPage), (c) => currentDue(c)?.due ?? null);
  const loading = awaiting.isLoading || answered.isLoading || fields.length === 0;
  const error = awaiting.error ?? answered.error;
  const more = awaiting.hasNextPage || answered.hasNextPage;
  const cols = ['account_id', 'priority', 'status', 'owner_id'].map((n) => fmap.get(n));

  return (
    <div className="page list-page cases-page">
      <div className="page-head">
        <h1>Cases</h1>
        <div className="segmented" role="group" aria-label="Whose cases">
          <button className={!mine ? 'active' : ''} aria-pressed={!mine} onClick={() => setParams({}, { replace: true })}>
            All open
          </button>
          <button className={mine ? 'active' : ''} aria-pressed={mine} onClick={() => setParams({ owner: 'me' }, { replace: true })}>
            Mine
          </button>
        </div>
        <div className="page-actions">
          <Link className="btn" to="/cases/all">
            All cases
          </Link>
          <button className="btn primary" onClick={() => setAdding(true)}>
            <Icon name="plus" size={16} /> New <span className="hide-narrow">case</span>
          </button>
        </div>
      </div>
      <p className="muted small">Open cases, the nearest due first: the first response while a case is new, then its resolution.</p>
      {error ? (
        <div className="error-box" role="alert">
          {errorMessage(error)}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact sla-table" aria-label="Open cases by due time" aria-busy={loading}>
            <thead>
              <tr>
                <th className="first">Subject</th>
                <th>Due</th>
                {cols.map((f, i) => (
                  <th key={i}>{f?.label ?? ''}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {loading &&
                Array.from({ length: 6 }, (_, i) => (
                  <tr key={`sk-${i}`} className="skeleton-row" aria-hidden="true">
                    <td className="first">
                      <span className="skeleton" />
                    </td>
                    {Array.from({ length: 5 }, (_, j) => (
                      <td key={j}>
                        <span className="skeleton" />
                      </td>
                    ))}
                  </tr>
                ))}
              {!loading &&
                merged.items.map((c) => (
                  <tr key={c.id} data-testid="case-row">
                    <td className="first">
                      <Link to={recordPath('cases', c.id)} className="row-link">
                        {String(c.subject ?? 'Case')}
                      </Link>
                    </td>
                    <td data-label="Due">
                      <SlaBadge record={c} />
                    </td>
                    {cols.map((f, i) => (
                      <td key={i} data-label={f?.label}>
                        <FieldValue field={f} value={f ? c[f.name] : undefined} record={c} />
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
          {!loading && merged.items.length === 0 && !more && (
            <div className="empty-state">
              <p>No open cases{mine ? ' of yours' : ''}. </p>
            </div>
          )}
          <div className="list-foot">
            {more ? (
              <button
                className="btn"
                disabled={awaiting.isFetchingNextPage || answered.isFetchingNextPage}
                onClick={() => {
                  if (awaiting.hasNextPage) void awaiting.fetchNextPage();
                  if (answered.hasNextPage) void answered.fetchNextPage();
                }}
              >
                Load more
              </button>
            ) : merged.items.length > 0 ? (
              <span className="muted small">
                {merged.items.length} open {merged.items.length === 1 ? 'case' : 'cases'}
              </span>
            ) : null}
          </div>
        </div>
      )}
      <NewRecordDialog object="cases" open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
