// Lead scoring rules (Admin → Lead scoring): each rule is a field condition
// (BANT and the like: "budget is set", "title contains CFO") or recent
// activity, worth some points; a lead's score is the sum of the rules that
// hold, and its page shows which did. Auto-qualify threshold and a rescore
// of every lead after changing rules (docs/decisions/012).
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useFields } from '../api/hooks';
import type { Page, RecordData } from '../api/types';
import { useToast } from '../components/Toast';
import { humanize } from '../lib/format';
import { formatPoints } from './leadInfo';
import { useSubmit } from '../lib/useSubmit';
import './leads.css';
import { RuleActions } from '../components/RuleActions';

const OPS: Array<[string, string]> = [
  ['eq', 'is'],
  ['ne', 'is not'],
  ['gt', 'is more than'],
  ['gte', 'is at least'],
  ['lt', 'is less than'],
  ['lte', 'is at most'],
  ['in', 'is one of (comma list)'],
  ['not_in', 'is none of (comma list)'],
  ['contains', 'contains'],
  ['starts_with', 'starts with'],
  ['is_null', 'is empty (true/false)'],
];
const ACTIVITY_TYPES = ['', 'call', 'meeting', 'visit', 'email', 'task', 'note'];
const NOT_SCORABLE = new Set(['id', 'version', 'score', 'score_explanation', 'scored_at', 'predicted_score', 'predicted_factors', 'deleted_at']);

interface Draft {
  name: string;
  kind: 'field' | 'activity';
  field: string;
  operator: string;
  value: string;
  days: string;
  activityType: string;
  points: string;
  active: boolean;
}

function toDraft(r: RecordData | null): Draft {
  return {
    name: String(r?.name ?? ''),
    kind: r?.activity_within_days ? 'activity' : 'field',
    field: String(r?.field ?? ''),
    operator: String(r?.operator ?? 'eq'),
    value: r?.value == null ? '' : String(r.value),
    days: r?.activity_within_days == null ? '14' : String(r.activity_within_days),
    activityType: String(r?.activity_type ?? ''),
    points: r?.points == null ? '10' : String(r.points),
    active: r ? r.active !== false : true,
  };
}

function describe(r: RecordData, label: (f: string) => string): string {
  if (r.activity_within_days) return `${r.activity_type ? humanize(String(r.activity_type)) : 'Any activity'} within ${r.activity_within_days} days`;
  if (r.operator === 'is_null') return `${label(String(r.field ?? ''))} ${String(r.value) === 'false' ? 'is not empty' : 'is empty'}`;
  const op = OPS.find(([k]) => k === r.operator)?.[1] ?? String(r.operator);
  return `${label(String(r.field ?? ''))} ${op.replace(/ \(.*\)$/, '')} ${r.value ?? ''}`.trim();
}

