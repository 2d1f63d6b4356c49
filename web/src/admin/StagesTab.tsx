// Pipelines and their stages: order, probability, open/won/lost, expected
// days, and the exit criteria — fields that must be filled and activities
// that must exist before a deal may move on (docs/decisions/007).
import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage, fieldMessage } from '../api/client';
import { useFields, usePipelines, useStages } from '../api/hooks';
import type { RecordData } from '../api/types';
import { useToast } from '../components/Toast';
import { humanize } from '../lib/format';

const KINDS = ['open', 'won', 'lost'];
const ACTIVITY_TYPES = ['task', 'call', 'meeting', 'visit', 'email', 'note'];
const FORECAST = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'];
/** Fields a deal cannot "fill" by itself: the exit criteria pick from the others. */
const NOT_CRITERIA = new Set(['id', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at', 'stage_id', 'pipeline_id', 'probability', 'closed_at', 'predicted_score', 'predicted_factors', 'forecast_category']);

export function splitList(s: unknown): string[] {
  return typeof s === 'string' ? s.split(/[,;]/).map((x) => x.trim()).filter(Boolean) : [];
}

interface Draft {
  name: string;
  probability: string;
  kind: string;
  expected_days: string;
  required_fields: string[];
  required_activities: string[];
  forecast_category: string;
}

function toDraft(s: RecordData): Draft {
  return {
    name: String(s.name ?? ''),
    probability: s.probability === null || s.probability === undefined ? '' : String(s.probability),
    kind: String(s.kind ?? 'open'),
    expected_days: s.expected_days === null || s.expected_days === undefined ? '' : String(s.expected_days),
    required_fields: splitList(s.required_fields),
    required_activities: Array.isArray(s.required_activities) ? s.required_activities.map(String) : [],
    forecast_category: String(s.forecast_category ?? ''),
  };
}

function toPatch(d: Draft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    probability: d.probability === '' ? null : Number(d.probability),
    kind: d.kind,
    expected_days: d.expected_days === '' ? null : Number(d.expected_days),
    required_fields: d.required_fields.length ? d.required_fields.join(', ') : null,
    required_activities: d.required_activities,
    forecast_category: d.forecast_category || null,
  };
}

export function StagesTab() {
  const pipelines = usePipelines();
  const [pipelineId, setPipelineId] = useState<string>('');
  const pid = pipelineId || pipelines.data?.find((p) => p.is_default)?.id || pipelines.data?.[0]?.id || '';
  const stages = useStages(pid || undefined);
  const qc = useQueryClient();
  const toast = useToast();
  const [newPipeline, setNewPipeline] = useState('');
  const [newStage, setNewStage] = useState('');

  async function invalidate() {
    await Promise.all([qc.invalidateQueries({ queryKey: ['stages'] }), qc.invalidateQueries({ queryKey: ['pipelines'] })]);
  }

  async function addPipeline(e: React.FormEvent) {
    e.preventDefault();
    if (!newPipeline.trim()) return;
    try {
      const p = await api.post<RecordData>('/pipelines', { name: newPipeline.trim() });
      setNewPipeline('');
      await invalidate();
      setPipelineId(p.id);
      toast.show(`Pipeline “${p.name}” added: give it stages`);
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    }
  }

  async function addStage(e: React.FormEvent) {
    e.preventDefault();
    if (!newStage.trim() || !pid) return;
    const list = stages.data ?? [];
    // Before the won/lost stages, after the last open one.
    const lastOpen = [...list].reverse().find((s) => s.kind === 'open');
    const position = lastOpen ? Number(lastOpen.position) + 1 : 0;
    try {
      // Make room: the stages after it move down one place.
      for (const s of [...list].reverse()) {
        if (Number(s.position) >= position) await api.patch(`/stages/${s.id}`, { position: Number(s.position) + 1 }, s.version);
      }
      await api.post('/stages', { pipeline_id: pid, name: newStage.trim(), position, probability: Number(lastOpen?.probability ?? 10), kind: 'open' });
      setNewStage('');
      toast.show(`Stage “${newStage.trim()}” added`);
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    } finally {
      await invalidate();
    }
  }

  async function move(s: RecordData, dir: -1 | 1) {
    const list = stages.data ?? [];
    const i = list.findIndex((x) => x.id === s.id);
    const other = list[i + dir];
    if (!other) return;
    try {
      await api.patch(`/stages/${s.id}`, { position: Number(other.position) }, s.version);
      await api.patch(`/stages/${other.id}`, { position: Number(s.position) }, other.version);
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    } finally {
      await invalidate();
    }
  }

  return (
    <section className="card stages-admin">
      <div className="card-head">
        <h2>Pipelines and stages</h2>
      </div>
      <p className="muted small">
        Exit criteria: a deal cannot move forward out of a stage (to a later stage or to won) until the fields are filled and the activities are done. Moving back or to
        lost is never blocked.
      </p>
      <div className="row gap wrap">
        <label htmlFor="admin-pipeline" className="sr-only">
          Pipeline
        </label>
        <select id="admin-pipeline" value={pid} onChange={(e) => setPipelineId(e.target.value)}>
          {pipelines.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {String(p.name)}
              {p.is_default ? ' (default)' : ''}
            </option>
          ))}
        </select>
        <form className="row gap" onSubmit={(e) => void addPipeline(e)}>
          <label htmlFor="new-pipeline" className="sr-only">
            New pipeline name
          </label>
          <input id="new-pipeline" placeholder="New pipeline…" value={newPipeline} onChange={(e) => setNewPipeline(e.target.value)} />
          <button className="btn sm" type="submit" disabled={!newPipeline.trim()}>
            Add pipeline
          </button>
        </form>
      </div>
      <ol className="stage-list">
        {stages.data?.map((s, i) => (
          <StageEditor key={s.id} stage={s} first={i === 0} last={i === (stages.data?.length ?? 0) - 1} onMove={(d) => void move(s, d)} onSaved={invalidate} />
        ))}
      </ol>
      {stages.data?.length === 0 && <p className="muted">This pipeline has no stages yet: deals cannot be created in it.</p>}
      <form className="row gap" onSubmit={(e) => void addStage(e)}>
        <label htmlFor="new-stage" className="sr-only">
          New stage name
        </label>
        <input id="new-stage" placeholder="New stage…" value={newStage} onChange={(e) => setNewStage(e.target.value)} />
        <button className="btn sm" type="submit" disabled={!newStage.trim() || !pid}>
          Add stage
        </button>
      </form>
    </section>
  );
}

