// Records of another object that point at this one (an account's contacts
// and opportunities), with a button to add one already linked.
import { useState } from 'react';
import { Link } from 'react-router';
import { fieldMap, useFields, useRecordList } from '../api/hooks';
import type { Field } from '../api/types';
import { errorMessage } from '../api/client';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { listPath, objectConfig, recordPath, recordTitle } from '../lib/objects';
import { SlaBadge } from '../cases/SlaBadge';
import { NewRecordDialog } from './NewRecordDialog';

export function RelatedList({ object, via, id, columns, sort }: { object: string; via: string; id: string; columns: string[]; sort: string }) {
  const cfg = objectConfig(object);
  const fields = useFields(object);
  const fmap = fieldMap(fields);
  const list = useRecordList({ object, filters: [`${via}:eq:${id}`], sort, limit: 10 }, fields.length > 0);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const [adding, setAdding] = useState(false);
  const cols = columns.map((c) => fmap.get(c)).filter((f): f is Field => !!f);
  return (
    <section className="card related" aria-labelledby={`rel-${object}`}>
      <div className="card-head">
        <h2 id={`rel-${object}`}>
          {cfg.plural} <span className="count">{rows.length}{list.hasNextPage ? '+' : ''}</span>
        </h2>
        <button className="btn sm" onClick={() => setAdding(true)}>
          <Icon name="plus" size={14} /> Add
        </button>
      </div>
      {list.isError && <p className="field-error">{errorMessage(list.error)}</p>}
      {rows.length === 0 && !list.isLoading ? (
        <p className="muted small">None yet.</p>
      ) : (
        <ul className="related-list">
          {rows.map((r) => (
            <li key={r.id}>
              <Link to={recordPath(object, r.id)}>{recordTitle(object, r)}</Link>
              <span className="related-meta">
                {cols.map((f) => (
                  <span key={f.name}>
                    <FieldValue field={f} value={r[f.name]} record={r} />
                  </span>
                ))}
                {object === 'cases' && <SlaBadge record={r} />}
              </span>
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <Link className="btn link sm" to={`${listPath(object)}?f=${encodeURIComponent(`${via}:eq:${id}`)}`}>
          View all
        </Link>
      )}
      <NewRecordDialog object={object} open={adding} onClose={() => setAdding(false)} defaults={{ [via]: id }} navigateOnCreate={false} />
    </section>
  );
}
