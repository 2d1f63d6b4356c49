// A stage move the server refused (422): what the deal is missing, from the
// API's message "stage_id: cannot leave 'Qualify' yet: missing fields:
// amount, close_date; missing activities: meeting", or "close_reason: a won
// deal needs a reason".
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

/** "Amount", "Close date", "a completed meeting" — what a person reads. */
export function describeMissing(b: BlockedMove, fields: Field[]): string[] {
  const label = (n: string) => fields.find((f) => f.name === n)?.label ?? humanize(n);
  return [
    ...b.fields.map((n) => (n === 'close_reason' ? 'a won/lost reason' : label(n))),
    ...b.activities.map((a) => (a === 'note' || a === 'email' ? `a logged ${a}` : `a completed ${a}`)),
  ];
}
