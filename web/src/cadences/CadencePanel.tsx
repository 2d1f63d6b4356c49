// The cadence card on a lead, contact or deal page: the cadences the record
// follows (with the next step and its due date; skip or stop), and "Apply
// cadence" to start one (docs/decisions/015).
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { RecordData } from '../api/types';
import { useToast } from '../components/Toast';
import { formatDateTime } from '../lib/format';
import { describeNextStep, type Cadence, type Enrollment } from './cadences';
import './cadences.css';

export const CADENCE_OBJECTS = new Set(['leads', 'contacts', 'opportunities']);

export function CadencePanel({ object, record }: { object: string; record: RecordData }) {
  const enrollments = useQuery({
    queryKey: ['cadence-enrollments', record.id],
    queryFn: ({ signal }) =>
      api.get<{ data: Enrollment[] }>(
        '/cadence_enrollments',
        [['filter', `related_id:eq:${record.id}`], ['sort', '-started_at'], ['limit', 20]],
        signal,
      ),
  });
  const cadences = useQuery({
    queryKey: ['cadences'],
    queryFn: ({ signal }) => api.get<{ data: Cadence[] }>('/cadences', [['sort', 'name'], ['limit', 500]], signal),
  });
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const toast = useToast();

  const all = enrollments.data?.data ?? [];
  const active = all.filter((e) => e.status === 'active');
  const recent = all.filter((e) => e.status !== 'active').slice(0, 3);
  const activeIds = new Set(active.map((e) => e.cadence_id));
  const available = (cadences.data?.data ?? []).filter((c) => c.active !== false && !activeIds.has(c.id));

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['cadence-enrollments', record.id] });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
    void qc.invalidateQueries({ queryKey: ['list', 'activities'] });
    void qc.invalidateQueries({ queryKey: ['related'] });
  };

  async function apply() {
    if (!choice) return;
    setBusy(true);
    try {
      const e = await api.post<Enrollment & { activity: RecordData }>(`/cadences/${choice}/enrollments`, {
        related_object: object,
        related_id: record.id,
      });
      toast.show(`Cadence “${e.cadence_name}” applied: first task “${String(e.activity.subject)}”`);
      setChoice('');
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    } finally {
      setBusy(false);
      refresh();
    }
  }

  async function act(e: Enrollment, action: 'skip' | 'stop') {
    if (action === 'stop' && !window.confirm(`Stop the cadence “${e.cadence_name}”? Its open task is removed.`)) return;
    setBusy(true);
    try {
      await api.post(`/cadences/${e.cadence_id}/enrollments/${e.id}/${action}`, {});
      toast.show(action === 'skip' ? 'Step skipped' : `Cadence “${e.cadence_name}” stopped`);
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <section className="card cadence-panel" aria-labelledby="cadence-title" data-testid="cadence-panel">
      <h2 id="cadence-title">Cadences</h2>
      {enrollments.isError && <p className="field-error">{errorMessage(enrollments.error)}</p>}
      {active.length === 0 && enrollments.data && <p className="muted small">Not following a cadence.</p>}
      <ul className="cadence-enrollments">
        {active.map((e) => (
          <li key={e.id} className="cadence-enrollment">
            <div>
              <strong>{e.cadence_name}</strong>
              {e.next_step && (
                <>
                  <div className="small">{describeNextStep(e.next_step)}</div>
                  <div className="small">
                    Next:{' '}
                    {e.next_step.activity_id ? <NextTask id={e.next_step.activity_id} fallback={e.next_step.subject} /> : e.next_step.subject}
                  </div>
                </>
              )}
            </div>
            <div className="row gap">
              <button className="btn sm" disabled={busy} onClick={() => void act(e, 'skip')} aria-label={`Skip the current step of ${e.cadence_name}`}>
                Skip step
              </button>
              <button className="btn ghost sm" disabled={busy} onClick={() => void act(e, 'stop')} aria-label={`Stop ${e.cadence_name}`}>
                Stop
              </button>
            </div>
          </li>
        ))}
        {recent.map((e) => (
          <li key={e.id} className="cadence-enrollment done muted small">
            {e.cadence_name}: {e.status} {e.ended_at ? formatDateTime(e.ended_at) : ''}
            {e.stop_reason ? ` (${e.stop_reason})` : ''}
          </li>
        ))}
      </ul>
      <div className="row gap cadence-apply">
        <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Cadence to apply" disabled={busy || available.length === 0}>
          <option value="">{available.length ? 'Choose a cadence…' : 'No other cadence available'}</option>
          {available.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.steps.length} steps)
            </option>
          ))}
        </select>
        <button className="btn primary sm" disabled={!choice || busy} onClick={() => void apply()}>
          Apply cadence
        </button>
      </div>
    </section>
  );
}

/** The current step's task, by its own subject (the step's template filled in). */
function NextTask({ id, fallback }: { id: string; fallback: string }) {
  const task = useQuery({
    queryKey: ['record', 'activities', id],
    queryFn: ({ signal }) => api.get<RecordData>(`/activities/${id}`, undefined, signal),
  });
  return <Link to={`/activities/${id}`}>{task.data ? String(task.data.subject) : fallback}</Link>;
}
