// Campaign screens (issue 4; docs/decisions/020-campaign-screens.md): the
// shapes of the campaign member and call-list answers, and the pure logic the
// panel and the call screen share — outcomes and their keys, callback time
// presets, response rates, budget use, the mailing download's summary.
import type { RecordData } from '../api/types';

export type MemberStatus = 'sent' | 'responded' | 'converted';
export const MEMBER_STATUSES: MemberStatus[] = ['sent', 'responded', 'converted'];

/** A person as the member and call-list answers summarise them. */
export interface Person {
  object: 'leads' | 'contacts';
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  title?: string | null;
  company?: string | null;
  city?: string | null;
  country?: string | null;
  status?: string | null;
  do_not_call?: boolean | null;
  do_not_mail?: boolean | null;
}

export interface Member {
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
  campaign_id: string;
  member_object: 'leads' | 'contacts';
  member_id: string;
  status: MemberStatus | null;
  call_outcome: string | null;
  last_called_at: string | null;
  call_count: number | null;
  callback_at: string | null;
  person: Person | null;
}

export interface MemberPage {
  data: Member[];
  next_cursor: string | null;
  counts: { total: number; by_status: Record<string, number> };
}

export interface RecentCall {
  id: string;
  subject: string;
  description: string | null;
  done_at: string;
  owner_id: string | null;
}

export interface NextCall {
  member: Member | null;
  person: Person | null;
  recent_calls?: RecentCall[];
  locked_until: string | null;
  remaining: number;
  retry_later: number;
  next_retry_at: string | null;
}

export interface CallLogged {
  member: Member;
  activity: RecordData;
  task: RecordData | null;
}

export interface MembersAdded {
  added: number;
  restored: number;
  already_members: number;
  member_ids: string[];
}

export type Outcome = 'reached' | 'no_answer' | 'voicemail' | 'wrong_number' | 'not_interested' | 'callback';

/** The outcome buttons, in the order of their keyboard shortcuts 1–6. */
export const OUTCOMES: Array<{ value: Outcome; label: string; hint: string }> = [
  { value: 'reached', label: 'Reached', hint: 'Spoke to them; marked responded' },
  { value: 'no_answer', label: 'No answer', hint: 'Comes back after the retry delay' },
  { value: 'voicemail', label: 'Voicemail', hint: 'Comes back after the retry delay' },
  { value: 'wrong_number', label: 'Wrong number', hint: 'Not called again' },
  { value: 'not_interested', label: 'Not interested', hint: 'Not called again' },
  { value: 'callback', label: 'Call back…', hint: 'Pick a time: a task is scheduled' },
];

/** The outcome a key press picks ("1".."6"), or null. */
export function outcomeForKey(key: string): Outcome | null {
  const n = Number(key);
  if (!Number.isInteger(n) || n < 1 || n > OUTCOMES.length || key.length !== 1) return null;
  return OUTCOMES[n - 1].value;
}

export function outcomeLabel(o: string | null | undefined): string {
  if (!o) return '';
  const hit = OUTCOMES.find((x) => x.value === o);
  return hit ? hit.label.replace('…', '') : o.replace(/_/g, ' ');
}

export interface CallbackPreset {
  key: string;
  label: string;
  at: Date;
}

function at(base: Date, dayOffset: number, hour: number): Date {
  return new Date(base.getFullYear(), base.getMonth(), base.getDate() + dayOffset, hour, 0, 0, 0);
}

/**
 * Callback times a rep picks with one click, in the browser's time zone:
 * in 1 hour, in 3 hours, this afternoon at 14:00 (while it is still before
 * 13:00), tomorrow 9:00, tomorrow 14:00, and next Monday 9:00 (the Monday
 * after tomorrow, so never tomorrow itself).
 */
