// TanStack Query hooks over the API: metadata (refetched on focus, so a
// field an administrator adds shows up everywhere without a server restart
// or a page reload), cursor-paged lists, single records, and reference
// labels resolved in batches (one `id:in:` request per object per tick).
import { useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Field, Metadata, ObjectMeta, Page, RecordData } from './types';
import { recordTitle } from '../lib/objects';

export function useMetadata() {
  return useQuery({
    queryKey: ['metadata'],
    queryFn: async ({ signal }) => (await api.get<{ data: Metadata }>('/metadata', undefined, signal)).data,
    staleTime: 30_000,
    refetchOnWindowFocus: true,
  });
}

export function useObjectMeta(object: string): ObjectMeta | undefined {
  return useMetadata().data?.[object];
}

export function useFields(object: string): Field[] {
  return useObjectMeta(object)?.fields ?? EMPTY_FIELDS;
}
const EMPTY_FIELDS: Field[] = [];

export function fieldMap(fields: Field[]): Map<string, Field> {
  return new Map(fields.map((f) => [f.name, f]));
}

export interface ListSpec {
  object: string;
  filters: string[];
  sort?: string;
  limit?: number;
}

export function listKey(spec: ListSpec) {
  return ['list', spec.object, { filters: spec.filters, sort: spec.sort ?? '', limit: spec.limit ?? 50 }] as const;
}

/** A server-side filtered, sorted, cursor-paged list: only the pages asked for are loaded. */
export function useRecordList(spec: ListSpec, enabled = true) {
  const qc = useQueryClient();
  return useInfiniteQuery({
    queryKey: listKey(spec),
    enabled,
    initialPageParam: '' as string,
    queryFn: async ({ pageParam, signal }) => {
      const page = await api.get<Page>(
        `/${spec.object}`,
        [
          ...spec.filters.map((f): [string, string] => ['filter', f]),
          ['sort', spec.sort],
          ['limit', spec.limit ?? 50],
          ['cursor', pageParam || undefined],
        ],
        signal,
      );
      for (const r of page.data) primeRecord(qc, spec.object, r);
      return page;
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function primeRecord(qc: QueryClient, object: string, r: RecordData) {
  qc.setQueryData(['ref', object, r.id], { id: r.id, title: recordTitle(object, r), record: r });
}

export function useRecord(object: string, id: string | undefined) {
  return useQuery({
    queryKey: ['record', object, id],
    enabled: Boolean(id),
    queryFn: ({ signal }) => api.get<RecordData>(`/${object}/${id}`, undefined, signal),
  });
}

// ---- reference labels, batched ------------------------------------------

export interface RefLabel {
  id: string;
  title: string;
  record?: RecordData;
  missing?: boolean;
}

type Pending = { ids: Set<string>; waiters: Map<string, Array<(r: RefLabel) => void>> };
const pending = new Map<string, Pending>();

function flush(object: string) {
  const p = pending.get(object);
  pending.delete(object);
  if (!p) return;
  const ids = [...p.ids];
  // `in` takes at most a comma list; keep requests modest.
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    api
      .get<Page>(`/${object}`, [
        ['filter', `id:in:${chunk.join(',')}`],
        ['limit', chunk.length],
      ])
      .then((page) => {
        const byId = new Map(page.data.map((r) => [r.id, r]));
        for (const id of chunk) {
          const r = byId.get(id);
          const label: RefLabel = r ? { id, title: recordTitle(object, r), record: r } : { id, title: 'Not visible', missing: true };
          p.waiters.get(id)?.forEach((w) => w(label));
        }
      })
      .catch(() => {
        for (const id of chunk) p.waiters.get(id)?.forEach((w) => w({ id, title: id, missing: true }));
      });
  }
}

export function loadRef(object: string, id: string): Promise<RefLabel> {
  return new Promise((resolve) => {
    let p = pending.get(object);
    if (!p) {
      p = { ids: new Set(), waiters: new Map() };
      pending.set(object, p);
      setTimeout(() => flush(object), 0);
    }
    p.ids.add(id);
    const list = p.waiters.get(id) ?? [];
    list.push(resolve);
    p.waiters.set(id, list);
  });
}

export function useRefLabel(object: string | undefined, id: string | null | undefined) {
  return useQuery({
    queryKey: ['ref', object, id],
    enabled: Boolean(object && id),
    queryFn: () => loadRef(object!, id!),
    staleTime: 5 * 60_000,
  });
}

/** Users, for owner pickers and filters (an organisation's users fit in a few pages). */
export function useUsers() {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['users-all'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const page = await api.get<Page>('/users', [['sort', 'name'], ['limit', 1000]], signal);
      for (const r of page.data) primeRecord(qc, 'users', r);
      return page.data;
    },
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ['teams-all'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => (await api.get<Page>('/teams', [['sort', 'name'], ['limit', 1000]], signal)).data,
  });
}

export function usePipelines() {
  return useQuery({
    queryKey: ['pipelines'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => (await api.get<Page>('/pipelines', [['sort', 'name'], ['limit', 200]], signal)).data,
  });
}

export function useStages(pipelineId?: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['stages', pipelineId ?? 'all'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const page = await api.get<Page>(
        '/stages',
        [
          ['filter', pipelineId ? `pipeline_id:eq:${pipelineId}` : undefined],
          ['sort', 'position'],
          ['limit', 1000],
        ],
        signal,
      );
      for (const r of page.data) primeRecord(qc, 'stages', r);
      return page.data;
    },
  });
}
