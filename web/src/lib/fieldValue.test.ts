import { describe, expect, it } from 'vitest';
import { fromInput, isoToLocalInput, localInputToIso, sameValue, toInput } from './fieldValue';
import type { Field, FieldType } from '../api/types';

const f = (type: FieldType): Field => ({ name: 'x', label: 'X', type, required: false, read_only: false, custom: false, indexed: false });

describe('field values', () => {
  it('turns empty input into null', () => {
    expect(fromInput(f('text'), '   ')).toBeNull();
    expect(fromInput(f('number'), '')).toBeNull();
  });
  it('reads numbers as people type them', () => {
    expect(fromInput(f('money'), '1,234.50')).toBe(1234.5);
    expect(fromInput(f('money'), '1 234,5')).toBe(1234.5);
    expect(fromInput(f('number'), '42')).toBe(42);
  });
  it('sends text the API must judge as it is (never guesses)', () => {
    expect(fromInput(f('number'), 'twelve')).toBe('twelve');
    expect(fromInput(f('email'), ' not-an-email ')).toBe('not-an-email');
  });
  it('keeps long text exactly', () => {
    expect(fromInput(f('long_text'), '  line 1\nline 2 ')).toBe('  line 1\nline 2 ');
  });
  it('converts date-times between local inputs and UTC instants', () => {
    const iso = '2026-03-04T05:06:00.000Z';
    expect(localInputToIso(isoToLocalInput(iso))).toBe(iso);
    expect(toInput(f('datetime'), null)).toBe('');
  });
  it('handles booleans and multi-picklists', () => {
    expect(toInput(f('bool'), null)).toBe(false);
    expect(fromInput(f('multi_picklist'), ['a', 'b'])).toEqual(['a', 'b']);
    expect(sameValue(['a'], ['a'])).toBe(true);
    expect(sameValue('', null)).toBe(true);
    expect(sameValue(1, 2)).toBe(false);
  });
});