function StageEditor({ stage, first, last, onMove, onSaved }: { stage: RecordData; first: boolean; last: boolean; onMove: (d: -1 | 1) => void; onSaved: () => Promise<void> }) {
  const oppFields = useFields('opportunities');
  const candidates = useMemo(() => oppFields.filter((f) => !NOT_CRITERIA.has(f.name) && !f.read_only), [oppFields]);
  const [draft, setDraft] = useState<Draft>(() => toDraft(stage));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const toast = useToast();
  useEffect(() => setDraft(toDraft(stage)), [stage]);
  const dirty = JSON.stringify(toPatch(draft)) !== JSON.stringify(toPatch(toDraft(stage)));
  const set = (k: keyof Draft, v: Draft[keyof Draft]) => setDraft((d) => ({ ...d, [k]: v }));
  const toggle = (k: 'required_fields' | 'required_activities', v: string, on: boolean) =>
    setDraft((d) => ({ ...d, [k]: on ? [...d[k], v] : d[k].filter((x) => x !== v) }));
  const id = (f: string) => `stage-${stage.id}-${f}`;

  async function save() {
    setSaving(true);
    setErrors({});
    try {
      await api.patch(`/stages/${stage.id}`, toPatch(draft), stage.version);
      toast.show(`Stage “${draft.name}” saved`);
      await onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        toast.show('Someone else changed this stage; it is reloaded.', { kind: 'error' });
        await onSaved();
      } else if (e instanceof ApiError && e.field) setErrors({ [e.field]: fieldMessage(e.message, e.field) });
      else setErrors({ _: errorMessage(e) });
    } finally {
      setSaving(false);
    }
  }
  const err = (f: string) => (errors[f] ? <div className="field-error">{errors[f]}</div> : null);

  return (
    <li className={`stage-editor kind-${draft.kind}`} data-testid="stage-editor" data-stage={String(stage.name)}>
      <div className="stage-order">
        <button className="icon-btn sm" aria-label={`Move ${stage.name} up`} disabled={first} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button className="icon-btn sm" aria-label={`Move ${stage.name} down`} disabled={last} onClick={() => onMove(1)}>
          ↓
        </button>
      </div>
      <div className="stage-fields">
        <div className={`form-row${errors.name ? ' has-error' : ''}`}>
          <label htmlFor={id('name')}>Name</label>
          <input id={id('name')} value={draft.name} onChange={(e) => set('name', e.target.value)} />
          {err('name')}
        </div>
        <div className={`form-row${errors.probability ? ' has-error' : ''}`}>
          <label htmlFor={id('probability')}>Probability %</label>
          <input id={id('probability')} type="number" min={0} max={100} value={draft.probability} onChange={(e) => set('probability', e.target.value)} />
          {err('probability')}
        </div>
        <div className="form-row">
          <label htmlFor={id('kind')}>Kind</label>
          <select id={id('kind')} value={draft.kind} onChange={(e) => set('kind', e.target.value)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {humanize(k)}
              </option>
            ))}
          </select>
        </div>
        <div className={`form-row${errors.expected_days ? ' has-error' : ''}`}>
          <label htmlFor={id('expected_days')}>Expected days</label>
          <input id={id('expected_days')} type="number" min={0} value={draft.expected_days} onChange={(e) => set('expected_days', e.target.value)} />
          {err('expected_days')}
        </div>
        <div className="form-row">
          <label htmlFor={id('forecast')}>Forecast category</label>
          <select id={id('forecast')} value={draft.forecast_category} onChange={(e) => set('forecast_category', e.target.value)}>
            <option value="">From probability</option>
            {FORECAST.map((k) => (
              <option key={k} value={k}>
                {humanize(k)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {draft.kind === 'open' && (
        <div className="exit-criteria">
          <fieldset className={errors.required_fields ? 'has-error' : ''}>
            <legend>Fields required to leave</legend>
            <div className="chips-pick">
              {candidates.map((f) => (
                <label key={f.name} className="check small">
                  <input type="checkbox" checked={draft.required_fields.includes(f.name)} onChange={(e) => toggle('required_fields', f.name, e.target.checked)} />
                  {f.label}
                </label>
              ))}
              {draft.required_fields
                .filter((n) => !candidates.some((f) => f.name === n))
                .map((n) => (
                  <label key={n} className="check small unknown" title="Not a field of opportunities">
                    <input type="checkbox" checked onChange={() => toggle('required_fields', n, false)} />
                    {n}
                  </label>
                ))}
            </div>
            {err('required_fields')}
          </fieldset>
          <fieldset>
            <legend>Activities required to leave</legend>
            <div className="chips-pick">
              {ACTIVITY_TYPES.map((t) => (
                <label key={t} className="check small">
                  <input type="checkbox" checked={draft.required_activities.includes(t)} onChange={(e) => toggle('required_activities', t, e.target.checked)} />
                  {humanize(t)}
                </label>
              ))}
            </div>
            {err('required_activities')}
          </fieldset>
        </div>
      )}
      <div className="stage-save">
        {errors._ && <span className="field-error">{errors._}</span>}
        <button className="btn primary sm" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {dirty && (
          <button className="btn ghost sm" onClick={() => setDraft(toDraft(stage))}>
            Undo changes
          </button>
        )}
      </div>
    </li>
  );
}
