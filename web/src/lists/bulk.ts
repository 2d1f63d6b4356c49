// Bulk changes: one PATCH or DELETE per record (with its version, so a
// record someone else changed meanwhile is skipped, never overwritten),
// four at a time.
import { api, errorMessage, isApiError } from '../api/client';
import type { RecordData } from '../api/types';

export interface BulkResult {
  ok: RecordData[];
  conflicts: RecordData[];
  errors: Array<{ record: RecordData; message: string }>;
}

export async function runBulk(records: RecordData[], op: (r: RecordData) => Promise<RecordData>, concurrency = 4): Promise<BulkResult> {
  const res: BulkResult = { ok: [], conflicts: [], errors: [] };
  let next = 0;
  async function worker() {
    while (next < records.length) {
      const r = records[next++];
      try {
        res.ok.push(await op(r));
      } catch (e) {
        if (isApiError(e, 412)) res.conflicts.push(r);
        else res.errors.push({ record: r, message: errorMessage(e) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return res;
}

export function bulkPatch(object: string, records: RecordData[], patch: Record<string, unknown>) {
  return runBulk(records, (r) => api.patch<RecordData>(`/${object}/${r.id}`, patch, r.version));
}

export function bulkDelete(object: string, records: RecordData[]) {
  return runBulk(records, (r) => api.del<RecordData>(`/${object}/${r.id}`, r.version));
}

export function bulkRestore(object: string, records: RecordData[]) {
  return runBulk(records, (r) => api.post<RecordData>(`/${object}/${r.id}/restore`));
}

export function summarize(verb: string, noun: string, r: BulkResult): string {
  const parts = [`${verb} ${r.ok.length} ${noun}`];
  if (r.conflicts.length) parts.push(`${r.conflicts.length} skipped: changed by someone else meanwhile`);
  if (r.errors.length) parts.push(`${r.errors.length} failed: ${r.errors[0].message}`);
  return parts.join('; ');
}
