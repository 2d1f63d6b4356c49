import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { RecordData } from '../api/types';
import { runBulk, summarize } from './bulk';

const rec = (id: string): RecordData => ({ id, version: 1, created_at: '', updated_at: '' });

describe('bulk changes', () => {
  it('skips records changed meanwhile (412) and reports failures, never overwriting', async () => {
    const r = await runBulk([rec('a'), rec('b'), rec('c')], async (x) => {
      if (x.id === 'b') throw new ApiError(412, 'precondition_failed', 'changed', null);
      if (x.id === 'c') throw new ApiError(403, 'permission_denied', 'not yours', null);
      return { ...x, version: 2 };
    });
    expect(r.ok.map((x) => x.id)).toEqual(['a']);
    expect(r.conflicts.map((x) => x.id)).toEqual(['b']);
    expect(r.errors[0].message).toBe('not yours');
    expect(summarize('Updated', 'leads', r)).toBe('Updated 1 leads; 1 skipped: changed by someone else meanwhile; 1 failed: not yours');
  });
  it('runs at most N requests at once', async () => {
    let running = 0,
      peak = 0;
    await runBulk(
      Array.from({ length: 10 }, (_, i) => rec(String(i))),
      async (x) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return x;
      },
      3,
    );
    expect(peak).toBe(3);
  });
});
