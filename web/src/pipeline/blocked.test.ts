import { blockedFromError, describeMissing, onlyNeedsReason, parseBlockedMove } from './blocked';
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

describe('blocked moves from the 422 details', () => {
  it('prefers the details over the message', () => {
    const b = blockedFromError("stage_id: cannot leave 'Qualify' yet: whatever the words", 'amount', {
      missing_fields: ['amount'],
      missing_activities: ['meeting'],
      from_stage: ['Qualify'],
    });
    expect(b).toEqual({ from: 'Qualify', fields: ['amount'], activities: ['meeting'], other: null });
    expect(describeMissing(b, [f('amount', 'Amount')])).toEqual(['Amount', 'a completed meeting']);
    expect(onlyNeedsReason(b)).toBe(false);
  });
  it('knows when only the won/lost reason is missing', () => {
    const b = blockedFromError('close_reason: a won deal needs a reason', 'close_reason', {
      missing_fields: ['close_reason'],
      missing_activities: [],
      to_kind: ['won'],
    });
    expect(onlyNeedsReason(b)).toBe(true);
    expect(describeMissing(b, [])).toEqual(['a won/lost reason']);
  });
  it('falls back to the message without details', () => {
    const b = blockedFromError("stage_id: cannot leave 'Demo' yet: missing activities: call", 'stage_id', null);
    expect(b).toEqual({ from: 'Demo', fields: [], activities: ['call'], other: null });
  });
});
