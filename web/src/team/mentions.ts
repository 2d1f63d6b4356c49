// @mentions in note text (issue 5; the server's rules are in
// src/domain/mentions.h). The composer inserts the token
// `@[Ada Lovelace](user:ID)`: the id decides who is told, the label is for
// people. Timeline and feed show the token as "@Ada Lovelace".

export interface MentionUser {
  id: string;
  name: string;
  email?: string | null;
}

const TOKEN = /@\[([^\]\n]{1,200})\]\(user:([A-Za-z0-9]{1,64})\)/g;

/** The mention being typed before the caret ("@gra" -> query "gra"), or null. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[^\p{L}\p{N}_@])@([\p{L}\p{N}._'-]{0,30}(?: [\p{L}\p{N}._'-]{0,30})?)$/u.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, query: m[2] };
}

/** Users whose name (any word) or e-mail starts with the query, best first. */
export function matchUsers<T extends MentionUser>(users: T[], query: string, max = 6): T[] {
  const q = query.trim().toLowerCase();
  const scored: Array<[number, T]> = [];
  for (const u of users) {
    const name = u.name.toLowerCase();
    const email = (u.email ?? '').toLowerCase();
    let score = -1;
    if (!q) score = 1;
    else if (name.startsWith(q)) score = 3;
    else if (name.split(/\s+/).some((w) => w.startsWith(q))) score = 2;
    else if (email.startsWith(q)) score = 1;
    if (score >= 0) scored.push([score, u]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1].name.localeCompare(b[1].name));
  return scored.slice(0, max).map(([, u]) => u);
}

/** Replaces the typed "@query" (from `start` to `caret`) by the user's token. */
export function insertMention(text: string, start: number, caret: number, user: MentionUser): { text: string; caret: number } {
  const label = user.name.replace(/[\]\n]/g, ' ');
  const token = `@[${label}](user:${user.id}) `;
  const next = text.slice(0, start) + token + text.slice(caret).replace(/^ /, '');
  return { text: next, caret: start + token.length };
}

export type MentionPart = string | { id: string; label: string };

/** Text split into plain runs and mention tokens, for display. */
export function splitMentions(text: string): MentionPart[] {
  const out: MentionPart[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push({ label: m[1], id: m[2] });
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The text as people read it: tokens become "@Name". */
export function plainMentions(text: string): string {
  return splitMentions(text)
    .map((p) => (typeof p === 'string' ? p : `@${p.label}`))
    .join('');
}
