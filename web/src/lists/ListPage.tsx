// A list of any object: server-side filters (quick search + chips), sort by
// a column, cursor paging (a page of 50 at a time, loaded as the user
// scrolls), column chooser, saved views, bulk actions, CSV export of exactly
// what is shown. The state lives in the URL, so a list can be bookmarked,
// shared and restored with the back button.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fieldMap, useFields, useRecordList } from '../api/hooks';
import type { Field, RecordData } from '../api/types';
import { buildQuery, errorMessage } from '../api/client';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { useDebounced } from '../lib/useDebounced';
import { nextSort, parseSort } from '../lib/filters';
import { objectConfig, recordPath, recordTitle } from '../lib/objects';
import { AddFilter, FilterChips } from './FilterBar';
import { ColumnChooser } from './ColumnChooser';
import { SavedViews, viewToState } from './SavedViews';
import { BulkBar } from './BulkBar';
import { NewRecordDialog } from '../records/NewRecordDialog';
import { ScoreCell } from '../leads/ScoreCell';

export function ListPage({ object }: { object: string }) {
  const cfg = objectConfig(object);
  const fields = useFields(object);
  const fmap = useMemo(() => fieldMap(fields), [fields]);
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();

  const filters = params.getAll('f');
  const sort = params.get('sort') ?? cfg.defaultSort;
  const columns = (params.get('cols')?.split(',').filter(Boolean) ?? cfg.columns).filter((c) => fields.length === 0 || fmap.has(c));
  const viewId = params.get('view');
  const [q, setQ] = useState(params.get('q') ?? '');
  const dq = useDebounced(q.trim(), 250);

  function update(mut: (p: URLSearchParams) => void, keepView = false) {
    const p = new URLSearchParams(params);
    mut(p);
    if (!keepView) p.delete('view');
    setParams(p, { replace: true });
  }

  useEffect(() => {
    if ((params.get('q') ?? '') !== dq) update((p) => (dq ? p.set('q', dq) : p.delete('q')), true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dq]);

  // Quick search only on an indexed field (a prefix match on an index stays
  // fast at millions of rows); the metadata says which fields have one, so a
  // field an administrator indexes later gets its quick search without a release.
  const searchField = fmap.get(cfg.searchField);
  const quickSearch = fields.length === 0 || Boolean(searchField?.indexed);
  const serverFilters = useMemo(
    () => (dq && searchField?.indexed ? [...filters, `${cfg.searchField}:starts_with:${dq}`] : filters),
    [filters, dq, cfg.searchField, searchField?.indexed],
  );
  const list = useRecordList({ object, filters: serverFilters, sort: `${sort}` }, fields.length > 0);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [object, serverFilters.join('|'), sort]);
  const selectedRows = rows.filter((r) => selected.has(r.id));

  // Load the next page when the end of the table scrolls into view.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries[0].isIntersecting && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [list]);

  const currentSort = parseSort(sort);
  const statusField = cfg.statusField ? fmap.get(cfg.statusField) : undefined;
  const exportHref = `/api/v1/${object}/export.csv${buildQuery([
    ...serverFilters.map((f): [string, string] => ['filter', f]),
    ['sort', sort],
    ['columns', columns.join(',')],
  ])}`;
  const colFields = columns.map((c) => fmap.get(c)).filter((f): f is Field => !!f);
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  return (
    <div className="page list-page">
      <div className="page-head">
        <h1>{cfg.plural}</h1>
        <SavedViews
          object={object}
          activeId={viewId}
          current={{ filters, sort, columns }}
          onSelect={(v) => {
            const p = new URLSearchParams();
            if (v) {
              const s = viewToState(v);
              s.filters.forEach((f) => p.append('f', f));
              if (s.sort) p.set('sort', s.sort);
              if (s.columns.length) p.set('cols', s.columns.join(','));
              p.set('view', v.id);
            }
            setQ('');
            setParams(p, { replace: false });
          }}
        />
        <div className="page-actions">
        <a className="btn" href={exportHref} download={`${object}.csv`} title="Export this view to CSV">
          <Icon name="download" size={16} /> <span className="hide-narrow">Export</span>
        </a>
        {(object === 'leads' || object === 'contacts' || object === 'accounts') && (
          <Link className="btn" to={`/imports?object=${object}`} title={`Import ${cfg.plural.toLowerCase()} from a CSV, Excel or vCard file`}>
            <Icon name="upload" size={16} /> <span className="hide-narrow">Import</span>
          </Link>
        )}
        <ColumnChooser fields={fields} columns={columns} onChange={(cols) => update((p) => p.set('cols', cols.join(',')))} />
        <button className="btn primary" onClick={() => update((p) => p.set('new', '1'), true)}>
          <Icon name="plus" size={16} /> New <span className="hide-narrow">{cfg.singular.toLowerCase()}</span>
        </button>
        </div>
      </div>

      <div className="filterbar">
        {quickSearch && (
          <div className="quick-search">
            <Icon name="search" size={16} />
            <label htmlFor="list-q" className="sr-only">
              {cfg.searchLabel}
            </label>
            <input id="list-q" type="search" placeholder={cfg.searchLabel} value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
        )}
        <AddFilter fields={fields} onAdd={(f) => update((p) => p.append('f', f))} />
        <FilterChips
          filters={filters}
          fields={fmap}
          onRemove={(i) =>
            update((p) => {
              const all = p.getAll('f');
              p.delete('f');
              all.forEach((f, j) => j !== i && p.append('f', f));
            })
          }
        />
      </div>

      {selectedRows.length > 0 && (
        <BulkBar cfg={cfg} selected={selectedRows} statusField={statusField} onDone={() => setSelected(new Set())} />
      )}

      {list.isError ? (
        <div className="error-box" role="alert">
          {errorMessage(list.error)}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-busy={list.isLoading} aria-label={cfg.plural}>
            <thead>
              <tr>
                <th className="sel">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={allSelected}
                    onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
                  />
                </th>
                {colFields.map((f, i) => {
                  const active = currentSort?.field === f.name;
                  return (
                    <th
                      key={f.name}
                      className={`${i === 0 ? 'first ' : ''}${isNumeric(f) ? 'num' : ''}`}
                      aria-sort={active ? (currentSort!.desc ? 'descending' : 'ascending') : 'none'}
                    >
                      {f.indexed || active ? (
                        <button className="th-btn" onClick={() => update((p) => p.set('sort', nextSort(sort, f.name)))}>
                          {f.label}
                          <span className="sort-ind" aria-hidden="true">
                            {active ? (currentSort!.desc ? '▼' : '▲') : ''}
                          </span>
                        </button>
                      ) : (
                        // Sorting millions of rows by a column without an index
                        // would be a full scan: only indexed columns sort.
                        <span title="Not sortable: this field has no index">{f.label}</span>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {list.isLoading &&
                Array.from({ length: 8 }, (_, i) => (
                  <tr key={`sk-${i}`} className="skeleton-row" aria-hidden="true">
                    <td className="sel" />
                    {colFields.map((f) => (
                      <td key={f.name}>
                        <span className="skeleton" />
                      </td>
                    ))}
                  </tr>
                ))}
              {rows.map((r) => (
                <Row
                  key={r.id}
                  object={object}
                  record={r}
                  fields={colFields}
                  selected={selected.has(r.id)}
                  onSelect={(on) =>
                    setSelected((s) => {
                      const n = new Set(s);
                      if (on) n.add(r.id);
                      else n.delete(r.id);
                      return n;
                    })
                  }
                  onOpen={() => navigate(recordPath(object, r.id))}
                />
              ))}
            </tbody>
          </table>
          {!list.isLoading && rows.length === 0 && (
            <div className="empty-state">
              <p>No {cfg.plural.toLowerCase()} match this view.</p>
              {(filters.length > 0 || dq) && (
                <button
                  className="btn"
                  onClick={() => {
                    setQ('');
                    update((p) => {
                      p.delete('f');
                      p.delete('q');
                    });
                  }}
                >
                  Clear filters
                </button>
              )}
            </div>
          )}
          <div ref={sentinel} className="list-foot">
            {list.isFetchingNextPage ? (
              <span className="muted">Loading more…</span>
            ) : list.hasNextPage ? (
              <button className="btn" onClick={() => void list.fetchNextPage()}>
                Load more
              </button>
            ) : rows.length > 0 ? (
              <span className="muted small">
                {rows.length} {rows.length === 1 ? cfg.singular.toLowerCase() : cfg.plural.toLowerCase()}
              </span>
            ) : null}
          </div>
        </div>
      )}
      <NewRecordDialog
        object={object}
        open={params.get('new') === '1'}
        onClose={() => update((p) => p.delete('new'), true)}
      />
    </div>
  );
}

function isNumeric(f: Field) {
  return f.type === 'number' || f.type === 'money';
}

function Row({
  object,
  record,
  fields,
  selected,
  onSelect,
  onOpen,
}: {
  object: string;
  record: RecordData;
  fields: Field[];
  selected: boolean;
  onSelect: (on: boolean) => void;
  onOpen: () => void;
}) {
  const title = recordTitle(object, record);
  return (
    <tr
      className={selected ? 'selected' : ''}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('a,button,input,label')) return;
        onOpen();
      }}
    >
      <td className="sel">
        <input type="checkbox" aria-label={`Select ${title}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
      </td>
      {fields.map((f, i) => (
        <td key={f.name} data-label={f.label} className={`${i === 0 ? 'first ' : ''}${isNumeric(f) ? 'num' : ''}`}>
          {i === 0 && f.type !== 'reference' ? (
            <Link to={recordPath(object, record.id)} className="row-link">
              {record[f.name] === null || record[f.name] === undefined || record[f.name] === '' ? title : <FieldValue field={f} value={record[f.name]} record={record} />}
            </Link>
          ) : object === 'leads' && f.name === 'score' ? (
            <ScoreCell record={record} />
          ) : (
            <FieldValue field={f} value={record[f.name]} record={record} />
          )}
        </td>
      ))}
    </tr>
  );
}
