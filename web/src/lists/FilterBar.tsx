// The filters of a list as removable chips, and the builder for a new one
// (field, operator, value — the value control follows the field's type).
import { useState } from 'react';
import type { Field } from '../api/types';
import { FieldInput } from '../components/FieldInput';
import { Icon } from '../components/Icon';
import { Popover } from '../components/Popover';
import { RefLink } from '../components/RefLink';
import { fromInput, type InputValue } from '../lib/fieldValue';
import { describeFilter, formatFilter, OP_LABELS, opsFor, parseFilter, type Filter, type FilterOp } from '../lib/filters';
import { humanize } from '../lib/format';

export function FilterChips({ filters, fields, onRemove }: { filters: string[]; fields: Map<string, Field>; onRemove: (i: number) => void }) {
  return (
    <>
      {filters.map((s, i) => {
        const f = parseFilter(s);
        if (!f) return null;
        const field = fields.get(f.field);
        const isRef = field?.type === 'reference' && field.reference && (f.op === 'eq' || f.op === 'ne');
        const text = describeFilter(f, field, field?.type === 'picklist' ? f.value.split(',').map(humanize).join(', ') : isRef ? '' : undefined);
        return (
          <span className="chip" key={`${s}-${i}`}>
            <span>
              {text}
              {isRef && <RefLink object={field!.reference} id={f.value} link={false} />}
            </span>
            <button className="chip-x" aria-label={`Remove filter ${text}`} onClick={() => onRemove(i)}>
              ×
            </button>
          </span>
        );
      })}
    </>
  );
}

export function AddFilter({ fields, onAdd }: { fields: Field[]; onAdd: (filter: string) => void }) {
  return (
    <Popover
      label={
        <>
          <Icon name="filter" size={16} /> Filter
        </>
      }
    >
      {(close) => (
        <FilterBuilder
          fields={fields}
          onAdd={(f) => {
            onAdd(f);
            close();
          }}
        />
      )}
    </Popover>
  );
}

function FilterBuilder({ fields, onAdd }: { fields: Field[]; onAdd: (filter: string) => void }) {
  const usable = fields.filter((f) => f.name !== 'deleted_at' && f.name !== 'related_id');
  const [name, setName] = useState(usable[0]?.name ?? '');
  const field = usable.find((f) => f.name === name);
  const ops = field ? opsFor(field.type) : [];
  const [op, setOp] = useState<FilterOp>(ops[0] ?? 'eq');
  const [value, setValue] = useState<InputValue>('');
  const [multi, setMulti] = useState<string[]>([]);

  function changeField(n: string) {
    setName(n);
    const f = usable.find((x) => x.name === n);
    setOp(f ? opsFor(f.type)[0] : 'eq');
    setValue(f?.type === 'bool' ? false : '');
    setMulti([]);
  }

  function submit() {
    if (!field) return;
    let v: string;
    if (op === 'is_null') v = 'true';
    else if ((op === 'in' || op === 'not_in') && field.type === 'picklist') v = multi.join(',');
    else if (field.type === 'bool') v = value ? 'true' : 'false';
    else {
      const val = fromInput(field, value);
      v = val === null ? '' : Array.isArray(val) ? val.join(',') : String(val);
    }
    if (op !== 'is_null' && v === '') return;
    const f: Filter = { field: field.name, op, value: v };
    onAdd(formatFilter(f));
  }

  return (
    <form
      className="filter-builder"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="fb-field">Field</label>
      <select id="fb-field" value={name} onChange={(e) => changeField(e.target.value)} autoFocus>
        {usable.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label}
            {f.custom ? ' (custom)' : ''}
          </option>
        ))}
      </select>
      <label htmlFor="fb-op">Condition</label>
      <select id="fb-op" value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
        {ops.map((o) => (
          <option key={o} value={o}>
            {OP_LABELS[o]}
          </option>
        ))}
      </select>
      {field && op !== 'is_null' && (
        <>
          <label htmlFor="fb-value">Value</label>
          {(op === 'in' || op === 'not_in') && field.type === 'picklist' ? (
            <div className="multi" id="fb-value">
              {(field.options ?? []).map((o) => (
                <label key={o} className="check">
                  <input
                    type="checkbox"
                    checked={multi.includes(o)}
                    onChange={(e) => setMulti(e.target.checked ? [...multi, o] : multi.filter((x) => x !== o))}
                  />
                  {humanize(o)}
                </label>
              ))}
            </div>
          ) : field.type === 'multi_picklist' ? (
            <select id="fb-value" value={String(value)} onChange={(e) => setValue(e.target.value)}>
              <option value="">Choose…</option>
              {(field.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {humanize(o)}
                </option>
              ))}
            </select>
          ) : (
            <FieldInput id="fb-value" field={{ ...field, type: field.type === 'long_text' ? 'text' : field.type }} value={value} onChange={setValue} />
          )}
        </>
      )}
      <button className="btn primary" type="submit">
        Add filter
      </button>
    </form>
  );
}
