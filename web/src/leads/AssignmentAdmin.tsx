// Lead assignment (Admin → Lead assignment): the ordered rules — first match
// wins — with their conditions (territory by country, region and postcode
// range; industry; company size; source), strategy (round robin in a team,
// least loaded against each rep's capacity, a named owner) and active
// switch; reorder by dragging or with the arrow buttons. Below, each rep's
// capacity, working hours, time zone and out-of-office dates, which the
// rules respect (docs/decisions/012).
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, fieldMessage } from '../api/client';
import { useFields, useTeams, useUsers } from '../api/hooks';
import type { Page, RecordData } from '../api/types';
import { useToast } from '../components/Toast';
import { humanize } from '../lib/format';
import { EMPTY_CONDITIONS, describeConditions, readConditions, writeConditions, type RuleConditions } from './leadInfo';
import { useSubmit } from '../lib/useSubmit';
import './leads.css';
import { RuleActions } from '../components/RuleActions';

const STRATEGIES: Array<[string, string]> = [
  ['round_robin', 'Round robin within a team'],
  ['least_loaded', 'Least loaded rep of a team (open leads vs capacity)'],
  ['owner', 'A named owner'],
];

export function AssignmentAdmin() {
  const rules = useQuery({
    queryKey: ['assignment-rules'],
    queryFn: ({ signal }) => api.get<Page>('/assignment_rules', [['sort', 'position'], ['limit', 500]], signal),
  });
  const teams = useTeams();
  const users = useUsers();
  const [order, setOrder] = useState<RecordData[]>([]);
  const [editing, setEditing] = useState<RecordData | 'new' | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const qc = useQueryClient();
  const toast = useToast();
  useEffect(() => setOrder(rules.data?.data ?? []), [rules.data]);

  const teamName = (id: unknown) => teams.data?.find((t) => t.id === id)?.name ?? '—';
  const userName = (id: unknown) => users.data?.find((u) => u.id === id)?.name ?? '—';

  /** Saves the order shown: positions 10, 20, ... for the rules whose position changed. */
  async function saveOrder(next: RecordData[]) {
    setOrder(next);
    setSaving(true);
    try {
      for (let i = 0; i < next.length; i++) {
        const want = (i + 1) * 10;
        if (Number(next[i].position) !== want) await api.patch(`/assignment_rules/${next[i].id}`, { position: want }, next[i].version);
      }
      toast.show('Rule order saved');
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    } finally {
      setSaving(false);
      void qc.invalidateQueries({ queryKey: ['assignment-rules'] });
    }
  }
  function move(from: number, to: number) {
    if (to < 0 || to >= order.length || from === to) return;
    const next = [...order];
    const [r] = next.splice(from, 1);
    next.splice(to, 0, r);
    void saveOrder(next);
  }

  async function toggle(r: RecordData) {
    const on = r.active === false;
    setOrder((list) => list.map((x) => (x.id === r.id ? { ...x, active: on } : x))); // at once; the refetch confirms
    try {
      await api.patch(`/assignment_rules/${r.id}`, { active: on }, r.version);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['assignment-rules'] });
  }
  async function remove(r: RecordData) {
    if (!window.confirm(`Delete the assignment rule “${r.name}”?`)) return;
    try {
      await api.del(`/assignment_rules/${r.id}`, r.version);
      toast.show(`Rule “${r.name}” deleted`);
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
    void qc.invalidateQueries({ queryKey: ['assignment-rules'] });
  }

  return (
    <div className="lead-admin">
      <section className="card">
        <div className="card-head">
          <h2>Lead assignment rules</h2>
          <button className="btn primary sm" onClick={() => setEditing('new')}>
            Add rule
          </button>
        </div>
        <p className="muted small">
          New leads without an owner go through these rules from the top; the first rule whose conditions match and that has an available rep wins.
          Reps who are inactive, out of office or at capacity are skipped. Drag a rule, or use the arrows, to change the order.
        </p>
        {rules.isError && <p className="field-error">{errorMessage(rules.error)}</p>}
        <ol className="rule-list" aria-label="Assignment rules" aria-busy={saving}>
          {order.map((r, i) => (
            <li
              key={r.id}
              className={`rule-item${r.active === false ? ' inactive' : ''}${dragging === r.id ? ' dragging' : ''}`}
              draggable={!saving}
              data-testid="assignment-rule"
              onDragStart={(e) => {
                setDragging(r.id);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', r.id);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const from = order.findIndex((x) => x.id === e.dataTransfer.getData('text/plain'));
                setDragging(null);
                if (from >= 0) move(from, i);
              }}
            >
              <span className="rule-pos" aria-hidden="true">
                {i + 1}
              </span>
              <div className="rule-main">
                <strong>{String(r.name)}</strong> {r.active === false && <span className="badge">inactive</span>}
                <div className="muted small">
                  If {describeConditions(r.conditions)} →{' '}
                  {r.strategy === 'owner' ? `give to ${userName(r.user_id)}` : `${r.strategy === 'least_loaded' ? 'least loaded' : 'round robin'} in ${teamName(r.team_id)}`}
                </div>
              </div>
              <RuleActions
                name={String(r.name)}
                active={r.active !== false}
                onToggle={() => void toggle(r)}
                onEdit={() => setEditing(r)}
                onDelete={() => void remove(r)}
              >
                <span className="reorder">
                  <button className="icon-btn" aria-label={`Move ${r.name} up`} disabled={i === 0 || saving} onClick={() => move(i, i - 1)}>
                    ↑
                  </button>
                  <button className="icon-btn" aria-label={`Move ${r.name} down`} disabled={i === order.length - 1 || saving} onClick={() => move(i, i + 1)}>
                    ↓
                  </button>
                </span>
              </RuleActions>
              {editing !== 'new' && editing?.id === r.id && (
                <div style={{ gridColumn: '1 / -1' }}>
                  <AssignmentRuleEditor rule={r} position={Number(r.position ?? 0)} onDone={() => setEditing(null)} />
                </div>
              )}
            </li>
          ))}
        </ol>
        {rules.data && order.length === 0 && <p className="muted">No rules: new leads keep the owner they were created with.</p>}
        {editing === 'new' && (
          <AssignmentRuleEditor rule={null} position={(order.length + 1) * 10} onDone={() => setEditing(null)} />
        )}
      </section>
      <RepsCard />
    </div>
  );
}