export function ScoringAdmin() {
  const rules = useQuery({
    queryKey: ['scoring-rules'],
    queryFn: ({ signal }) => api.get<Page>('/scoring_rules', [['filter', 'object:eq:leads'], ['sort', 'position'], ['limit', 500]], signal),
  });
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: ({ signal }) => api.get<{ auto_qualify_score: number | null }>('/settings', undefined, signal),
  });
  const fields = useFields('leads');
  const label = (f: string) => fields.find((x) => x.name === f)?.label ?? f;
  const [editing, setEditing] = useState<RecordData | 'new' | null>(null);
  const [threshold, setThreshold] = useState<string | null>(null);
  const [rescoring, setRescoring] = useState(false);
  const qc = useQueryClient();
  const toast = useToast();

  async function rescore() {
    setRescoring(true);
    try {
      const r = await api.post<{ scanned: number; changed: number; qualified: number }>('/leads/rescore', {});
      void qc.invalidateQueries({ queryKey: ['list', 'leads'] });
      void qc.invalidateQueries({ queryKey: ['record', 'leads'] });
      toast.show(`Rescored ${r.scanned} leads: ${r.changed} changed, ${r.qualified} qualified`);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    } finally {
      setRescoring(false);
    }
  }

  async function saveThreshold(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api.patch('/settings', { auto_qualify_score: threshold === null || threshold.trim() === '' ? null : Number(threshold) });
      void qc.invalidateQueries({ queryKey: ['settings'] });
      setThreshold(null);
      toast.show('Auto-qualify threshold saved');
    } catch (err) {
      toast.show(errorMessage(err), { kind: 'error' });
    }
  }

  async function toggle(r: RecordData) {
    const on = r.active === false;
    // At once; the refetch confirms.
    qc.setQueryData<Page>(['scoring-rules'], (p) => p && { ...p, data: p.data.map((x) => (x.id === r.id ? { ...x, active: on } : x)) });
    try {
      await api.patch(`/scoring_rules/${r.id}`, { active: on }, r.version);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['scoring-rules'] });
  }

  async function remove(r: RecordData) {
    if (!window.confirm(`Delete the scoring rule “${r.name}”?`)) return;
    try {
      await api.del(`/scoring_rules/${r.id}`, r.version);
      toast.show(`Rule “${r.name}” deleted; rescore to update existing leads`);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['scoring-rules'] });
  }

  const list = rules.data?.data ?? [];
  return (
    <div className="lead-admin">
      <section className="card">
        <div className="card-head">
          <h2>Lead scoring rules</h2>
          <button className="btn sm" onClick={() => void rescore()} disabled={rescoring}>
            {rescoring ? 'Rescoring…' : 'Rescore all leads'}
          </button>
          <button className="btn primary sm" onClick={() => setEditing('new')}>
            Add rule
          </button>
        </div>
        <p className="muted small">
          A lead’s score is the sum of the points of the active rules it meets — budget, authority, need, timeline, recent activity. New and changed
          leads are scored at once; rescore after changing rules to update the others.
        </p>
        {rules.isError && <p className="field-error">{errorMessage(rules.error)}</p>}
        <ul className="rule-list" aria-label="Scoring rules">
          {list.map((r) => (
            <li key={r.id} className={`rule-item${r.active === false ? ' inactive' : ''}`}>
              <span className={`rule-pos ${Number(r.points) < 0 ? 'overdue' : ''}`}>{formatPoints(Number(r.points))}</span>
              <div className="rule-main">
                <strong>{String(r.name)}</strong>
                <div className="muted small">{describe(r, label)}</div>
              </div>
              <RuleActions
                name={String(r.name)}
                active={r.active !== false}
                onToggle={() => void toggle(r)}
                onEdit={() => setEditing(r)}
                onDelete={() => void remove(r)}
              />
              {editing !== 'new' && editing?.id === r.id && (
                <div style={{ gridColumn: '1 / -1' }}>
                  <ScoringRuleEditor rule={r} position={Number(r.position ?? 0)} onDone={() => setEditing(null)} />
                </div>
              )}
            </li>
          ))}
        </ul>
        {rules.data && list.length === 0 && <p className="muted">No rules yet: leads keep the score they were given.</p>}
        {editing === 'new' && <ScoringRuleEditor rule={null} position={list.length ? Number(list[list.length - 1].position ?? 0) + 10 : 10} onDone={() => setEditing(null)} />}
      </section>
      <section className="card">
        <h2>Auto-qualify</h2>
        <form className="row gap wrap" onSubmit={(e) => void saveThreshold(e)}>
          <label htmlFor="aq-threshold">New and working leads become qualified at a score of</label>
          <input
            id="aq-threshold"
            type="number"
            style={{ width: '7rem' }}
            placeholder="never"
            value={threshold ?? (settings.data?.auto_qualify_score == null ? '' : String(settings.data.auto_qualify_score))}
            onChange={(e) => setThreshold(e.target.value)}
          />
          <button className="btn sm" type="submit" disabled={threshold === null}>
            Save
          </button>
        </form>
        <p className="muted small">Leave empty to qualify by hand only.</p>
      </section>
    </div>
  );
}

