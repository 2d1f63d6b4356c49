import { describe, expect, it } from 'vitest';
import { describeNextStep, stepErrorAt, summariseSteps, toApiSteps } from './cadences';

describe('cadences', () => {
  it('finds the step a field error names', () => {
    expect(stepErrorAt('steps[2].day')).toEqual({ index: 2, key: 'day' });
    expect(stepErrorAt('steps[0]')).toEqual({ index: 0, key: '' });
    expect(stepErrorAt('steps')).toBeNull();
    expect(stepErrorAt('name')).toBeNull();
    expect(stepErrorAt(null)).toBeNull();
  });
  it('summarises steps and the next one', () => {
    expect(
      summariseSteps([
        { type: 'call', day: 0, subject: 'a', notes: '' },
        { type: 'email', day: 2, subject: 'b', notes: '' },
      ]),
    ).toBe('Call day 0 → Email day 2');
    expect(describeNextStep({ number: 2, of: 3, type: 'email', day: 2, subject: 'x', due_at: null, activity_id: null })).toBe(
      'Step 2 of 3 · Email',
    );
  });
  it('sends days as numbers and leaves bad ones for the server to name', () => {
    expect(toApiSteps([{ type: 'call', day: '3', subject: 's', notes: '' }])).toEqual([{ type: 'call', day: 3, subject: 's' }]);
    expect(toApiSteps([{ type: 'call', day: 'x', subject: 's', notes: 'n' }])).toEqual([{ type: 'call', day: 'x', subject: 's', notes: 'n' }]);
  });
});
