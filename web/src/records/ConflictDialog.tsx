// Someone else saved the record after the user opened it (412). Shows what
// changed (their values against what the user saw) and the user's own
// edit, and lets them re-apply it on top of the latest version or drop it.
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { fieldMap, useFields } from '../api/hooks';
import type { HistoryEntry, RecordData, Value } from '../api/types';
import { Dialog } from '../components/Dialog';
import { FieldValue } from '../components/FieldValue';
import { RefLink } from '../components/RefLink';
import { sameValue } from '../lib/fieldValue';
import type { Conflict } from './useRecordEditor';

const SYSTEM = new Set(['version', 'updated_at', 'updated_by', 'created_at', 'created_by', 'id']);

export function ConflictDialog({
  object,
  conflict,
  onReapply,
  onDiscard,
}: {
  object: string;
  conflict: Conflict | null;
  onReapply: (latest: RecordData) => void;
  onDiscard: (latest: RecordData) => void;
}) {
  const fields = useFields(object);
  const fmap = fieldMap(fields);
  const latest = useQuery({
    queryKey: ['conflict-latest', object, conflict?.base.id, conflict?.base.version],
    enabled: Boolean(conflict),
    gcTime: 0,
    queryFn: () => api.get<RecordData>(`/${object}/${conflict!.base.id}`),
  });
  const history = useQuery({
    queryKey: ['conflict-history', object, conflict?.base.id, conflict?.base.version],
    enabled: Boolean(conflict),
    gcTime: 0,
    queryFn: () => api.get<{ data: HistoryEntry[] }>(`/${object}/${conflict!.base.id}/history`).then((r) => r.data),
  });
  if (!conflict) return null;
  const l = latest.data;
  const changed = l
    ? Object.keys(l).filter((k) => !SYSTEM.has(k) && !sameValue(l[k] as Value, conflict.base[k] as Value))
    : [];
  const who = history.data
    ?.filter((h) => h.at > conflict.base.updated_at && h.user_id)
    .map((h) => h.user_id!)
    .filter((v, i, a) => a.indexOf(v) === i);
  const mine = Object.keys(conflict.patch);

  return (
    <Dialog open onClose={() => l && onDiscard(l)} title="Someone else changed this record" className="conflict-dialog">
      <div data-testid="conflict-dialog">
        <p>
          {who && who.length > 0 ? (
            <>
              Changed by{' '}
              {who.map((u, i) => (
                <span key={u}>
                  {i > 0 && ', '}
                  <RefLink object="users" id={u} link={false} />
                </span>
              ))}{' '}
            </>
          ) : (
            'Changed '
          )}
          after you opened it (now version {l?.version ?? '…'}, you edited version {conflict.base.version}). Your edit was not saved.
        </p>
        {latest.isError && <p className="field-error">{errorMessage(latest.error)}</p>}
        {l && (
          <table className="diff-table">
            <thead>
              <tr>
                <th>Field</th>
                <th>When you opened it</th>
                <th>Now</th>
                <th>Your edit</th>
              </tr>
            </thead>
            <tbody>
              {[...new Set([...changed, ...mine])].map((k) => {
                const f = fmap.get(k);
                return (
                  <tr key={k} className={mine.includes(k) && changed.includes(k) ? 'clash' : ''}>
                    <th scope="row">{f?.label ?? k}</th>
                    <td>
                      <FieldValue field={f} value={conflict.base[k] as Value} record={conflict.base} />
                    </td>
                    <td className={changed.includes(k) ? 'theirs' : ''}>
                      <FieldValue field={f} value={l[k] as Value} record={l} />
                    </td>
                    <td className={mine.includes(k) ? 'mine' : ''}>
                      {mine.includes(k) ? <FieldValue field={f} value={conflict.patch[k]} record={l} /> : <span className="muted">unchanged</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <div className="dialog-actions">
          <button className="btn" disabled={!l} onClick={() => l && onDiscard(l)}>
            Keep their version
          </button>
          <button className="btn primary" autoFocus disabled={!l} onClick={() => l && onReapply(l)}>
            Re-apply my edit
          </button>
        </div>
      </div>
    </Dialog>
  );
}
