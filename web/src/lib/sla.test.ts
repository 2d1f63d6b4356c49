import { countdown, currentDue, formatCountdown, formatDuration, mergeByDue, slaState } from './sla';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const at = (min: number) => new Date(NOW + min * 60_000).toISOString();

describe('formatDuration / formatCountdown', () => {
  it('formats minutes, hours and days', () => {
    expect(formatDuration(20_000)).toBe('<1m');
    expect(formatDuration(35 * 60_000)).toBe('35m');
    expect(formatDuration(130 * 60_000)).toBe('2h 10m');
    expect(formatDuration(120 * 60_000)).toBe('2h');
    expect(formatDuration((3 * 24 + 4) * 3600_000 + 59_000)).toBe('3d 4h');
    expect(formatDuration(-35 * 60_000)).toBe('35m');
  });
  it('says left or overdue', () => {
    expect(formatCountdown(130 * 60_000)).toBe('2h 10m left');
    expect(formatCountdown(-35 * 60_000)).toBe('overdue by 35m');
  });
});

describe('countdown levels', () => {
  it('is ok with plenty of time, warns near the end, breaches after', () => {
    expect(countdown(at(600), at(-60), NOW)).toEqual({ msLeft: 600 * 60_000, level: 'ok', label: '10h left' });
    // 2h left of a 10h target (under a quarter) -> warn
    expect(countdown(at(120), at(-480), NOW).level).toBe('warn');
    // under an hour always warns
    expect(countdown(at(50), undefined, NOW).level).toBe('warn');
    expect(countdown(at(-35), at(-200), NOW)).toEqual({ msLeft: -35 * 60_000, level: 'breach', label: 'overdue by 35m' });
    expect(countdown(null, null, NOW).level).toBe('none');
  });
});

describe('slaState', () => {
  it('counts down the first response while a case is new', () => {
    const c = { status: 'new', created_at: at(-30), first_response_due: at(90), resolution_due: at(900) };
    expect(currentDue(c)?.target).toBe('first_response');
    expect(slaState(c, NOW)).toMatchObject({ target: 'first_response', level: 'ok', label: '1h 30m left' });
  });
  it('counts down the resolution once answered', () => {
    const c = { status: 'open', first_responded_at: at(-10), created_at: at(-30), first_response_due: at(-20), resolution_due: at(-35) };
    expect(slaState(c, NOW)).toMatchObject({ target: 'resolution', level: 'breach', label: 'overdue by 35m' });
  });
  it('says how a resolved case ended', () => {
    expect(slaState({ status: 'resolved', sla_breached: true }, NOW)).toMatchObject({ level: 'done', label: 'Resolved late' });
    expect(slaState({ status: 'closed', sla_breached: false }, NOW).label).toBe('Resolved in time');
  });
});

describe('mergeByDue', () => {
  const due = (x: { d: string }) => x.d;
  it('interleaves two sorted lists by due time', () => {
    const a = [{ d: at(5) }, { d: at(30) }];
    const b = [{ d: at(10) }, { d: at(20) }, { d: at(40) }];
    expect(mergeByDue(a, false, b, false, due).items.map((x) => x.d)).toEqual([at(5), at(10), at(20), at(30), at(40)]);
  });
  it('holds back items past the last loaded due of a list with more pages', () => {
    const a = [{ d: at(5) }, { d: at(15) }]; // more to come after 15
    const b = [{ d: at(10) }, { d: at(20) }, { d: at(40) }];
    const r = mergeByDue(a, true, b, false, due);
    expect(r.items.map((x) => x.d)).toEqual([at(5), at(10), at(15)]);
    expect(r.heldBack).toBe(2);
  });
  it('shows nothing from the other list while a list with more pages has not loaded', () => {
    expect(mergeByDue([], true, [{ d: at(1) }], false, due).items).toEqual([]);
  });
  it('puts items without a due time last', () => {
    const r = mergeByDue([{ d: '' }], false, [{ d: at(1) }], false, due);
    expect(r.items.map((x) => x.d)).toEqual([at(1), '']);
  });
});