interface Draft {
  name: string;
  active: boolean;
  strategy: string;
  team_id: string;
  user_id: string;
  description: string;
  cond: RuleConditions;
}

function AssignmentRuleEditor({ rule, position, onDone }: { rule: RecordData | null; position: number; onDone: () => void }) {
  const teams = useTeams();
  const users = useUsers();
  const leadFields = useFields('leads');
  const bands = leadFields.find((f) => f.name === 'employee_band')?.options ?? [];
  const sources = leadFields.find((f) => f.name === 'source')?.options ?? [];
  const [d, setD] = useState<Draft>(() => ({
    name: String(rule?.name ?? ''),
    active: rule ? rule.active !== false : true,
    strategy: String(rule?.strategy ?? 'round_robin'),
    team_id: String(rule?.team_id ?? ''),
    user_id: String(rule?.user_id ?? ''),
    description: String(rule?.description ?? ''),
    cond: rule ? readConditions(rule.conditions) : { ...EMPTY_CONDITIONS, sizes: [], sources: [], other: {} },
  }));
  const { error, busy, submit, fieldError } = useSubmit();
  const qc = useQueryClient();
  const toast = useToast();
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const setC = (p: Partial<RuleConditions>) => setD((x) => ({ ...x, cond: { ...x.cond, ...p } }));
  const idp = rule ? rule.id : 'new';

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {
      name: d.name.trim(),
      active: d.active,
      strategy: d.strategy,
      team_id: d.strategy === 'owner' ? null : d.team_id || null,
      user_id: d.strategy === 'owner' ? d.user_id || null : null,
      description: d.description.trim() || null,
      conditions: writeConditions(d.cond),
    };
    if (!rule) body.position = position;
    await submit(async () => {
      if (rule) await api.patch(`/assignment_rules/${rule.id}`, body, rule.version);
      else await api.post('/assignment_rules', body);
      void qc.invalidateQueries({ queryKey: ['assignment-rules'] });
      toast.show(`Assignment rule “${d.name.trim()}” saved`);
      onDone();
    });
  }
  const toggleIn = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  return (
    <form className="rule-editor" onSubmit={(e) => void save(e)} noValidate aria-label={rule ? `Edit rule ${rule.name}` : 'New assignment rule'}>
      <div className="form-grid">
        <div className="form-row">
          <label htmlFor={`ar-name-${idp}`}>Rule name</label>
          <input id={`ar-name-${idp}`} value={d.name} placeholder="France — Paris region" onChange={(e) => set({ name: e.target.value })} />
          {fieldError('name')}
        </div>
        <div className="form-row">
          <label htmlFor={`ar-strategy-${idp}`}>Give the lead to</label>
          <select id={`ar-strategy-${idp}`} value={d.strategy} onChange={(e) => set({ strategy: e.target.value })}>
            {STRATEGIES.map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
          {fieldError('strategy')}
        </div>
        {d.strategy === 'owner' ? (
          <div className="form-row">
            <label htmlFor={`ar-user-${idp}`}>Owner</label>
            <select id={`ar-user-${idp}`} value={d.user_id} onChange={(e) => set({ user_id: e.target.value })}>
              <option value="">Choose…</option>
              {users.data?.map((u) => (
                <option key={u.id} value={u.id}>
                  {String(u.name)}
                </option>
              ))}
            </select>
            {fieldError('user_id')}
          </div>
        ) : (
          <div className="form-row">
            <label htmlFor={`ar-team-${idp}`}>Team</label>
            <select id={`ar-team-${idp}`} value={d.team_id} onChange={(e) => set({ team_id: e.target.value })}>
              <option value="">Choose…</option>
              {teams.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {String(t.name)}
                </option>
              ))}
            </select>
            {fieldError('team_id')}
          </div>
        )}
      </div>
      <fieldset className="form-row wide plain">
        <legend>When the lead matches (empty = any)</legend>
        <div className="form-grid">
          <div className="form-row">
            <label htmlFor={`ar-country-${idp}`}>Countries (comma list)</label>
            <input id={`ar-country-${idp}`} value={d.cond.countries} placeholder="FR, BE" onChange={(e) => setC({ countries: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-region-${idp}`}>Regions (comma list)</label>
            <input id={`ar-region-${idp}`} value={d.cond.regions} placeholder="Île-de-France" onChange={(e) => setC({ regions: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-pc-from-${idp}`}>Postcode from</label>
            <input id={`ar-pc-from-${idp}`} value={d.cond.postcodeFrom} placeholder="75000" onChange={(e) => setC({ postcodeFrom: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-pc-to-${idp}`}>Postcode to</label>
            <input id={`ar-pc-to-${idp}`} value={d.cond.postcodeTo} placeholder="75999" onChange={(e) => setC({ postcodeTo: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-industry-${idp}`}>Industries (comma list)</label>
            <input id={`ar-industry-${idp}`} value={d.cond.industries} placeholder="Software, Finance" onChange={(e) => setC({ industries: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-emp-min-${idp}`}>Employees at least</label>
            <input id={`ar-emp-min-${idp}`} type="number" min={0} value={d.cond.employeesMin} onChange={(e) => setC({ employeesMin: e.target.value })} />
          </div>
          <div className="form-row">
            <label htmlFor={`ar-emp-max-${idp}`}>Employees at most</label>
            <input id={`ar-emp-max-${idp}`} type="number" min={0} value={d.cond.employeesMax} onChange={(e) => setC({ employeesMax: e.target.value })} />
          </div>
        </div>
        <div className="form-row">
          <span className="field-label">Company size</span>
          <div className="multi" role="group" aria-label="Company size">
            {bands.map((b) => (
              <label key={b} className="check">
                <input type="checkbox" checked={d.cond.sizes.includes(b)} onChange={() => setC({ sizes: toggleIn(d.cond.sizes, b) })} /> {b}
              </label>
            ))}
          </div>
        </div>
        <div className="form-row">
          <span className="field-label">Source</span>
          <div className="multi" role="group" aria-label="Source">
            {sources.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={d.cond.sources.includes(s)} onChange={() => setC({ sources: toggleIn(d.cond.sources, s) })} /> {humanize(s)}
              </label>
            ))}
          </div>
        </div>
        {Object.keys(d.cond.other).length > 0 && (
          <p className="muted small">Also kept: conditions on {Object.keys(d.cond.other).join(', ')} (set through the API).</p>
        )}
        {fieldError('conditions')}
      </fieldset>
      <div className="form-row checks">
        <label className="check">
          <input type="checkbox" checked={d.active} onChange={(e) => set({ active: e.target.checked })} /> Active
        </label>
      </div>
      <div className="form-error" role="alert">
        {error && !['name', 'strategy', 'team_id', 'user_id', 'conditions'].includes(error.field ?? '') ? error.message : ''}
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

// ---- reps' availability ---------------------------------------------------

const REP_FIELDS = ['capacity', 'working_hours', 'time_zone', 'out_of_office_from', 'out_of_office_to'] as const;
type RepField = (typeof REP_FIELDS)[number];

function RepsCard() {
  const users = useUsers();
  return (
    <section className="card" aria-labelledby="reps-title">
      <h2 id="reps-title">Reps’ availability</h2>
      <p className="muted small">
        Capacity is the most open leads a rep may hold (empty: 100). Working hours like <code>mon-fri 09:00-17:00</code> in the rep’s time zone (an
        IANA name such as <code>Europe/Paris</code>); reps outside their hours are passed over while a colleague is in. Out-of-office dates are
        inclusive.
      </p>
      <div className="table-wrap">
        <table className="data-table compact reps-table" aria-label="Reps">
          <thead>
            <tr>
              <th>Rep</th>
              <th>Capacity</th>
              <th>Working hours</th>
              <th>Time zone</th>
              <th>Out of office from</th>
              <th>until</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data
              ?.filter((u) => u.active !== false)
              .map((u) => (
                <RepRow key={`${u.id}-${u.version}`} user={u} />
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RepRow({ user }: { user: RecordData }) {
  const initial = Object.fromEntries(REP_FIELDS.map((f) => [f, user[f] == null ? '' : String(user[f])])) as Record<RepField, string>;
  const [v, setV] = useState(initial);
  const { error, busy, submit } = useSubmit();
  const qc = useQueryClient();
  const toast = useToast();
  const changed = REP_FIELDS.filter((f) => v[f] !== initial[f]);

  async function save() {
    const patch: Record<string, unknown> = {};
    for (const f of changed) patch[f] = v[f].trim() === '' ? null : f === 'capacity' ? Number(v[f]) : v[f].trim();
    await submit(async () => {
      await api.patch(`/users/${user.id}`, patch, user.version);
      toast.show(`${user.name}: availability saved`);
      void qc.invalidateQueries({ queryKey: ['users-all'] });
    });
  }
  const input = (f: RepField, label: string, type = 'text', placeholder = '') => (
    <td data-label={label}>
      <input
        type={type}
        aria-label={`${label} of ${user.name}`}
        value={v[f]}
        placeholder={placeholder}
        aria-invalid={error?.field === f || undefined}
        onChange={(e) => setV((x) => ({ ...x, [f]: e.target.value }))}
      />
      {error?.field === f && <div className="field-error">{fieldMessage(error.message, f)}</div>}
    </td>
  );
  return (
    <tr>
      <td className="first" data-label="Rep">
        {String(user.name)}
        <div className="muted small">{humanize(String(user.role ?? ''))}</div>
      </td>
      {input('capacity', 'Capacity', 'number', '100')}
      {input('working_hours', 'Working hours', 'text', 'mon-fri 09:00-17:00')}
      {input('time_zone', 'Time zone', 'text', 'Europe/Berlin')}
      {input('out_of_office_from', 'Out of office from', 'date')}
      {input('out_of_office_to', 'Out of office until', 'date')}
      <td>
        <button className="btn sm" disabled={busy || changed.length === 0} onClick={() => void save()} aria-label={`Save availability of ${user.name}`}>
          Save
        </button>
        {error && !REP_FIELDS.includes(error.field as RepField) && <div className="field-error">{error.message}</div>}
      </td>
    </tr>
  );
}
