// A stage move the server refused (422): what the deal is missing. The API
// says it in error.details ({"missing_fields": [...], "missing_activities":
// [...], "from_stage": ["Qualify"]}, see blockedFromError); older servers only
// in the message "stage_id: cannot leave 'Qualify' yet: missing fields:
// amount, close_date; missing activities: meeting", or "close_reason: a won
// deal needs a reason", which parseBlockedMove still reads.
import type { Field } from '../api/types';
import { humanize } from '../lib/format';

export interface BlockedMove {
  /** The stage the deal could not leave, when the server named it. */
  from: string | null;
  fields: string[];
  activities: string[];
  /** The server's message when it is not about exit criteria. */
  other: string | null;
}

export function parseBlockedMove(message: string, field?: string | null): BlockedMove {
  const m = /cannot leave '(.*)' yet: (.*)$/is.exec(message);
  if (!m) {
    if (field === 'close_reason' || /^close_reason: /.test(message))
      return { from: null, fields: ['close_reason'], activities: [], other: null };
    return { from: null, fields: [], activities: [], other: message.replace(/^stage_id: /, '') };
  }
  const out: BlockedMove = { from: m[1], fields: [], activities: [], other: null };
  for (const part of m[2].split(/;\s*/)) {
    const f = /^missing fields: (.*)$/.exec(part.trim());
    const a = /^missing activities: (.*)$/.exec(part.trim());
    if (f) out.fields.push(...f[1].split(/,\s*/).filter(Boolean));
    else if (a) out.activities.push(...a[1].split(/,\s*/).filter(Boolean));
  }
  return out;
}

/** From a 422's machine-readable details when the server sent them, else from its message. */
export function blockedFromError(message: string, field?: string | null, details?: Record<string, string[]> | null): BlockedMove {
  const list = (k: string) => (Array.isArray(details?.[k]) ? details![k].filter((v) => typeof v === 'string') : null);
  const fields = list('missing_fields');
  const activities = list('missing_activities');
  if (!fields && !activities) return parseBlockedMove(message, field);
  const from = list('from_stage')?.[0] ?? null;
  const out: BlockedMove = { from, fields: fields ?? [], activities: activities ?? [], other: null };
  if (out.fields.length === 0 && out.activities.length === 0) out.other = message.replace(/^stage_id: /, '');
  return out;
}

/** Whether all a refused move lacks is the won/lost reason (the board then asks for it). */
export function onlyNeedsReason(b: BlockedMove): boolean {
  return b.fields.length === 1 && b.fields[0] === 'close_reason' && b.activities.length === 0;
}

/** "Amount", "Close date", "a completed meeting" — what a person reads. */
export function describeMissing(b: BlockedMove, fields: Field[]): string[] {
  const label = (n: string) => fields.find((f) => f.name === n)?.label ?? humanize(n);
  return [
    ...b.fields.map((n) => (n === 'close_reason' ? 'a won/lost reason' : label(n))),
    ...b.activities.map((a) => (a === 'note' || a === 'email' ? `a logged ${a}` : `a completed ${a}`)),
  ];
}
