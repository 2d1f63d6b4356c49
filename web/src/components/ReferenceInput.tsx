// A type-ahead for reference fields: matches the target object's name field
// with starts_with on the server (indexed), shows the current value's name.
import { useEffect, useId, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { primeRecord, useRefLabel } from '../api/hooks';
import type { Page } from '../api/types';
import { objectConfig, recordTitle } from '../lib/objects';

export function ReferenceInput({
  object,
  value,
  onChange,
  id,
  autoFocus,
  invalid,
  describedBy,
  onKeyDown,
  placeholder,
}: {
  object: string;
  value: string;
  onChange: (id: string) => void;
  id?: string;
  autoFocus?: boolean;
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: React.KeyboardEvent) => void;
  placeholder?: string;
}) {
  const current = useRefLabel(object, value || null);
  const [text, setText] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const qc = useQueryClient();
  const cfg = objectConfig(object);
  const q = text ?? '';
  const results = useQuery({
    queryKey: ['ref-search', object, q],
    enabled: open,
    staleTime: 10_000,
    queryFn: async ({ signal }) => {
      const page = await api.get<Page>(
        `/${object}`,
        [
          ['filter', q.trim() ? `${cfg.searchField}:starts_with:${q.trim()}` : undefined],
          ['sort', cfg.searchField],
          ['limit', 8],
        ],
        signal,
      );
      for (const r of page.data) primeRecord(qc, object, r);
      return page.data;
    },
  });
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => setActive(0), [q]);
  const shown = text ?? current.data?.title ?? (value ? '' : '');
  const items = results.data ?? [];

  function pick(rid: string | null) {
    onChange(rid ?? '');
    setText(null);
    setOpen(false);
  }

  return (
    <div className="combo">
      <input
        ref={inputRef}
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        autoFocus={autoFocus}
        placeholder={placeholder ?? `Search ${cfg.plural.toLowerCase()}…`}
        value={shown}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          if (e.target.value === '') onChange('');
        }}
        onKeyDown={(e) => {
          if (open && e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, items.length - 1));
          } else if (open && e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (open && e.key === 'Enter' && items[active]) {
            e.preventDefault();
            e.stopPropagation();
            pick(items[active].id);
            return;
          } else if (e.key === 'Escape' && open) {
            e.stopPropagation();
            setOpen(false);
            setText(null);
            return;
          }
          onKeyDown?.(e);
        }}
      />
      {open && (
        <ul className="combo-list" id={listId} role="listbox">
          {items.map((r, i) => (
            <li
              key={r.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r.id);
              }}
            >
              {recordTitle(object, r)}
            </li>
          ))}
          {value && (
            <li
              role="option"
              aria-selected={false}
              className="muted"
              onMouseDown={(e) => {
                e.preventDefault();
                pick(null);
              }}
            >
              Clear
            </li>
          )}
          {results.isSuccess && items.length === 0 && <li className="muted">No match</li>}
        </ul>
      )}
    </div>
  );
}
