// Follow-up cadences (Admin → Cadences): named sequences of steps — call on
// day 0, e-mail on day 2, meeting on day 7 — that reps apply to a lead,
// contact or deal from its page. Each step becomes a task for the record's
// owner when the previous one is done or skipped (docs/decisions/015).
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage, fieldMessage } from '../api/client';
import { useToast } from '../components/Toast';
import { PLACEHOLDERS, STEP_TYPES, stepErrorAt, summariseSteps, toApiSteps, type Cadence } from './cadences';
import './cadences.css';
import { RuleActions } from '../components/RuleActions';

interface StepDraft {
  type: string;
  day: string;
  subject: string;
  notes: string;
}

const NEW_STEPS: StepDraft[] = [
  { type: 'call', day: '0', subject: 'Call {{first_name}}', notes: '' },
  { type: 'email', day: '2', subject: 'Follow-up e-mail to {{name}}', notes: '' },
  { type: 'meeting', day: '7', subject: 'Meeting with {{company}}', notes: '' },
];

export function CadencesAdmin() {
  const cadences = useQuery({
    queryKey: ['cadences'],
    queryFn: ({ signal }) => api.get<{ data: Cadence[] }>('/cadences', [['sort', 'name'], ['limit', 500]], signal),
  });
  const [editing, setEditing] = useState<Cadence | 'new' | null>(null);
  const qc = useQueryClient();
  const toast = useToast();

  async function toggle(c: Cadence) {
    try {
      await api.patch(`/cadences/${c.id}`, { active: c.active === false }, c.version);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['cadences'] });
  }

  async function remove(c: Cadence) {
    if (!window.confirm(`Delete the cadence “${c.name}”? Records following it stop, and their open cadence tasks are removed.`)) return;
    try {
      await api.del(`/cadences/${c.id}`, c.version);
      toast.show(`Cadence “${c.name}” deleted`);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['cadences'] });
  }

  const list = cadences.data?.data ?? [];
  return (
    <div className="cadence-admin">
      <section className="card">
        <div className="card-head">
          <h2>Follow-up cadences</h2>
          <button className="btn primary sm" onClick={() => setEditing('new')}>
            New cadence
          </button>
        </div>
        <p className="muted small">
          A cadence is a sequence of follow-up steps. Applied to a lead, contact or deal, it creates the first step’s task for the record’s owner;
          completing or skipping a task schedules the next, counted in days from the day it was applied.
        </p>
        {cadences.isError && <p className="field-error">{errorMessage(cadences.error)}</p>}
        {editing === 'new' && <CadenceEditor cadence={null} onDone={() => setEditing(null)} />}
        <ul className="rule-list" aria-label="Cadences">
          {list.map((c) => (
            <li key={c.id} className={`rule-item${c.active === false ? ' inactive' : ''}`}>
              <span className="rule-pos">{c.steps.length}</span>
              <div className="rule-main">
                <strong>{c.name}</strong>
                <div className="muted small">{summariseSteps(c.steps)}</div>
              </div>
              <RuleActions
                name={c.name}
                active={c.active !== false}
                onToggle={() => void toggle(c)}
                onEdit={() => setEditing(c)}
                onDelete={() => void remove(c)}
              />
              {editing !== 'new' && editing?.id === c.id && (
                <div style={{ gridColumn: '1 / -1' }}>
                  <CadenceEditor cadence={c} onDone={() => setEditing(null)} />
                </div>
              )}
            </li>
          ))}
        </ul>
        {cadences.data && list.length === 0 && editing !== 'new' && <p className="muted">No cadences yet.</p>}
      </section>
    </div>
  );
}

