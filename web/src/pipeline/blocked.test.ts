import { describeMissing, parseBlockedMove } from './blocked';
import type { Field } from '../api/types';

const f = (name: string, label: string): Field => ({ name, label, type: 'text', required: false, read_only: false, custom: false, indexed: false });

describe('blocked stage moves', () => {
  it('reads the missing fields and activities from the 422 message', () => {
    const b = parseBlockedMove("stage_id: cannot leave 'Qualify' yet: missing fields: amount, budget_confirmed; missing activities: meeting, call", 'amount');
    expect(b).toEqual({ from: 'Qualify', fields: ['amount', 'budget_confirmed'], activities: ['meeting', 'call'], other: null });
    expect(describeMissing(b, [f('amount', 'Amount'), f('budget_confirmed', 'Budget confirmed')])).toEqual([
      'Amount',
      'Budget confirmed',
      'a completed meeting',
      'a completed call',
    ]);
  });
  it('handles activities only', () => {
    const b = parseBlockedMove("stage_id: cannot leave 'Demo' yet: missing activities: note", 'stage_id');
    expect(b.fields).toEqual([]);
    expect(describeMissing(b, [])).toEqual(['a logged note']);
  });
  it('knows the won/lost reason and keeps other messages', () => {
    expect(describeMissing(parseBlockedMove('close_reason: a won deal needs a reason', 'close_reason'), [])).toEqual(['a won/lost reason']);
    expect(parseBlockedMove('stage_id: the stage belongs to another pipeline').other).toBe('the stage belongs to another pipeline');
  });
});

describe('blocked move shown on the record page', () => {
  it('reads the message after the field prefix was stripped', () => {
    const b = parseBlockedMove("Cannot leave 'Qualify' yet: missing fields: close_date");
    expect(b.from).toBe('Qualify');
    expect(b.fields).toEqual(['close_date']);
  });
});
