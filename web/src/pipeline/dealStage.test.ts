import { reopenStage } from './DealStage';
import { reasonOptions } from './CloseReasonDialog';
import type { RecordData } from '../api/types';

const st = (id: string, kind: string): RecordData => ({ id, name: id.toUpperCase(), kind, version: 1 }) as unknown as RecordData;
const stages = [st('q', 'open'), st('p', 'open'), st('won', 'won'), st('lost', 'lost')];

describe('reopening a lost deal', () => {
  it('goes back to the open stage it was lost from', () => {
    const h = [
      { from_stage_id: null, to_stage_id: 'q' },
      { from_stage_id: 'q', to_stage_id: 'p' },
      { from_stage_id: 'p', to_stage_id: 'lost' },
    ];
    expect(reopenStage(stages, h, 'lost')?.id).toBe('p');
  });
  it('falls back to the first open stage', () => {
    expect(reopenStage(stages, [], 'lost')?.id).toBe('q');
    expect(reopenStage(stages, [{ from_stage_id: 'won', to_stage_id: 'lost' }], 'lost')?.id).toBe('q');
  });
});

describe('won/lost reasons offered', () => {
  it('leaves out the reason only the system sets', () => {
    expect(reasonOptions(['quote_accepted', 'price', 'competitor'])).toEqual(['price', 'competitor']);
    expect(reasonOptions(undefined)).toEqual([]);
  });
});