function CadenceEditor({ cadence, onDone }: { cadence: Cadence | null; onDone: () => void }) {
  const [name, setName] = useState(cadence?.name ?? '');
  const [description, setDescription] = useState(cadence?.description ?? '');
  const [steps, setSteps] = useState<StepDraft[]>(
    cadence ? cadence.steps.map((s) => ({ type: s.type, day: String(s.day), subject: s.subject, notes: s.notes ?? '' })) : NEW_STEPS,
  );
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const qc = useQueryClient();
  const toast = useToast();
  const stepError = stepErrorAt(error?.field);

  const update = (i: number, patch: Partial<StepDraft>) => setSteps((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const move = (i: number, d: -1 | 1) =>
    setSteps((s) => {
      const j = i + d;
      if (j < 0 || j >= s.length) return s;
      const out = [...s];
      [out[i], out[j]] = [out[j], out[i]];
      return out;
    });

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    const body = { name, description: description.trim() === '' ? null : description, steps: toApiSteps(steps) };
    try {
      if (cadence) await api.patch(`/cadences/${cadence.id}`, body, cadence.version);
      else await api.post('/cadences', body);
      void qc.invalidateQueries({ queryKey: ['cadences'] });
      toast.show(cadence ? `Cadence “${name}” saved` : `Cadence “${name}” created`);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) setError({ field: err.field, message: err.message });
      else setError({ field: null, message: errorMessage(err) });
    } finally {
      setSaving(false);
    }
  }

  const errorFor = (i: number, key: string) =>
    stepError && stepError.index === i && (stepError.key === key || (key === '' && stepError.key === '')) && error
      ? fieldMessage(error.message, error.field)
      : null;

  return (
    <form className="cadence-editor" onSubmit={(e) => void save(e)} aria-label={cadence ? `Edit ${cadence.name}` : 'New cadence'}>
      <div className="row gap wrap">
        <label className="grow">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} aria-invalid={error?.field === 'name'} />
        </label>
        <label className="grow">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} />
        </label>
      </div>
      {error?.field === 'name' && <p className="field-error">{fieldMessage(error.message, 'name')}</p>}
      <table className="cadence-steps">
        <thead>
          <tr>
            <th>#</th>
            <th>Step</th>
            <th>Day</th>
            <th>Subject</th>
            <th>Notes</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {steps.map((s, i) => {
            const err = stepError?.index === i && error ? fieldMessage(error.message, error.field) : null;
            return (
              <tr key={i} className={err ? 'has-error' : undefined}>
                <td className="muted">{i + 1}</td>
                <td>
                  <select value={s.type} onChange={(e) => update(i, { type: e.target.value })} aria-label={`Step ${i + 1} type`}>
                    {STEP_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t.charAt(0).toUpperCase() + t.slice(1)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    className="day"
                    type="number"
                    value={s.day}
                    onChange={(e) => update(i, { day: e.target.value })}
                    aria-label={`Step ${i + 1} day`}
                    aria-invalid={!!errorFor(i, 'day')}
                  />
                </td>
                <td>
                  <input value={s.subject} onChange={(e) => update(i, { subject: e.target.value })} aria-label={`Step ${i + 1} subject`} />
                </td>
                <td>
                  <input value={s.notes} onChange={(e) => update(i, { notes: e.target.value })} aria-label={`Step ${i + 1} notes`} />
                </td>
                <td className="nowrap">
                  <button type="button" className="btn ghost sm" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move step ${i + 1} up`}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn ghost sm"
                    onClick={() => move(i, 1)}
                    disabled={i === steps.length - 1}
                    aria-label={`Move step ${i + 1} down`}
                  >
                    ↓
                  </button>
                  <button type="button" className="btn ghost sm" onClick={() => setSteps((x) => x.filter((_, j) => j !== i))} aria-label={`Remove step ${i + 1}`}>
                    Remove
                  </button>
                </td>
                {err && (
                  <td className="step-error" role="alert">
                    {err}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {error && !stepError && error.field !== 'name' && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
      <p className="muted small">
        Day counts from the day the cadence is applied. Subjects and notes may use {PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.
      </p>
      <div className="row gap">
        <button
          type="button"
          className="btn sm"
          onClick={() =>
            setSteps((s) => [...s, { type: 'task', day: s.length ? s[s.length - 1].day : '0', subject: '', notes: '' }])
          }
        >
          Add step
        </button>
        <span className="grow" />
        <button type="button" className="btn ghost" onClick={onDone}>
          Cancel
        </button>
        <button className="btn primary" type="submit" disabled={saving}>
          {saving ? 'Saving…' : cadence ? 'Save cadence' : 'Create cadence'}
        </button>
      </div>
    </form>
  );
}
