// The Team card of an account or opportunity: who works on it, in which
// role, with read or edit access. The owner, a manager of the owner's team
// and administrators add, change and remove members; members see the list.
import './team.css';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useUsers } from '../api/hooks';
import type { RecordData } from '../api/types';
import { useToast } from '../components/Toast';
import { feedKey, followKey, roleLabel, teamApi, teamKey, type TeamMember } from './api';

export function TeamPanel({ object, record }: { object: string; record: RecordData }) {
  const id = record.id;
  const qc = useQueryClient();
  const toast = useToast();
  const team = useQuery({ queryKey: teamKey(object, id), queryFn: ({ signal }) => teamApi.team(object, id, signal) });
  const roles = useQuery({ queryKey: ['team-roles'], staleTime: 60_000, queryFn: ({ signal }) => teamApi.roles(signal) });
  const users = useUsers();
  const [adding, setAdding] = useState(false);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState('sales_engineer');
  const [access, setAccess] = useState<'read' | 'edit'>('read');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: teamKey(object, id) });
    void qc.invalidateQueries({ queryKey: feedKey(object, id) });
    void qc.invalidateQueries({ queryKey: followKey(object, id) });
    void qc.invalidateQueries({ queryKey: ['history', object, id] });
  };
  const add = useMutation({
    mutationFn: () => api.post<TeamMember>(`/${object}/${id}/team`, { user_id: userId, role, access }),
    onSuccess: (m) => {
      setAdding(false);
      setUserId('');
      setError(null);
      refresh();
      toast.show(`${m.user_name ?? 'Member'} added to the team`);
    },
    onError: (e) => setError({ field: (e as { field?: string }).field ?? null, message: errorMessage(e) }),
  });
  const change = useMutation({
    mutationFn: (v: { member: TeamMember; patch: Partial<Pick<TeamMember, 'role' | 'access'>> }) =>
      api.patch<TeamMember>(`/${object}/${id}/team/${v.member.id}`, v.patch),
    onSuccess: refresh,
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });
  const remove = useMutation({
    mutationFn: (m: TeamMember) => api.del<void>(`/${object}/${id}/team/${m.id}`),
    onSuccess: (_v, m) => {
      refresh();
      toast.show(`${m.user_name ?? 'Member'} removed from the team`);
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });

  const members = team.data?.data ?? [];
  const manage = team.data?.can_manage ?? false;
  const taken = new Set([...members.map((m) => m.user_id), String(record.owner_id ?? '')]);
  const candidates = (users.data ?? []).filter((u) => !taken.has(u.id) && u.active !== false && u.active !== 0);
  const roleList = roles.data?.data ?? ['account_executive', 'sales_engineer', 'executive_sponsor', 'support'];

  return (
    <section className="card team-panel" aria-labelledby="team-title" data-testid="team-panel">
      <div className="card-head">
        <h2 id="team-title">Team</h2>
        {manage && !adding && (
          <button className="btn ghost sm" onClick={() => setAdding(true)}>
            + Add member
          </button>
        )}
      </div>
      {team.isError && <p className="field-error">{errorMessage(team.error)}</p>}
      {members.length === 0 && !team.isLoading && <p className="muted small">Only the owner works on this {object === 'accounts' ? 'account' : 'deal'}.</p>}
      <ul className="team-list">
        {members.map((m) => (
          <li key={m.id} className="team-member">
            <span className="avatar sm" aria-hidden="true">
              {(m.user_name ?? '?').slice(0, 1)}
            </span>
            <div className="team-who">
              <strong>{m.user_name ?? m.user_id}</strong>
              {manage ? (
                <div className="row gap small">
                  <select
                    aria-label={`Role of ${m.user_name}`}
                    value={m.role}
                    disabled={change.isPending}
                    onChange={(e) => change.mutate({ member: m, patch: { role: e.target.value } })}
                  >
                    {(roleList.includes(m.role) ? roleList : [...roleList, m.role]).map((r) => (
                      <option key={r} value={r}>
                        {roleLabel(r)}
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label={`Access of ${m.user_name}`}
                    value={m.access}
                    disabled={change.isPending}
                    onChange={(e) => change.mutate({ member: m, patch: { access: e.target.value as 'read' | 'edit' } })}
                  >
                    <option value="read">Can view</option>
                    <option value="edit">Can edit</option>
                  </select>
                </div>
              ) : (
                <span className="muted small">
                  {roleLabel(m.role)} · {m.access === 'edit' ? 'can edit' : 'can view'}
                </span>
              )}
            </div>
            {manage && (
              <button
                className="icon-btn"
                aria-label={`Remove ${m.user_name} from the team`}
                title="Remove from the team"
                disabled={remove.isPending}
                onClick={() => remove.mutate(m)}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {adding && (
        <form
          className="team-add"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <label>
            Person
            <select value={userId} onChange={(e) => setUserId(e.target.value)} aria-invalid={error?.field === 'user_id' || undefined} required>
              <option value="">Choose…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {String(u.name ?? u.email)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)} aria-invalid={error?.field === 'role' || undefined}>
              {roleList.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Access
            <select value={access} onChange={(e) => setAccess(e.target.value as 'read' | 'edit')}>
              <option value="read">Can view</option>
              <option value="edit">Can edit</option>
            </select>
          </label>
          {error && (
            <div className="field-error" role="alert">
              {error.message}
            </div>
          )}
          <div className="row end gap">
            <button type="button" className="btn ghost sm" onClick={() => setAdding(false)}>
              Cancel
            </button>
            <button type="submit" className="btn primary sm" disabled={!userId || add.isPending}>
              {add.isPending ? 'Adding…' : 'Add to team'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
