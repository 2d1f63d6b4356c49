// Read-only display of a field's value: references by name, e-mails and
// phones as links, money with its currency.
import type { Field, RecordData, Value } from '../api/types';
import { formatValue } from '../lib/format';
import { RefLink } from './RefLink';

export function FieldValue({ field, value, record }: { field: Field | undefined; value: Value | undefined; record?: RecordData }) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return <span className="empty">—</span>;
  if (field?.type === 'reference') {
    const target = field.reference ?? (field.name === 'related_id' ? (record?.related_object as string | undefined) : undefined);
    return <RefLink object={target} id={String(value)} />;
  }
  if (field?.type === 'email')
    return (
      <a href={`mailto:${value}`} onClick={(e) => e.stopPropagation()}>
        {String(value)}
      </a>
    );
  if (field?.type === 'phone')
    return (
      <a href={`tel:${value}`} onClick={(e) => e.stopPropagation()}>
        {String(value)}
      </a>
    );
  if (field?.type === 'url') {
    const href = /^https?:\/\//i.test(String(value)) ? String(value) : `https://${value}`;
    return (
      <a href={href} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
        {String(value)}
      </a>
    );
  }
  if (field?.type === 'picklist') return <span className={`pill pill-${String(value)}`}>{formatValue(field, value, record)}</span>;
  return <>{formatValue(field, value, record)}</>;
}
