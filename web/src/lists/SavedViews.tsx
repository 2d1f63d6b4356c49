// Saved views: a user's named filter + sort + columns per object (the
// `views` object of the API, owned per user).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, isApiError } from '../api/client';
import type { Page, SavedView } from '../api/types';
import { Popover } from '../components/Popover';
import { useToast } from '../components/Toast';

export interface ViewState {
  filters: string[];
  sort: string;
  columns: string[];
}

function parseJsonList(s: string | null | undefined): string[] {
  if (!s) return [];
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export function viewToState(v: SavedView): ViewState {
  return { filters: parseJsonList(v.filters), sort: v.sort ?? '', columns: parseJsonList(v.columns) };
}

export function useSavedViews(object: string) {
  return useQuery({
    queryKey: ['views', object],
    retry: false,
    staleTime: 30_000,
    queryFn: async ({ signal }) =>
      (await api.get<Page<SavedView>>('/views', [['filter', `object:eq:${object}`], ['sort', 'name'], ['limit', 200]], signal)).data,
  });
}

export function SavedViews({
  object,
  current,
  activeId,
  onSelect,
}: {
  object: string;
  current: ViewState;
  activeId: string | null;
  onSelect: (view: SavedView | null) => void;
}) {
  const views = useSavedViews(object);
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const active = views.data?.find((v) => v.id === activeId) ?? null;
  const body = (n: string) => ({
    name: n,
    object,
    filters: JSON.stringify(current.filters),
    sort: current.sort,
    columns: JSON.stringify(current.columns),
  });
  const save = useMutation({
    mutationFn: (n: string) => api.post<SavedView>('/views', body(n)),
    onSuccess: (v) => {
      void qc.invalidateQueries({ queryKey: ['views', object] });
      setName('');
      onSelect(v);
      toast.show(`View “${v.name}” saved`);
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });
  const update = useMutation({
    mutationFn: (v: SavedView) => api.patch<SavedView>(`/views/${v.id}`, body(v.name), v.version),
    onSuccess: (v) => {
      void qc.invalidateQueries({ queryKey: ['views', object] });
      toast.show(`View “${v.name}” updated`);
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });
  const remove = useMutation({
    mutationFn: (v: SavedView) => api.del(`/views/${v.id}`, v.version),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['views', object] });
      onSelect(null);
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });

  const unavailable = views.isError && isApiError(views.error, 404);
  return (
    <Popover label={<span className="view-name">{active ? active.name : 'All records'} ▾</span>} buttonClassName="btn ghost view-btn">
      {(close) => (
        <div className="views-menu">
          <div className="popover-title">Views</div>
          <ul>
            <li>
              <button
                className={`menu-item${!activeId ? ' active' : ''}`}
                onClick={() => {
                  onSelect(null);
                  close();
                }}
              >
                All records
              </button>
            </li>
            {views.data?.map((v) => (
              <li key={v.id}>
                <button
                  className={`menu-item${v.id === activeId ? ' active' : ''}`}
                  onClick={() => {
                    onSelect(v);
                    close();
                  }}
                >
                  {v.name}
                </button>
              </li>
            ))}
          </ul>
          {unavailable && <p className="muted small">Saved views are not available on this server yet.</p>}
          {views.isError && !unavailable && <p className="field-error">{errorMessage(views.error)}</p>}
          {!unavailable && (
            <>
              {active && (
                <div className="row gap">
                  <button className="btn sm" onClick={() => update.mutate(active)} disabled={update.isPending}>
                    Update “{active.name}”
                  </button>
                  <button className="btn sm danger" onClick={() => remove.mutate(active)} disabled={remove.isPending}>
                    Delete
                  </button>
                </div>
              )}
              <form
                className="row gap"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (name.trim()) save.mutate(name.trim());
                }}
              >
                <label htmlFor="view-name" className="sr-only">
                  Name of the new view
                </label>
                <input id="view-name" placeholder="Save current view as…" value={name} onChange={(e) => setName(e.target.value)} />
                <button className="btn sm primary" type="submit" disabled={!name.trim() || save.isPending}>
                  Save
                </button>
              </form>
            </>
          )}
        </div>
      )}
    </Popover>
  );
}
