// Service-level countdowns for cases: which target matters now (the first
// response until someone answers, then the resolution), how long is left or
// how late it is, and how urgent that looks. Pure functions, so they are
// tested without a clock.
import type { RecordData } from '../api/types';

export type SlaLevel = 'ok' | 'warn' | 'breach' | 'done' | 'none';

export interface SlaState {
  /** The target that counts now. */
  target: 'first_response' | 'resolution' | null;
  due: string | null;
  /** Milliseconds until due (negative when overdue). */
  msLeft: number | null;
  level: SlaLevel;
  /** "2h 10m left", "overdue by 35m", "Resolved", "Resolved late". */
  label: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A short duration: "45s" never; "<1m", "35m", "2h 10m", "3d 4h". */
export function formatDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a < MIN) return '<1m';
  if (a < HOUR) return `${Math.floor(a / MIN)}m`;
  if (a < DAY) {
    const h = Math.floor(a / HOUR);
    const m = Math.floor((a - h * HOUR) / MIN);
    return m ? `${h}h ${m}m` : `${h}h`;
  }
  const d = Math.floor(a / DAY);
  const h = Math.floor((a - d * DAY) / HOUR);
  return h ? `${d}d ${h}h` : `${d}d`;
}

/** "2h 10m left" or "overdue by 35m". */
export function formatCountdown(msLeft: number): string {
  return msLeft >= 0 ? `${formatDuration(msLeft)} left` : `overdue by ${formatDuration(msLeft)}`;
}

function time(v: unknown): number | null {
  if (typeof v !== 'string' || !v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function isCaseClosed(c: Partial<RecordData>): boolean {
  return c.status === 'resolved' || c.status === 'closed';
}

/**
 * The due time that matters now for an open case: the first response while
 * the case is new and unanswered (the server stamps first_responded_at when
 * a case leaves "new"), then the resolution.
 */
export function currentDue(c: Partial<RecordData>): { target: 'first_response' | 'resolution'; due: string } | null {
  if (isCaseClosed(c)) return null;
  const awaiting = (c.status ?? 'new') === 'new' && !c.first_responded_at;
  if (awaiting && typeof c.first_response_due === 'string' && c.first_response_due)
    return { target: 'first_response', due: c.first_response_due };
  if (typeof c.resolution_due === 'string' && c.resolution_due) return { target: 'resolution', due: c.resolution_due };
  return null;
}

/**
 * The countdown of one target. Warn when less than a quarter of the time
 * from opening to the target is left, or less than an hour.
 */
export function countdown(due: string | null | undefined, openedAt: string | null | undefined, now: number): Pick<SlaState, 'msLeft' | 'level' | 'label'> {
  const d = time(due);
  if (d === null) return { msLeft: null, level: 'none', label: '' };
  const left = d - now;
  if (left < 0) return { msLeft: left, level: 'breach', label: formatCountdown(left) };
  const opened = time(openedAt);
  const span = opened !== null && d > opened ? d - opened : null;
  const warn = left < HOUR || (span !== null && left < span / 4);
  return { msLeft: left, level: warn ? 'warn' : 'ok', label: formatCountdown(left) };
}

export function slaState(c: Partial<RecordData>, now: number): SlaState {
  if (isCaseClosed(c)) {
    const late = c.sla_breached === true || c.sla_breached === 1;
    return { target: null, due: null, msLeft: null, level: 'done', label: late ? 'Resolved late' : 'Resolved in time' };
  }
  const cur = currentDue(c);
  if (!cur) return { target: null, due: null, msLeft: null, level: 'none', label: '' };
  return { target: cur.target, due: cur.due, ...countdown(cur.due, typeof c.created_at === 'string' ? c.created_at : null, now) };
}

/**
 * Merges two lists each sorted by their due time (cases awaiting a first
 * response by first_response_due, answered ones by resolution_due) into one
 * list by the due time that matters. Items past the last loaded due of a list
 * that has more pages are held back: the next page of that list might hold
 * earlier ones, and a queue sorted by urgency must never skip one.
 */
export function mergeByDue<T>(
  a: T[],
  aMore: boolean,
  b: T[],
  bMore: boolean,
  dueOf: (x: T) => string | null,
): { items: T[]; heldBack: number } {
  const key = (x: T) => time(dueOf(x)) ?? Number.POSITIVE_INFINITY;
  const limitA = aMore && a.length ? key(a[a.length - 1]) : Number.POSITIVE_INFINITY;
  const limitB = bMore && b.length ? key(b[b.length - 1]) : Number.POSITIVE_INFINITY;
  const limit = Math.min(aMore && !a.length ? Number.NEGATIVE_INFINITY : limitA, bMore && !b.length ? Number.NEGATIVE_INFINITY : limitB);
  const all = [...a, ...b].sort((x, y) => key(x) - key(y));
  const items = all.filter((x) => key(x) <= limit);
  return { items, heldBack: all.length - items.length };
}
