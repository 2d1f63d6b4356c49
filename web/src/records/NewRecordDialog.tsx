// Create a record: the required fields and the usual ones first, every other
// editable field (custom ones too) behind "More fields". The API's message
// appears next to the field it names; what the user typed stays.
import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, api, errorMessage, fieldMessage } from '../api/client';
import { primeRecord, useFields } from '../api/hooks';
import type { Field, RecordData, Value } from '../api/types';
import { Dialog } from '../components/Dialog';
import { FieldInput } from '../components/FieldInput';
import { useToast } from '../components/Toast';
import { fromInput, toInput, type InputValue } from '../lib/fieldValue';
import { objectConfig, recordPath, recordTitle } from '../lib/objects';

export function NewRecordDialog({
  object,
  open,
  onClose,
  defaults,
  navigateOnCreate = true,
  onCreated,
}: {
  object: string;
  open: boolean;
  onClose: () => void;
  defaults?: Record<string, Value>;
  navigateOnCreate?: boolean;
  onCreated?: (r: RecordData) => void;
}) {
  const cfg = objectConfig(object);
  const fields = useFields(object);
  const editable = useMemo(() => fields.filter((f) => !f.read_only && !(defaults && f.name in defaults)), [fields, defaults]);
  const primary = useMemo(() => {
    const names = new Set([...cfg.createFields, ...editable.filter((f) => f.required).map((f) => f.name)]);
    return editable.filter((f) => names.has(f.name)).sort((a, b) => order(cfg.createFields, a.name) - order(cfg.createFields, b.name));
  }, [editable, cfg.createFields]);
  const rest = editable.filter((f) => !primary.includes(f));
  const [values, setValues] = useState<Record<string, InputValue>>({});
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  function close() {
    setValues({});
    setError(null);
    setMore(false);
    onClose();
  }

  async function submit() {
    const body: Record<string, Value> = { ...(defaults ?? {}) };
    for (const f of editable) {
      if (!(f.name in values)) continue;
      const v = fromInput(f, values[f.name]);
      if (v !== null && !(Array.isArray(v) && v.length === 0)) body[f.name] = v;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<RecordData>(`/${object}`, body);
      primeRecord(qc, object, r);
      void qc.invalidateQueries({ queryKey: ['list', object] });
      toast.show(`${cfg.singular} “${recordTitle(object, r)}” created`);
      setValues({});
      onCreated?.(r);
      onClose();
      if (navigateOnCreate) navigate(recordPath(object, r.id));
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e);
        if (e.field && rest.some((f) => f.name === e.field)) setMore(true);
      } else setError(new ApiError(0, 'client', errorMessage(e), null));
    } finally {
      setBusy(false);
    }
  }

  const row = (f: Field) => {
    const id = `new-${object}-${f.name}`;
    const bad = error?.field === f.name;
    return (
      <div className={`form-row${bad ? ' has-error' : ''}`} key={f.name}>
        <label htmlFor={id}>
          {f.label}
          {f.required && <span className="req" aria-label="required"> *</span>}
        </label>
        <FieldInput
          id={id}
          field={f}
          value={values[f.name] ?? toInput(f, null)}
          onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))}
          invalid={bad}
          describedBy={bad ? `${id}-error` : undefined}
          referenceObject={f.name === 'related_id' ? String(values.related_object ?? defaults?.related_object ?? '') || undefined : undefined}
        />
        {bad && (
          <div className="field-error" id={`${id}-error`} role="alert">
            {fieldMessage(error!.message, f.name)}
          </div>
        )}
      </div>
    );
  };

  return (
    <Dialog open={open} onClose={close} title={`New ${cfg.singular.toLowerCase()}`}>
      <form
        className="record-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <div className="form-grid">{primary.map(row)}</div>
        {rest.length > 0 && (
          <button type="button" className="btn link" aria-expanded={more} onClick={() => setMore((m) => !m)}>
            {more ? 'Fewer fields' : `More fields (${rest.length})`}
          </button>
        )}
        {more && <div className="form-grid">{rest.map(row)}</div>}
        <div className="form-error" role="alert">
          {error && !editable.some((f) => f.name === error.field) ? error.message : ''}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Creating…' : `Create ${cfg.singular.toLowerCase()}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function order(list: string[], name: string): number {
  const i = list.indexOf(name);
  return i < 0 ? 1000 : i;
}
