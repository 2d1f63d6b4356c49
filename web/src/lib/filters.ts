// List filters as the API takes them: "field:op:value" strings, ANDed.
import type { Field, FieldType } from '../api/types';

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'starts_with'
  | 'is_null';

export interface Filter {
  field: string;
  op: FilterOp;
  value: string;
}

export const OP_LABELS: Record<FilterOp, string> = {
  eq: 'is',
  ne: 'is not',
  lt: 'before / less than',
  lte: 'on or before / at most',
  gt: 'after / more than',
  gte: 'on or after / at least',
  in: 'is any of',
  not_in: 'is none of',
  contains: 'contains',
  starts_with: 'starts with',
  is_null: 'is empty',
};

/** The operators that make sense for a field type, most useful first. */
export function opsFor(type: FieldType): FilterOp[] {
  switch (type) {
    case 'text':
    case 'long_text':
    case 'email':
    case 'phone':
    case 'url':
      return ['starts_with', 'eq', 'ne', 'contains', 'is_null'];
    case 'number':
    case 'money':
      return ['gte', 'lte', 'eq', 'ne', 'gt', 'lt', 'is_null'];
    case 'date':
    case 'datetime':
      return ['gte', 'lte', 'eq', 'gt', 'lt', 'is_null'];
    case 'bool':
      return ['eq'];
    case 'picklist':
      return ['eq', 'ne', 'in', 'not_in', 'is_null'];
    case 'multi_picklist':
      return ['contains', 'is_null'];
    case 'reference':
      return ['eq', 'ne', 'in', 'is_null'];
  }
}

export function parseFilter(s: string): Filter | null {
  const a = s.indexOf(':');
  if (a <= 0) return null;
  const b = s.indexOf(':', a + 1);
  const field = s.slice(0, a);
  const op = (b < 0 ? s.slice(a + 1) : s.slice(a + 1, b)) as FilterOp;
  if (!(op in OP_LABELS)) return null;
  return { field, op, value: b < 0 ? '' : s.slice(b + 1) };
}

export function formatFilter(f: Filter): string {
  return f.op === 'is_null' ? `${f.field}:is_null:${f.value || 'true'}` : `${f.field}:${f.op}:${f.value}`;
}

export function parseFilters(list: string[]): Filter[] {
  return list.map(parseFilter).filter((f): f is Filter => f !== null);
}

/** "Status is New", "Amount at least 1000": the chip text of a filter. */
export function describeFilter(f: Filter, field: Field | undefined, valueLabel?: string): string {
  const label = field?.label ?? f.field;
  if (f.op === 'is_null') return f.value === 'false' ? `${label} is not empty` : `${label} is empty`;
  const v = valueLabel ?? f.value;
  let op = OP_LABELS[f.op];
  if (field && (field.type === 'date' || field.type === 'datetime')) {
    op = { lt: 'before', lte: 'on or before', gt: 'after', gte: 'on or after' }[f.op as string] ?? op;
  } else if (field && (field.type === 'number' || field.type === 'money')) {
    op = { lt: 'less than', lte: 'at most', gt: 'more than', gte: 'at least' }[f.op as string] ?? op;
  }
  return `${label} ${op} ${v}`;
}

/** A sort string "a,-b" <-> the first key and direction (the table sorts by one column). */
export function parseSort(sort: string | null | undefined): { field: string; desc: boolean } | null {
  if (!sort) return null;
  const first = sort.split(',')[0]?.trim();
  if (!first) return null;
  return first.startsWith('-') ? { field: first.slice(1), desc: true } : { field: first.replace(/^\+/, ''), desc: false };
}

export function nextSort(current: string | null | undefined, field: string): string {
  const s = parseSort(current);
  if (!s || s.field !== field) return field;
  return s.desc ? field : `-${field}`;
}
