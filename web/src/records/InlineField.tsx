// One field of a record page: its value, and a click (or Enter) turns it
// into an input. Enter saves (Ctrl/Cmd-Enter in long text), Escape cancels.
// A refused value stays in the input with the API's message under it.
import { useRef, type KeyboardEvent } from 'react';
import type { Field, RecordData } from '../api/types';
import { FieldInput } from '../components/FieldInput';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import type { InputValue } from '../lib/fieldValue';

export function InlineField({
  field,
  record,
  draft,
  error,
  saving,
  onStart,
  onDraft,
  onSave,
  onCancel,
  onToggle,
}: {
  field: Field;
  record: RecordData;
  draft: InputValue | undefined;
  error?: string;
  saving?: boolean;
  onStart: () => void;
  onDraft: (v: InputValue) => void;
  onSave: () => void;
  onCancel: () => void;
  onToggle: (checked: boolean) => void;
}) {
  const id = `field-${field.name}`;
  const errId = `${id}-error`;
  const viewRef = useRef<HTMLButtonElement>(null);
  const editing = draft !== undefined;
  const readOnly = field.read_only;
  const refObject = field.name === 'related_id' ? (record.related_object as string | undefined) : undefined;

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
      setTimeout(() => viewRef.current?.focus(), 0);
    } else if (e.key === 'Enter' && (field.type !== 'long_text' || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSave();
    }
  }

  return (
    <div className={`field${editing ? ' editing' : ''}${error ? ' has-error' : ''}`} data-field={field.name}>
      <label className="field-label" htmlFor={editing || field.type === 'bool' ? id : undefined} id={`${id}-label`}>
        {field.label}
        {field.required && !readOnly && <span className="req" aria-label="required"> *</span>}
        {field.custom && <span className="badge">custom</span>}
      </label>
      {field.type === 'bool' && !readOnly ? (
        <div className="field-value">
          <input id={id} type="checkbox" checked={Boolean(record[field.name])} disabled={saving} onChange={(e) => onToggle(e.target.checked)} />
        </div>
      ) : editing ? (
        <div className="field-edit">
          <FieldInput
            id={id}
            field={field}
            value={draft}
            onChange={onDraft}
            autoFocus
            invalid={Boolean(error)}
            describedBy={error ? errId : undefined}
            onKeyDown={onKeyDown}
            referenceObject={refObject}
          />
          <div className="field-actions">
            <button type="button" className="btn primary sm" onClick={onSave} disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn sm" onClick={onCancel} disabled={saving}>
              Cancel
            </button>
          </div>
          {error && (
            <div className="field-error" id={errId} role="alert">
              {error}
            </div>
          )}
        </div>
      ) : readOnly ? (
        <div className="field-value readonly">
          <FieldValue field={field} value={record[field.name]} record={record} />
        </div>
      ) : (
        <div
          className="field-value field-view"
          onClick={(e) => {
            if ((e.target as HTMLElement).closest('a,button')) return;
            onStart();
          }}
        >
          <span className="field-text">
            <FieldValue field={field} value={record[field.name]} record={record} />
          </span>
          <button ref={viewRef} type="button" className="icon-btn sm edit-btn" onClick={onStart} aria-label={`Edit ${field.label}`}>
            <Icon name="edit" size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
