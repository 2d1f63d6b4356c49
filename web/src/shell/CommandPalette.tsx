// Ctrl/Cmd-K: find any lead, contact, account or deal as you type
// (GET /api/v1/search, server-side full-text), or jump to a page / create a
// record. Arrow keys move, Enter opens, Escape closes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { SearchHit } from '../api/types';
import { Dialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { objectConfig, recordPath } from '../lib/objects';
import { useDebounced } from '../lib/useDebounced';
import { readRecent } from '../lib/recent';
import { NAV } from './AppShell';
import { useMe } from '../auth/AuthContext';

interface Item {
  key: string;
  group: string;
  title: string;
  subtitle?: string;
  icon: string;
  go: string;
}

const CREATE = [
  { label: 'New lead', to: '/leads?new=1', icon: 'leads' },
  { label: 'New contact', to: '/contacts?new=1', icon: 'contacts' },
  { label: 'New account', to: '/accounts?new=1', icon: 'accounts' },
  { label: 'New opportunity', to: '/opportunities?new=1', icon: 'opportunities' },
  { label: 'Import from a file (CSV, Excel, vCard)', to: '/imports', icon: 'upload' }, // issue 4: import wizard
];

export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const debounced = useDebounced(q.trim(), 120);
  const navigate = useNavigate();
  const me = useMe();
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (open) {
      setQ('');
      setActive(0);
    }
  }, [open]);

  const search = useQuery<SearchHit[]>({
    queryKey: ['search', debounced],
    enabled: open && debounced.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    queryFn: ({ signal }) =>
      api.get<{ data: SearchHit[] }>('/search', [['q', debounced], ['limit', 20]], signal).then((r) => r.data),
  });

  const items = useMemo<Item[]>(() => {
    const out: Item[] = [];
    const ql = q.trim().toLowerCase();
    if (ql && search.data) {
      for (const h of search.data) {
        const cfg = objectConfig(h.object);
        out.push({
          key: `${h.object}:${h.id}`,
          group: cfg.plural,
          title: h.title,
          subtitle: h.subtitle ?? undefined,
          icon: h.object,
          go: recordPath(h.object, h.id),
        });
      }
    }
    if (!ql) {
      for (const r of readRecent()) {
        out.push({ key: `recent:${r.object}:${r.id}`, group: 'Recent', title: r.title, subtitle: objectConfig(r.object).singular, icon: r.object, go: recordPath(r.object, r.id) });
      }
    }
    for (const n of NAV) {
      if (n.adminOnly && me.role !== 'admin') continue;
      if (!ql || n.label.toLowerCase().includes(ql)) out.push({ key: n.to, group: 'Go to', title: n.label, icon: n.icon, go: n.to });
    }
    for (const c of CREATE) {
      if (!ql || c.label.toLowerCase().includes(ql)) out.push({ key: c.to, group: 'Create', title: c.label, icon: 'plus', go: c.to });
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, search.data, me.role, open]);

  useEffect(() => setActive(0), [debounced, items.length]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function choose(item: Item | undefined) {
    if (!item) return;
    onClose();
    navigate(item.go);
  }

  let lastGroup = '';
  return (
    <Dialog open={open} onClose={onClose} className="palette" labelledBy="palette-label">
      <div className="palette-input">
        <Icon name="search" />
        <label id="palette-label" htmlFor="palette-q" className="sr-only">
          Search
        </label>
        <input
          id="palette-q"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={items[active] ? `pal-${active}` : undefined}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          placeholder="Search people, companies, deals… or type a command"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, items.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(items[active]);
            }
          }}
        />
        {search.isFetching && <span className="spinner" aria-label="Searching" />}
        <button type="button" className="btn link palette-close" onClick={onClose}>
          Cancel
        </button>
      </div>
      <ul className="palette-list" id="palette-list" role="listbox" ref={listRef} aria-label="Results">
        {search.isError && debounced && (
          <li className="palette-empty" role="presentation">
            Search failed: {errorMessage(search.error)}
          </li>
        )}
        {debounced && search.isSuccess && search.data.length === 0 && !search.isFetching && (
          <li className="palette-empty" role="presentation">
            No record matches “{debounced}”.
          </li>
        )}
        {items.map((it, i) => {
          const head = it.group !== lastGroup;
          lastGroup = it.group;
          return [
            head && (
              <li key={`g-${it.group}`} className="palette-group" role="presentation">
                {it.group}
              </li>
            ),
            <li
              key={it.key}
              id={`pal-${i}`}
              role="option"
              aria-selected={i === active}
              className={`palette-item${i === active ? ' active' : ''}`}
              onMouseMove={() => setActive(i)}
              onClick={() => choose(it)}
            >
              <Icon name={it.icon} />
              <span className="palette-title">{it.title}</span>
              {it.subtitle && <span className="palette-sub">{it.subtitle}</span>}
            </li>,
          ];
        })}
      </ul>
      <div className="palette-foot muted small" aria-hidden="true">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move <kbd>Enter</kbd> open <kbd>Esc</kbd> close
      </div>
    </Dialog>
  );
}
