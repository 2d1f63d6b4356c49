// The input control for a field of any type, controlled with an InputValue
// (see lib/fieldValue.ts). Used by inline editing, the new-record form and
// the filter builder.
import type { KeyboardEvent } from 'react';
import type { Field } from '../api/types';
import type { InputValue } from '../lib/fieldValue';
import { humanize } from '../lib/format';
import { ReferenceInput } from './ReferenceInput';

export interface FieldInputProps {
  field: Field;
  value: InputValue;
  onChange: (v: InputValue) => void;
  id?: string;
  autoFocus?: boolean;
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent) => void;
  /** Target object of a reference whose target is not fixed (activities.related_id). */
  referenceObject?: string;
}

export function FieldInput({ field, value, onChange, id, autoFocus, invalid, describedBy, onKeyDown, referenceObject }: FieldInputProps) {
  const common = {
    id,
    autoFocus,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    onKeyDown,
  };
  const s = typeof value === 'string' ? value : '';
  switch (field.type) {
    case 'bool':
      return <input type="checkbox" {...common} checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
    case 'long_text':
      return <textarea {...common} rows={4} value={s} maxLength={field.max_length} onChange={(e) => onChange(e.target.value)} />;
    case 'picklist':
      return (
        <select {...common} value={s} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'Choose…' : '—'}</option>
          {(field.options ?? []).map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      );
    case 'multi_picklist': {
      const selected = Array.isArray(value) ? value : [];
      return (
        <div className="multi" role="group" id={id} aria-describedby={describedBy} onKeyDown={onKeyDown}>
          {(field.options ?? []).map((o, i) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                autoFocus={autoFocus && i === 0}
                checked={selected.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...selected, o] : selected.filter((x) => x !== o))}
              />
              {humanize(o)}
            </label>
          ))}
        </div>
      );
    }
    case 'reference': {
      const target = field.reference ?? referenceObject;
      if (!target) return <input type="text" {...common} value={s} onChange={(e) => onChange(e.target.value)} />;
      return (
        <ReferenceInput
          object={target}
          value={s}
          onChange={(v) => onChange(v)}
          id={id}
          autoFocus={autoFocus}
          invalid={invalid}
          describedBy={describedBy}
          onKeyDown={onKeyDown}
        />
      );
    }
    case 'date':
      return <input type="date" {...common} value={s} onChange={(e) => onChange(e.target.value)} />;
    case 'datetime':
      return <input type="datetime-local" {...common} value={s} onChange={(e) => onChange(e.target.value)} />;
    case 'number':
    case 'money':
      // Text with a numeric keyboard: a type=number input would silently
      // drop what the browser cannot parse; the API's message says why instead.
      return <input type="text" inputMode="decimal" {...common} value={s} onChange={(e) => onChange(e.target.value)} />;
    case 'email':
      return <input type="email" {...common} value={s} maxLength={field.max_length} onChange={(e) => onChange(e.target.value)} />;
    case 'phone':
      return <input type="tel" {...common} value={s} maxLength={field.max_length} onChange={(e) => onChange(e.target.value)} />;
    case 'url':
      return <input type="url" {...common} value={s} maxLength={field.max_length} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input type="text" {...common} value={s} maxLength={field.max_length} onChange={(e) => onChange(e.target.value)} />;
  }
}
