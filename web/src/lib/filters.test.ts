import { describe, expect, it } from 'vitest';
import { describeFilter, formatFilter, nextSort, opsFor, parseFilter, parseSort } from './filters';
import type { Field } from '../api/types';

const amount: Field = { name: 'amount', label: 'Amount', type: 'money', required: false, read_only: false, custom: false, indexed: false };

describe('filters', () => {
  it('parses field:op:value, keeping colons inside the value', () => {
    expect(parseFilter('due_at:lt:2026-01-01T10:00:00Z')).toEqual({ field: 'due_at', op: 'lt', value: '2026-01-01T10:00:00Z' });
    expect(parseFilter('owner_id:is_null')).toEqual({ field: 'owner_id', op: 'is_null', value: '' });
    expect(parseFilter('nope')).toBeNull();
    expect(parseFilter('a:bogus:1')).toBeNull();
  });
  it('round-trips through formatFilter', () => {
    for (const s of ['status:in:new,working', 'amount:gte:1000', 'company:starts_with:Ac']) expect(formatFilter(parseFilter(s)!)).toBe(s);
    expect(formatFilter({ field: 'x', op: 'is_null', value: '' })).toBe('x:is_null:true');
  });
  it('describes filters in words', () => {
    expect(describeFilter(parseFilter('amount:gte:1000')!, amount)).toBe('Amount at least 1000');
    expect(describeFilter(parseFilter('amount:is_null:true')!, amount)).toBe('Amount is empty');
  });
  it('offers operators that fit the type', () => {
    expect(opsFor('bool')).toEqual(['eq']);
    expect(opsFor('text')[0]).toBe('starts_with');
    expect(opsFor('picklist')).toContain('in');
  });
  it('cycles a column sort ascending, descending', () => {
    expect(nextSort('-created_at', 'name')).toBe('name');
    expect(nextSort('name', 'name')).toBe('-name');
    expect(nextSort('-name', 'name')).toBe('name');
    expect(parseSort('-a,b')).toEqual({ field: 'a', desc: true });
  });
});