export function callbackPresets(now: Date): CallbackPreset[] {
  const out: CallbackPreset[] = [
    { key: 'in1h', label: 'In 1 hour', at: new Date(now.getTime() + 3600e3) },
    { key: 'in3h', label: 'In 3 hours', at: new Date(now.getTime() + 3 * 3600e3) },
  ];
  if (now.getHours() < 13) out.push({ key: 'today14', label: 'Today 14:00', at: at(now, 0, 14) });
  out.push({ key: 'tomorrow9', label: 'Tomorrow 9:00', at: at(now, 1, 9) });
  out.push({ key: 'tomorrow14', label: 'Tomorrow 14:00', at: at(now, 1, 14) });
  // Days until the Monday after tomorrow (1 = Monday in getDay()).
  const dow = now.getDay();
  let days = (8 - dow) % 7;
  if (days <= 1) days += 7;
  out.push({ key: 'monday9', label: 'Next Monday 9:00', at: at(now, days, 9) });
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A Date as the value of an <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an RFC 3339 instant, or null when empty or invalid. */
export function fromLocalInput(v: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function personName(p: Person | null | undefined): string {
  if (!p) return 'Hidden person';
  const name = [p.first_name, p.last_name].filter((x) => x && String(x).trim()).join(' ');
  return name || p.company || p.email || (p.object === 'leads' ? 'Unnamed lead' : 'Unnamed contact');
}

/** The numbers a rep can dial: phone first, then a contact's mobile. */
export function phoneNumbers(p: Person | null | undefined): Array<{ label: string; number: string }> {
  if (!p) return [];
  const out: Array<{ label: string; number: string }> = [];
  if (p.phone) out.push({ label: 'Phone', number: p.phone });
  if (p.mobile && p.mobile !== p.phone) out.push({ label: 'Mobile', number: p.mobile });
  return out;
}

/** tel: URI of a number as typed ("+44 20 7946 0001" -> "tel:+442079460001"). */
export function telHref(n: string): string {
  return `tel:${n.replace(/[^\d+]/g, '')}`;
}

export interface Rates {
  total: number;
  sent: number;
  responded: number;
  converted: number;
  /** responded or converted, as a share of all members (0..100), null with no members */
  responseRate: number | null;
  conversionRate: number | null;
}

/** Counts by response status, with a converted member counted as having responded too. */
export function rates(counts: MemberPage['counts'] | undefined): Rates {
  const by = counts?.by_status ?? {};
  const total = counts?.total ?? 0;
  const responded = by.responded ?? 0;
  const converted = by.converted ?? 0;
  const pct = (n: number) => (total > 0 ? Math.round((n / total) * 1000) / 10 : null);
  return {
    total,
    sent: by.sent ?? 0,
    responded,
    converted,
    responseRate: pct(responded + converted),
    conversionRate: pct(converted),
  };
}

export interface BudgetUse {
  budget: number | null;
  actual: number | null;
  /** actual as a share of budget (0..), null when either is missing or budget is 0 */
  share: number | null;
  over: boolean;
  /** cost per member / per response, null when unknown */
  perMember: number | null;
  perResponse: number | null;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function budgetUse(campaign: RecordData, r: Rates): BudgetUse {
  const budget = num(campaign.budget);
  const actual = num(campaign.actual_cost);
  const share = budget && actual !== null ? actual / budget : null;
  const responses = r.responded + r.converted;
  return {
    budget,
    actual,
    share,
    over: budget !== null && actual !== null && actual > budget,
    perMember: actual !== null && r.total > 0 ? actual / r.total : null,
    perResponse: actual !== null && responses > 0 ? actual / responses : null,
  };
}

/** What the mailing download's headers say, in words. */
export function mailingSummary(h: { get(name: string): string | null }): string {
  const n = (k: string) => Number(h.get(k) ?? '0') || 0;
  const rows = n('X-Rapport-Rows');
  const parts = [
    [n('X-Rapport-Suppressed-Opt-Out'), 'opted out'],
    [n('X-Rapport-Suppressed-Duplicate'), 'duplicate address'],
    [n('X-Rapport-Suppressed-No-Address'), 'no postal address'],
    [n('X-Rapport-Suppressed-Hidden'), 'not visible to you'],
  ]
    .filter(([c]) => (c as number) > 0)
    .map(([c, what]) => `${c} ${what}`);
  const head = `${rows} ${rows === 1 ? 'letter' : 'letters'}`;
  return parts.length ? `${head}; left out: ${parts.join(', ')}` : head;
}

/** The file name a Content-Disposition header gives, or a fallback. */
export function dispositionFilename(h: string | null, fallback: string): string {
  const m = h ? /filename="?([^";]+)"?/i.exec(h) : null;
  return m ? m[1] : fallback;
}
