// Administration: users (invite, role, team, deactivate), teams, what each
// role may see, and custom fields (added at run time; they appear in every
// list, filter, form and record page at once).
import { useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, asApiError, errorMessage } from '../api/client';
import { useMetadata, useTeams, useUsers } from '../api/hooks';
import type { Field, FieldType, RecordData } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { FieldValue } from '../components/FieldValue';
import { useToast } from '../components/Toast';
import { humanize } from '../lib/format';
import { LIST_OBJECTS, objectConfig } from '../lib/objects';
import { NewRecordDialog } from '../records/NewRecordDialog';
import { StagesTab } from './StagesTab';
import { FormsAdmin } from '../leads/FormsAdmin';
import { ScoringAdmin } from '../leads/ScoringAdmin';
import { AssignmentAdmin } from '../leads/AssignmentAdmin';
import { CadencesAdmin } from '../cadences/CadencesAdmin'; // issue 5: follow-up cadences

export function AdminPage() {
  const me = useMe();
  if (me.role !== 'admin')
    return (
      <div className="page">
        <h1>Admin</h1>
        <p className="error-box">Only administrators can open this page.</p>
      </div>
    );
  return (
    <div className="page admin-page">
      <div className="page-head">
        <h1>Admin</h1>
      </div>
      <nav className="tabs" aria-label="Admin sections">
        <NavLink to="/admin/users">Users</NavLink>
        <NavLink to="/admin/teams">Teams</NavLink>
        <NavLink to="/admin/roles">Roles</NavLink>
        <NavLink to="/admin/fields">Custom fields</NavLink>
        <NavLink to="/admin/stages">Pipelines</NavLink>
        <NavLink to="/admin/forms">Web forms</NavLink>
        <NavLink to="/admin/lead-scoring">Lead scoring</NavLink>
        <NavLink to="/admin/lead-assignment">Lead assignment</NavLink>
        <NavLink to="/admin/cadences">Cadences</NavLink>
      </nav>
      <Routes>
        <Route index element={<Navigate to="users" replace />} />
        <Route path="users" element={<UsersTab />} />
        <Route path="teams" element={<TeamsTab />} />
        <Route path="roles" element={<RolesTab />} />
        <Route path="fields" element={<FieldsTab />} />
        <Route path="stages" element={<StagesTab />} />
        <Route path="forms" element={<FormsAdmin />} />
        <Route path="lead-scoring" element={<ScoringAdmin />} />
        <Route path="lead-assignment" element={<AssignmentAdmin />} />
        <Route path="cadences" element={<CadencesAdmin />} />
      </Routes>
    </div>
  );
}

function useInlinePatch(object: string, invalidate: string[]) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: ({ r, patch }: { r: RecordData; patch: Record<string, unknown> }) => api.patch<RecordData>(`/${object}/${r.id}`, patch, r.version),
    onSuccess: () => invalidate.forEach((k) => void qc.invalidateQueries({ queryKey: [k] })),
    onError: (e) => {
      toast.show(errorMessage(e), { kind: 'error' });
      invalidate.forEach((k) => void qc.invalidateQueries({ queryKey: [k] }));
    },
  });
}