function ScoringRuleEditor({ rule, position, onDone }: { rule: RecordData | null; position: number; onDone: () => void }) {
  const [d, setD] = useState<Draft>(() => toDraft(rule));
  const { error, busy, submit, fieldError } = useSubmit();
  const fields = useFields('leads');
  const scorable = useMemo(() => fields.filter((f) => !NOT_SCORABLE.has(f.name)), [fields]);
  const qc = useQueryClient();
  const toast = useToast();
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const idp = rule ? rule.id : 'new';

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = { name: d.name.trim(), object: 'leads', points: Number(d.points), active: d.active };
    if (d.kind === 'field') Object.assign(body, { field: d.field, operator: d.operator, value: d.value, activity_within_days: null, activity_type: null });
    else Object.assign(body, { field: null, operator: null, value: null, activity_within_days: Number(d.days), activity_type: d.activityType || null });
    if (!rule) body.position = position;
    await submit(async () => {
      if (rule) await api.patch(`/scoring_rules/${rule.id}`, body, rule.version);
      else await api.post('/scoring_rules', body);
      void qc.invalidateQueries({ queryKey: ['scoring-rules'] });
      toast.show(`Rule “${d.name.trim()}” saved; rescore to update existing leads`);
      onDone();
    });
  }

  return (
    <form className="rule-editor" onSubmit={(e) => void save(e)} noValidate aria-label={rule ? `Edit rule ${rule.name}` : 'New scoring rule'}>
      <div className="form-grid">
        <div className="form-row">
          <label htmlFor={`sr-name-${idp}`}>Rule name</label>
          <input id={`sr-name-${idp}`} value={d.name} placeholder="Budget confirmed" onChange={(e) => set({ name: e.target.value })} />
          {fieldError('name')}
        </div>
        <div className="form-row">
          <label htmlFor={`sr-points-${idp}`}>Points</label>
          <input id={`sr-points-${idp}`} type="number" value={d.points} onChange={(e) => set({ points: e.target.value })} />
          {fieldError('points')}
        </div>
        <div className="form-row">
          <label htmlFor={`sr-kind-${idp}`}>When</label>
          <select id={`sr-kind-${idp}`} value={d.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>
            <option value="field">a field matches</option>
            <option value="activity">there was recent activity</option>
          </select>
        </div>
        {d.kind === 'field' ? (
          <>
            <div className="form-row">
              <label htmlFor={`sr-field-${idp}`}>Field</label>
              <select id={`sr-field-${idp}`} value={d.field} onChange={(e) => set({ field: e.target.value })}>
                <option value="">Choose…</option>
                {scorable.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.label}
                  </option>
                ))}
              </select>
              {fieldError('field')}
            </div>
            <div className="form-row">
              <label htmlFor={`sr-op-${idp}`}>Condition</label>
              <select id={`sr-op-${idp}`} value={d.operator} onChange={(e) => set({ operator: e.target.value })}>
                {OPS.map(([k, l]) => (
                  <option key={k} value={k}>
                    {l}
                  </option>
                ))}
              </select>
              {fieldError('operator')}
            </div>
            <div className="form-row">
              <label htmlFor={`sr-value-${idp}`}>Value</label>
              <input id={`sr-value-${idp}`} value={d.value} onChange={(e) => set({ value: e.target.value })} />
              {fieldError('value')}
            </div>
          </>
        ) : (
          <>
            <div className="form-row">
              <label htmlFor={`sr-days-${idp}`}>Within (days)</label>
              <input id={`sr-days-${idp}`} type="number" min={1} value={d.days} onChange={(e) => set({ days: e.target.value })} />
              {fieldError('activity_within_days')}
            </div>
            <div className="form-row">
              <label htmlFor={`sr-type-${idp}`}>Activity type</label>
              <select id={`sr-type-${idp}`} value={d.activityType} onChange={(e) => set({ activityType: e.target.value })}>
                {ACTIVITY_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t ? humanize(t) : 'Any'}
                  </option>
                ))}
              </select>
              {fieldError('activity_type')}
            </div>
          </>
        )}
        <div className="form-row checks">
          <label className="check">
            <input type="checkbox" checked={d.active} onChange={(e) => set({ active: e.target.checked })} /> Active
          </label>
        </div>
      </div>
      <div className="form-error" role="alert">
        {error && !['name', 'points', 'field', 'operator', 'value', 'activity_within_days', 'activity_type'].includes(error.field ?? '') ? error.message : ''}
      </div>
      <div className="row end gap">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={busy || !d.name.trim()}>
          {busy ? 'Saving…' : 'Save rule'}
        </button>
      </div>
    </form>
  );
}
