// Conversions between what an <input> holds (always a string, or a boolean
// for check boxes, or a string array for multi-picklists) and the JSON value
// the API takes. Parsing never throws and never guesses: text the API would
// refuse is sent as it is, so the API's message, next to the field, tells
// the user what is wrong, and the input keeps what they typed.
import type { Field, Value } from '../api/types';

export type InputValue = string | boolean | string[];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO instant -> "YYYY-MM-DDTHH:MM" in local time (for datetime-local inputs). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "YYYY-MM-DDTHH:MM" local -> ISO instant in UTC. */
export function localInputToIso(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

export function toInput(field: Field, value: Value | undefined): InputValue {
  if (field.type === 'bool') return Boolean(value);
  if (field.type === 'multi_picklist') return Array.isArray(value) ? value : [];
  if (value === null || value === undefined) return '';
  if (field.type === 'datetime') return isoToLocalInput(String(value));
  return String(value);
}

export function fromInput(field: Field, input: InputValue): Value {
  if (field.type === 'bool') return Boolean(input);
  if (field.type === 'multi_picklist') return Array.isArray(input) ? input : input ? [String(input)] : [];
  const s = typeof input === 'string' ? input : String(input);
  const t = field.type === 'long_text' ? s : s.trim();
  if (t === '') return null;
  switch (field.type) {
    case 'number':
    case 'money': {
      // Accept "1 234,5" and "1,234.5" as people type them; otherwise send the
      // text so the API explains what it expects.
      const normalized = t.replace(/[\s\u00a0']/g, '');
      const n = /^-?\d+(,\d{3})*(\.\d+)?$/.test(normalized)
        ? Number(normalized.replace(/,/g, ''))
        : /^-?\d+(,\d+)?$/.test(normalized)
          ? Number(normalized.replace(',', '.'))
          : Number(normalized);
      return Number.isFinite(n) && normalized !== '' ? n : t;
    }
    case 'datetime':
      return localInputToIso(t);
    default:
      return t;
  }
}

export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  const na = a === undefined || a === '' ? null : a;
  const nb = b === undefined || b === '' ? null : b;
  if (Array.isArray(na) && Array.isArray(nb)) return na.length === nb.length && na.every((x, i) => x === nb[i]);
  return na === nb;
}
