// Team selling's REST shapes and query keys (issue 5, src/http/api_team.cc).
import { api } from '../api/client';

export interface TeamMember {
  id: string;
  user_id: string;
  user_name: string | null;
  user_email: string | null;
  role: string;
  access: 'read' | 'edit';
  created_at: string;
}

export interface Team {
  data: TeamMember[];
  can_manage: boolean;
  owner_id: string | null;
}

export interface FollowState {
  following: boolean;
  reason: string | null;
  followers: number;
}

export interface FeedItem {
  id: string;
  at: string;
  user_id: string | null;
  user_name: string | null;
  action: string;
  object: string;
  record_id: string;
  about: { object: string; id: string; title: string };
  changes: Array<{ field: string; from: unknown; to: unknown }>;
  activity?: { id: string; type: string; subject: string };
  team_member?: { user_id: string; user_name: string };
}

export interface FeedPage {
  data: FeedItem[];
  next_cursor: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  object: string | null;
  record_id: string | null;
  message: string;
  created_at: string;
  read_at: string | null;
}

export const teamKey = (object: string, id: string) => ['team', object, id];
export const followKey = (object: string, id: string) => ['follow', object, id];
export const feedKey = (object: string, id: string) => ['feed', object, id];
export const notificationsKey = ['notifications'];

export const teamApi = {
  team: (object: string, id: string, signal?: AbortSignal) => api.get<Team>(`/${object}/${id}/team`, undefined, signal),
  roles: (signal?: AbortSignal) => api.get<{ data: string[]; defaults: string[] }>('/team_roles', undefined, signal),
  feed: (path: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<FeedPage>(path, [['limit', 20], ['cursor', cursor]], signal),
};

/** "sales_engineer" -> "Sales engineer". */
export function roleLabel(role: string): string {
  const s = role.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A team change in a record's history (audit action team_add|team_change|team_remove, member as JSON). */
export function teamChange(h: { action: string; old_value?: unknown; new_value?: unknown }): { verb: string; userId: string | null; role: string | null } | null {
  if (!h.action.startsWith('team_')) return null;
  const parse = (v: unknown) => {
    if (v && typeof v === 'object') return v as { user_id?: string; role?: string };
    try {
      return typeof v === 'string' ? (JSON.parse(v) as { user_id?: string; role?: string }) : null;
    } catch {
      return null;
    }
  };
  const m = parse(h.new_value) ?? parse(h.old_value);
  const verb = h.action === 'team_add' ? 'added to the team' : h.action === 'team_remove' ? 'removed from the team' : 'changed the team role of';
  return { verb, userId: m?.user_id ?? null, role: m?.role ?? null };
}
