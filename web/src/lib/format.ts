// Display formatting of field values, in the browser's locale.
import type { Field, Value } from '../api/types';

const numberFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function formatMoney(amount: number | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined) return '';
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency || 'EUR',
      maximumFractionDigits: Math.abs(amount) >= 1000 ? 0 : 2,
    }).format(amount);
  } catch {
    return `${numberFmt.format(amount)} ${currency ?? ''}`.trim();
  }
}

/** 1.2k, 3.4M: for column totals where space is short. */
export function formatCompactMoney(amount: number | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined) return '';
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency || 'EUR',
      notation: 'compact',
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    }).format(amount);
  } catch {
    return formatMoney(amount, currency);
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  // Date-only values are calendar dates, not instants: no time zone shift.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "in 3 days", "2 hours ago": for timelines and due dates. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const diff = d.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 365 * 86400e3],
    ['month', 30 * 86400e3],
    ['week', 7 * 86400e3],
    ['day', 86400e3],
    ['hour', 3600e3],
    ['minute', 60e3],
  ];
  for (const [unit, ms] of units) {
    if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return 'just now';
}

export function humanize(s: string): string {
  const t = s.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Text for a value of a field, for tables and read-only display (references are resolved elsewhere). */
export function formatValue(field: Field | undefined, value: Value | undefined, record?: Record<string, unknown>): string {
  if (value === null || value === undefined || value === '') return '';
  if (!field) return String(value);
  switch (field.type) {
    case 'money':
      return formatMoney(Number(value), (record?.currency as string | undefined) ?? null);
    case 'number':
      return numberFmt.format(Number(value));
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'bool':
      return value ? 'Yes' : 'No';
    case 'picklist':
      return humanize(String(value));
    case 'multi_picklist':
      return Array.isArray(value) ? value.map(humanize).join(', ') : String(value);
    default:
      return String(value);
  }
}

export function initials(name: string | null | undefined): string {
  if (!name) return '?';
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase() || '?';
}
