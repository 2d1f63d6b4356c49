import { describe, expect, it } from 'vitest';
import {
  budgetUse,
  callbackPresets,
  dispositionFilename,
  fromLocalInput,
  mailingSummary,
  outcomeForKey,
  outcomeLabel,
  personName,
  phoneNumbers,
  rates,
  telHref,
  toLocalInput,
} from './campaigns';
import type { RecordData } from '../api/types';

const local = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi, 0, 0);
const byKey = (now: Date) => Object.fromEntries(callbackPresets(now).map((p) => [p.key, p.at]));

describe('callback presets', () => {
  it('offers in 1 hour, tomorrow 9:00 and the Monday after tomorrow', () => {
    // Wednesday 2026-03-11 10:30 local time.
    const now = local(2026, 3, 11, 10, 30);
    const p = byKey(now);
    expect(p.in1h.getTime() - now.getTime()).toBe(3600e3);
    expect(p.in3h.getTime() - now.getTime()).toBe(3 * 3600e3);
    expect(p.today14).toEqual(local(2026, 3, 11, 14));
    expect(p.tomorrow9).toEqual(local(2026, 3, 12, 9));
    expect(p.tomorrow14).toEqual(local(2026, 3, 12, 14));
    expect(p.monday9).toEqual(local(2026, 3, 16, 9));
  });
  it('drops "today 14:00" once it is past 13:00', () => {
    const p = byKey(local(2026, 3, 11, 13, 5));
    expect(p.today14).toBeUndefined();
    expect(p.tomorrow9).toEqual(local(2026, 3, 12, 9));
  });
  it('never makes "next Monday" tomorrow or today', () => {
    // Sunday: tomorrow is Monday, so next Monday is a week later.
    expect(byKey(local(2026, 3, 15, 18)).monday9).toEqual(local(2026, 3, 23, 9));
    // Monday: the next one.
    expect(byKey(local(2026, 3, 16, 8)).monday9).toEqual(local(2026, 3, 23, 9));
    // Saturday: the day after tomorrow.
    expect(byKey(local(2026, 3, 14, 8)).monday9).toEqual(local(2026, 3, 16, 9));
  });
  it('crosses month and year ends', () => {
    expect(byKey(local(2026, 12, 31, 20)).tomorrow9).toEqual(local(2027, 1, 1, 9));
  });
  it('keeps presets in time order and in the future', () => {
    for (const now of [local(2026, 3, 11, 8), local(2026, 3, 14, 23, 30), local(2026, 3, 15, 0, 10)]) {
      const times = callbackPresets(now).map((p) => p.at.getTime());
      expect(times.every((t) => t > now.getTime())).toBe(true);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });
});

describe('datetime-local round trip', () => {
  it('formats and parses local minutes', () => {
    const d = local(2026, 7, 4, 9, 5);
    expect(toLocalInput(d)).toBe('2026-07-04T09:05');
    expect(fromLocalInput('2026-07-04T09:05')).toBe(d.toISOString());
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});

describe('outcomes', () => {
  it('maps keys 1–6 to outcomes and nothing else', () => {
    expect(outcomeForKey('1')).toBe('reached');
    expect(outcomeForKey('2')).toBe('no_answer');
    expect(outcomeForKey('6')).toBe('callback');
    expect(outcomeForKey('7')).toBeNull();
    expect(outcomeForKey('0')).toBeNull();
    expect(outcomeForKey('a')).toBeNull();
    expect(outcomeForKey('12')).toBeNull();
  });
  it('labels outcomes', () => {
    expect(outcomeLabel('no_answer')).toBe('No answer');
    expect(outcomeLabel('callback')).toBe('Call back');
    expect(outcomeLabel('odd_one')).toBe('odd one');
    expect(outcomeLabel(null)).toBe('');
  });
});

describe('people', () => {
  it('names a person and lists the numbers to dial', () => {
    expect(personName({ object: 'leads', id: '1', first_name: 'Pat', last_name: 'First' })).toBe('Pat First');
    expect(personName({ object: 'leads', id: '1', company: 'Acme' })).toBe('Acme');
    expect(personName({ object: 'contacts', id: '1' })).toBe('Unnamed contact');
    expect(personName(null)).toBe('Hidden person');
    expect(phoneNumbers({ object: 'contacts', id: '1', phone: '+1 555', mobile: '+1 666' })).toEqual([
      { label: 'Phone', number: '+1 555' },
      { label: 'Mobile', number: '+1 666' },
    ]);
    expect(phoneNumbers({ object: 'contacts', id: '1', mobile: '+1 666' })).toEqual([{ label: 'Mobile', number: '+1 666' }]);
    expect(telHref('+44 (20) 7946-0001')).toBe('tel:+442079460001');
  });
});

describe('rates and budget', () => {
  it('counts converted members as responses too', () => {
    const r = rates({ total: 8, by_status: { sent: 4, responded: 3, converted: 1 } });
    expect(r.responseRate).toBe(50);
    expect(r.conversionRate).toBe(12.5);
    expect(rates(undefined).responseRate).toBeNull();
  });
  it('compares actual cost with the budget', () => {
    const r = rates({ total: 4, by_status: { sent: 2, responded: 2, converted: 0 } });
    const c = { id: 'c', version: 1, created_at: '', updated_at: '' } as RecordData;
    const u = budgetUse({ ...c, budget: 1000, actual_cost: 1200 }, r);
    expect(u.share).toBeCloseTo(1.2);
    expect(u.over).toBe(true);
    expect(u.perMember).toBe(300);
    expect(u.perResponse).toBe(600);
    const none = budgetUse({ ...c, budget: null, actual_cost: null }, r);
    expect(none.share).toBeNull();
    expect(none.over).toBe(false);
    expect(none.perMember).toBeNull();
    expect(budgetUse({ ...c, budget: 0, actual_cost: 5 }, r).share).toBeNull();
  });
});

describe('mailing download', () => {
  it('summarises the suppression headers', () => {
    const h = new Headers({
      'X-Rapport-Rows': '2',
      'X-Rapport-Suppressed-Opt-Out': '1',
      'X-Rapport-Suppressed-Duplicate': '1',
      'X-Rapport-Suppressed-No-Address': '0',
    });
    expect(mailingSummary(h)).toBe('2 letters; left out: 1 opted out, 1 duplicate address');
    expect(mailingSummary(new Headers({ 'X-Rapport-Rows': '1' }))).toBe('1 letter');
    expect(dispositionFilename('attachment; filename="campaign-x-mailing.csv"', 'f.csv')).toBe('campaign-x-mailing.csv');
    expect(dispositionFilename(null, 'f.csv')).toBe('f.csv');
  });
});