function UsersTab() {
  const users = useUsers();
  const teams = useTeams();
  const me = useMe();
  const patch = useInlinePatch('users', ['users-all']);
  const [inviting, setInviting] = useState(false);
  const [created, setCreated] = useState<RecordData | null>(null);
  const qc = useQueryClient();
  return (
    <section className="card">
      <div className="card-head">
        <h2>Users</h2>
        <button className="btn primary sm" onClick={() => setInviting(true)}>
          Add user
        </button>
      </div>
      {created && created.one_time_password ? (
        <div className="notice" role="status">
          {String(created.name)} can sign in as <strong>{String(created.email)}</strong> with the one-time password{' '}
          <code data-testid="one-time-password">{String(created.one_time_password)}</code>. It is shown only now; they choose their own at first
          sign-in.{' '}
          <button className="btn link sm" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      {users.isError && <p className="field-error">{errorMessage(users.error)}</p>}
      <div className="table-wrap">
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Team</th>
              <th>Active</th>
              <th>Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id}>
                <td className="first" data-label="Name">
                  {String(u.name)}
                </td>
                <td data-label="Email">{String(u.email)}</td>
                <td data-label="Role">
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={String(u.role)}
                    disabled={u.id === me.id || patch.isPending}
                    onChange={(e) => patch.mutate({ r: u, patch: { role: e.target.value } })}
                  >
                    {['admin', 'manager', 'rep'].map((r) => (
                      <option key={r} value={r}>
                        {humanize(r)}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label="Team">
                  <select
                    aria-label={`Team of ${u.name}`}
                    value={String(u.team_id ?? '')}
                    disabled={patch.isPending}
                    onChange={(e) => patch.mutate({ r: u, patch: { team_id: e.target.value || null } })}
                  >
                    <option value="">—</option>
                    {teams.data?.map((t) => (
                      <option key={t.id} value={t.id}>
                        {String(t.name)}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label="Active">
                  <input
                    type="checkbox"
                    aria-label={`${u.name} is active`}
                    checked={u.active !== false}
                    disabled={u.id === me.id || patch.isPending}
                    onChange={(e) => patch.mutate({ r: u, patch: { active: e.target.checked } })}
                  />
                </td>
                <td data-label="Last sign-in">
                  <FieldValue field={{ name: 'last_login_at', type: 'datetime' } as Field} value={u.last_login_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NewRecordDialog
        object="users"
        open={inviting}
        onClose={() => setInviting(false)}
        navigateOnCreate={false}
        onCreated={(r) => {
          setCreated(r);
          void qc.invalidateQueries({ queryKey: ['users-all'] });
        }}
      />
    </section>
  );
}

function TeamsTab() {
  const teams = useTeams();
  const users = useUsers();
  const [adding, setAdding] = useState(false);
  const qc = useQueryClient();
  const patch = useInlinePatch('teams', ['teams-all']);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Teams</h2>
        <button className="btn primary sm" onClick={() => setAdding(true)}>
          Add team
        </button>
      </div>
      <p className="muted small">Reps see their own records and those shared with their team; managers see their teams' records.</p>
      <div className="table-wrap">
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Team</th>
              <th>Manager</th>
              <th>Members</th>
            </tr>
          </thead>
          <tbody>
            {teams.data?.map((t) => (
              <tr key={t.id}>
                <td className="first" data-label="Team">
                  {String(t.name)}
                </td>
                <td data-label="Manager">
                  <select
                    aria-label={`Manager of ${t.name}`}
                    value={String(t.manager_id ?? '')}
                    onChange={(e) => patch.mutate({ r: t, patch: { manager_id: e.target.value || null } })}
                  >
                    <option value="">—</option>
                    {users.data?.map((u) => (
                      <option key={u.id} value={u.id}>
                        {String(u.name)}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label="Members">
                  {(users.data ?? [])
                    .filter((u) => u.team_id === t.id)
                    .map((u) => String(u.name))
                    .join(', ') || <span className="muted">none</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {teams.data?.length === 0 && <p className="muted">No teams yet.</p>}
      </div>
      <NewRecordDialog
        object="teams"
        open={adding}
        onClose={() => setAdding(false)}
        navigateOnCreate={false}
        onCreated={() => void qc.invalidateQueries({ queryKey: ['teams-all'] })}
      />
    </section>
  );
}

function RolesTab() {
  return (
    <section className="card">
      <h2>Roles</h2>
      <p className="muted small">A user's role sets what they may see and do. Change it on the Users tab.</p>
      <table className="data-table compact">
        <thead>
          <tr>
            <th>Role</th>
            <th>Sees</th>
            <th>May also</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td className="first">Rep</td>
            <td>Their own records and those shared with their team</td>
            <td>Create records, log activities</td>
          </tr>
          <tr>
            <td className="first">Manager</td>
            <td>Every record of the teams they manage</td>
            <td>Reassign their teams' records</td>
          </tr>
          <tr>
            <td className="first">Admin</td>
            <td>Every record of the organisation</td>
            <td>Manage users, teams and custom fields</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

const TYPES: FieldType[] = ['text', 'long_text', 'number', 'money', 'date', 'datetime', 'bool', 'picklist', 'multi_picklist', 'email', 'phone', 'url', 'reference'];

export function slugify(label: string): string {
  const s = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^cf_/, '');
  return /^[a-z]/.test(s) ? s.slice(0, 60) : s ? `f_${s}`.slice(0, 60) : '';
}

function FieldsTab() {
  const meta = useMetadata();
  const [object, setObject] = useState<string>('leads');
  const fields = meta.data?.[object]?.fields ?? [];
  return (
    <div className="fields-admin">
      <section className="card">
        <div className="card-head">
          <h2>Fields of</h2>
          <label htmlFor="cf-object" className="sr-only">
            Object
          </label>
          <select id="cf-object" value={object} onChange={(e) => setObject(e.target.value)}>
            {LIST_OBJECTS.map((o) => (
              <option key={o} value={o}>
                {objectConfig(o).plural}
              </option>
            ))}
          </select>
        </div>
        <div className="table-wrap">
          <table className="data-table compact">
            <thead>
              <tr>
                <th>Label</th>
                <th>API name</th>
                <th>Type</th>
                <th>Required</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => (
                <tr key={f.name}>
                  <td className="first" data-label="Label">
                    {f.label} {f.custom && <span className="badge">custom</span>}
                  </td>
                  <td data-label="API name">
                    <code>{f.name}</code>
                  </td>
                  <td data-label="Type">
                    {humanize(f.type)}
                    {f.reference ? ` → ${f.reference}` : ''}
                    {f.options ? ` (${f.options.length} options)` : ''}
                  </td>
                  <td data-label="Required">{f.required ? 'Yes' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <AddFieldForm object={object} />
    </div>
  );
}

function AddFieldForm({ object }: { object: string }) {
  const [label, setLabel] = useState('');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [type, setType] = useState<FieldType>('text');
  const [options, setOptions] = useState('');
  const [reference, setReference] = useState('accounts');
  const [required, setRequired] = useState(false);
  const [indexed, setIndexed] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const add = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { name: nameTouched ? name : slugify(label), label: label.trim(), type, required, indexed };
      if (type === 'picklist' || type === 'multi_picklist')
        body.options = options
          .split('\n')
          .map((o) => o.trim())
          .filter(Boolean);
      if (type === 'reference') body.reference = reference;
      return api.post<Field>(`/metadata/${object}/fields`, body);
    },
    onSuccess: (f) => {
      toast.show(`Field “${f.label}” added to ${objectConfig(object).plural.toLowerCase()}`);
      setLabel('');
      setName('');
      setNameTouched(false);
      setOptions('');
      setRequired(false);
      setError(null);
      void qc.invalidateQueries({ queryKey: ['metadata'] });
      void qc.invalidateQueries({ queryKey: ['list', object] });
    },
    onError: (e) => setError(asApiError(e)),
  });
  const err = (f: string) =>
    error?.field === f ? (
      <div className="field-error" id={`cf-${f}-error`} role="alert">
        {error.message}
      </div>
    ) : null;
  return (
    <section className="card">
      <h2>Add a field to {objectConfig(object).plural.toLowerCase()}</h2>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
        noValidate
      >
        <div className="form-row">
          <label htmlFor="cf-label">Label</label>
          <input id="cf-label" value={label} onChange={(e) => setLabel(e.target.value)} aria-invalid={error?.field === 'label' || undefined} />
          {err('label')}
        </div>
        <div className="form-row">
          <label htmlFor="cf-name">API name</label>
          <input
            id="cf-name"
            value={nameTouched ? name : slugify(label)}
            onChange={(e) => {
              setNameTouched(true);
              setName(e.target.value);
            }}
            aria-invalid={error?.field === 'name' || undefined}
          />
          {err('name')}
        </div>
        <div className="form-row">
          <label htmlFor="cf-type">Type</label>
          <select id="cf-type" value={type} onChange={(e) => setType(e.target.value as FieldType)}>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
          {err('type')}
        </div>
        {(type === 'picklist' || type === 'multi_picklist') && (
          <div className="form-row">
            <label htmlFor="cf-options">Options, one per line</label>
            <textarea id="cf-options" rows={4} value={options} onChange={(e) => setOptions(e.target.value)} aria-invalid={error?.field === 'options' || undefined} />
            {err('options')}
          </div>
        )}
        {type === 'reference' && (
          <div className="form-row">
            <label htmlFor="cf-ref">Points to</label>
            <select id="cf-ref" value={reference} onChange={(e) => setReference(e.target.value)}>
              {['accounts', 'contacts', 'leads', 'opportunities', 'users', 'teams'].map((o) => (
                <option key={o} value={o}>
                  {objectConfig(o).plural}
                </option>
              ))}
            </select>
            {err('reference')}
          </div>
        )}
        <div className="form-row checks">
          <label className="check">
            <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> Required
          </label>
          <label className="check">
            <input type="checkbox" checked={indexed} onChange={(e) => setIndexed(e.target.checked)} /> Indexed (fast filters and sorting)
          </label>
        </div>
        <div className="form-error" role="alert">
          {error && !['label', 'name', 'type', 'options', 'reference'].includes(error.field ?? '') ? error.message : ''}
        </div>
        <div className="row end">
          <button className="btn primary" type="submit" disabled={!label.trim() || add.isPending}>
            {add.isPending ? 'Adding…' : 'Add field'}
          </button>
        </div>
      </form>
    </section>
  );
}
