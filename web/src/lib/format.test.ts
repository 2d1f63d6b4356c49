import { describe, expect, it } from 'vitest';
import { formatRelative, formatValue, humanize, initials } from './format';
import type { Field } from '../api/types';

describe('format', () => {
  it('names people by initials', () => {
    expect(initials('Ada King Lovelace')).toBe('AL');
    expect(initials('')).toBe('?');
  });
  it('humanizes picklist values', () => {
    expect(humanize('web_form')).toBe('Web form');
  });
  it('formats relative times', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(formatRelative('2026-01-09T12:00:00Z', now)).toMatch(/yesterday|1 day ago/);
    expect(formatRelative('2026-01-10T12:00:10Z', now)).toBe('just now');
  });
  it('formats values by type', () => {
    const b: Field = { name: 'b', label: 'B', type: 'bool', required: false, read_only: false, custom: false, indexed: false };
    expect(formatValue(b, true)).toBe('Yes');
    expect(formatValue({ ...b, type: 'multi_picklist' }, ['a_b', 'c'])).toBe('A b, C');
    expect(formatValue({ ...b, type: 'money' }, 1500, { currency: 'EUR' })).toMatch(/1,500|1\.500|1 500/);
  });
});
