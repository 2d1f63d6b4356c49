import { describe, expect, it } from 'vitest';
import type { Field, RecordData } from '../api/types';
import {
  describeConditions,
  explanationSummary,
  formableFields,
  formatPoints,
  parseExplanation,
  parseFactors,
  readConditions,
  responseState,
  writeConditions,
} from './leadInfo';

describe('score explanation', () => {
  it('reads the stored JSON text', () => {
    const e = parseExplanation('{"total":25,"rules":[{"id":"r1","name":"Budget set","points":20,"why":"budget is_null false"},{"name":"CFO","points":5}]}');
    expect(e?.total).toBe(25);
    expect(e?.rules.map((r) => r.name)).toEqual(['Budget set', 'CFO']);
    expect(explanationSummary(e)).toBe('Budget set +20, CFO +5');
  });
  it('says so when nothing is stored or nothing fired', () => {
    expect(parseExplanation(null)).toBeNull();
    expect(parseExplanation('not json')).toBeNull();
    expect(explanationSummary(null)).toBe('Not scored by rules');
    expect(explanationSummary(parseExplanation('{"total":0,"rules":[]}'))).toBe('No scoring rule applies');
  });
  it('formats negative points with a real minus', () => {
    expect(formatPoints(-5)).toBe('−5');
    expect(formatPoints(0)).toBe('0');
  });
  it('reads predicted factors', () => {
    expect(parseFactors('{"model_id":"m","factors":[{"feature":"industry=finance","effect":0.8,"text":"industry = finance (+0.80)"}]}')).toEqual([
      { text: 'industry = finance (+0.80)', effect: 0.8 },
    ]);
    expect(parseFactors(null)).toEqual([]);
  });
});

describe('first response', () => {
  const base = { id: 'l', version: 1, created_at: '', updated_at: '' } as RecordData;
  const now = Date.parse('2026-01-01T12:00:00Z');
  it('responded, pending, overdue, unassigned', () => {
    expect(responseState({ ...base, first_response_at: '2026-01-01T10:00:00Z', response_minutes: 12 }, 60, now)).toEqual({ state: 'responded', minutes: 12 });
    expect(responseState({ ...base, assigned_at: '2026-01-01T11:30:00Z' }, 60, now)).toEqual({ state: 'pending', minutes: 30 });
    expect(responseState({ ...base, assigned_at: '2026-01-01T10:00:00Z' }, 60, now).state).toBe('overdue');
    expect(responseState({ ...base, assigned_at: '2026-01-01T11:50:00Z', escalated_at: '2026-01-01T11:59:00Z' }, 60, now).state).toBe('overdue');
    expect(responseState(base, 60, now).state).toBe('unassigned');
  });
});

describe('form fields', () => {
  const f = (name: string, type: Field['type'], read_only = false) => ({ name, label: name, type, read_only, required: false, custom: false, indexed: false }) as Field;
  it('offers only what a public form may ask', () => {
    const names = formableFields([f('email', 'email'), f('owner_id', 'reference'), f('status', 'picklist'), f('score_explanation', 'long_text', true), f('campaign_id', 'reference'), f('company', 'text')]).map((x) => x.name);
    expect(names).toEqual(['email', 'company']);
  });
});

describe('assignment conditions', () => {
  it('round-trips the editor shape, keeping conditions it does not edit', () => {
    const stored = '{"country":{"in":["FR","BE"]},"postcode":{"gte":"75000","lte":"75999"},"employees":{"gte":50},"title":{"contains":"CEO"}}';
    const c = readConditions(stored);
    expect(c.countries).toBe('FR, BE');
    expect(c.postcodeFrom).toBe('75000');
    expect(c.employeesMin).toBe('50');
    expect(c.other).toEqual({ title: { contains: 'CEO' } });
    expect(writeConditions(c)).toEqual(JSON.parse(stored));
    expect(describeConditions(stored)).toBe('country FR, BE · postcode 75000–75999 · employees 50–∞ · title (custom condition)');
  });
  it('writes nothing for empty inputs', () => {
    expect(writeConditions(readConditions(null))).toEqual({});
    expect(describeConditions('{}')).toBe('every lead');
    expect(writeConditions({ ...readConditions(null), sources: ['web_form'], industries: ' software , ' })).toEqual({ source: { in: ['web_form'] }, industry: { in: ['software'] } });
  });
});
