// A textarea with @mention autocomplete: typing "@" and a few letters lists
// the organisation's users; Enter, Tab or a click inserts the mention token
// (mentions.ts), which notifies that user when the note is saved.
import './team.css';
import { useId, useMemo, useRef, useState, type TextareaHTMLAttributes } from 'react';
import { useUsers } from '../api/hooks';
import { insertMention, matchUsers, mentionAt, type MentionUser } from './mentions';

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
};

export function MentionTextarea({ value, onChange, onKeyDown, ...rest }: Props) {
  const users = useUsers();
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const at = mentionAt(value, caret);
  const people: MentionUser[] = useMemo(
    () =>
      (users.data ?? [])
        .filter((u) => u.active !== false && u.active !== 0)
        .map((u) => ({ id: u.id, name: String(u.name ?? u.email ?? u.id), email: u.email ? String(u.email) : null })),
    [users.data],
  );
  const matches = at && dismissed !== at.start ? matchUsers(people, at.query) : [];
  const open = matches.length > 0;

  function pick(u: MentionUser) {
    if (!at) return;
    const r = insertMention(value, at.start, caret, u);
    onChange(r.text);
    setCaret(r.caret);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(r.caret, r.caret);
    });
  }

  return (
    <div className="mention-box">
      <textarea
        {...rest}
        ref={ref}
        value={value}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setActive(0);
          setDismissed(null);
        }}
        onSelect={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
        onKeyDown={(e) => {
          if (open) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const d = e.key === 'ArrowDown' ? 1 : -1;
              setActive((i) => (i + d + matches.length) % matches.length);
              return;
            }
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              pick(matches[Math.min(active, matches.length - 1)]);
              return;
            }
            if (e.key === 'Escape') {
              e.preventDefault();
              setDismissed(at?.start ?? null);
              return;
            }
          }
          onKeyDown?.(e);
        }}
      />
      {open && (
        <ul className="mention-list" id={listId} role="listbox" aria-label="Mention someone">
          {matches.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === Math.min(active, matches.length - 1)}
              className={i === Math.min(active, matches.length - 1) ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(u);
              }}
            >
              <strong>{u.name}</strong>
              {u.email ? <span className="muted small"> {u.email}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Note text with mention tokens shown as "@Name" chips. */
export { MentionText } from './MentionText';
