// Pure helpers of the lead screens: reading a lead's stored score
// explanation and predicted factors, its first-response state, the fields a
// public form may ask for, and assignment-rule conditions to and from the
// editor's simple shape.
import type { Field, RecordData } from '../api/types';
import { humanize } from '../lib/format';

export interface FiredRule {
  id?: string;
  name: string;
  points: number;
  why?: string;
}
export interface ScoreExplanation {
  total: number;
  rules: FiredRule[];
  autoQualified: boolean;
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string' || v.trim() === '') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/** The lead's score_explanation ({"total", "rules": [...]}), or null when it has none. */
export function parseExplanation(v: unknown): ScoreExplanation | null {
  const j = parseJson(v) as { total?: unknown; rules?: unknown; auto_qualified?: unknown } | null;
  if (!j || typeof j !== 'object' || !Array.isArray(j.rules)) return null;
  const rules = j.rules
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
    .map((r) => ({ id: r.id ? String(r.id) : undefined, name: String(r.name ?? ''), points: Number(r.points ?? 0), why: r.why ? String(r.why) : undefined }));
  return { total: Number(j.total ?? rules.reduce((s, r) => s + r.points, 0)), rules, autoQualified: Boolean(j.auto_qualified) };
}

export interface Factor {
  text: string;
  effect: number;
}
/** The predicted score's top factors ({"factors": [{"text", "effect"}]}). */
export function parseFactors(v: unknown): Factor[] {
  const j = parseJson(v) as { factors?: unknown } | null;
  if (!j || typeof j !== 'object' || !Array.isArray(j.factors)) return [];
  return j.factors
    .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object')
    .map((f) => ({ text: String(f.text ?? f.feature ?? ''), effect: Number(f.effect ?? 0) }));
}

/** "+20" / "−5" / "0". */
export function formatPoints(n: number): string {
  const r = Math.round(n * 100) / 100;
  return r > 0 ? `+${r}` : r < 0 ? `−${Math.abs(r)}` : '0';
}

/** One line for a tooltip: "Budget set +20, Visited pricing +10". */
export function explanationSummary(e: ScoreExplanation | null): string {
  if (!e) return 'Not scored by rules';
  if (e.rules.length === 0) return 'No scoring rule applies';
  return e.rules.map((r) => `${r.name} ${formatPoints(r.points)}`).join(', ');
}

export type ResponseState = 'responded' | 'pending' | 'overdue' | 'unassigned';
/**
 * Where a lead stands on its first response: responded (with minutes), still
 * pending within the target, overdue (target in business minutes; the
 * server's escalation job is the judge — this estimate uses wall-clock
 * minutes, so it is only shown as "overdue" once the server escalated or the
 * wall-clock time alone exceeds the target), or never assigned.
 */
export function responseState(r: RecordData, targetMinutes: number | undefined, nowMs: number): { state: ResponseState; minutes: number | null } {
  if (r.first_response_at) return { state: 'responded', minutes: r.response_minutes == null ? null : Number(r.response_minutes) };
  if (!r.assigned_at) return { state: 'unassigned', minutes: null };
  const waited = Math.max(0, Math.round((nowMs - Date.parse(String(r.assigned_at))) / 60000));
  if (r.escalated_at || (targetMinutes !== undefined && waited > targetMinutes)) return { state: 'overdue', minutes: waited };
  return { state: 'pending', minutes: waited };
}

const NOT_ON_FORMS = new Set([
  'owner_id',
  'team_id',
  'status',
  'source',
  'score',
  'campaign_id',
  'form_id',
  'source_ref',
  'disqualified_reason',
  'disqualified_reason_text',
  'opt_in_confirmed_at',
  'website_url',
]);
const SYSTEM = new Set(['id', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at']);

/** Lead fields a public form may ask for (the server checks the same rules). */
export function formableFields(fields: Field[]): Field[] {
  return fields.filter(
    (f) => !SYSTEM.has(f.name) && !f.read_only && !NOT_ON_FORMS.has(f.name) && f.type !== 'reference' && f.type !== 'multi_picklist' && f.type !== 'datetime',
  );
}

// ---- assignment rule conditions ------------------------------------------

/** The editor's view of a rule's conditions; anything else is kept in `other`. */
export interface RuleConditions {
  countries: string;
  regions: string;
  postcodeFrom: string;
  postcodeTo: string;
  industries: string;
  sizes: string[];
  employeesMin: string;
  employeesMax: string;
  sources: string[];
  other: Record<string, unknown>;
}

export const EMPTY_CONDITIONS: RuleConditions = {
  countries: '',
  regions: '',
  postcodeFrom: '',
  postcodeTo: '',
  industries: '',
  sizes: [],
  employeesMin: '',
  employeesMax: '',
  sources: [],
  other: {},
};

function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Stored conditions (JSON text or object) -> the editor's shape. */
export function readConditions(v: unknown): RuleConditions {
  const j = parseJson(v);
  const out: RuleConditions = { ...EMPTY_CONDITIONS, sizes: [], sources: [], other: {} };
  if (!j || typeof j !== 'object' || Array.isArray(j)) return out;
  for (const [field, ops] of Object.entries(j as Record<string, unknown>)) {
    const o = (ops && typeof ops === 'object' ? ops : {}) as Record<string, unknown>;
    const keys = Object.keys(o);
    const inList = Array.isArray(o.in) ? (o.in as unknown[]).map(String) : typeof o.eq === 'string' ? [o.eq] : null;
    const only = (allowed: string[]) => keys.every((k) => allowed.includes(k));
    if (field === 'country' && inList && only(['in', 'eq'])) out.countries = inList.join(', ');
    else if (field === 'region' && inList && only(['in', 'eq'])) out.regions = inList.join(', ');
    else if (field === 'industry' && inList && only(['in', 'eq'])) out.industries = inList.join(', ');
    else if (field === 'employee_band' && inList && only(['in', 'eq'])) out.sizes = inList;
    else if (field === 'source' && inList && only(['in', 'eq'])) out.sources = inList;
    else if (field === 'postcode' && only(['gte', 'lte'])) {
      out.postcodeFrom = o.gte == null ? '' : String(o.gte);
      out.postcodeTo = o.lte == null ? '' : String(o.lte);
    } else if (field === 'employees' && only(['gte', 'lte'])) {
      out.employeesMin = o.gte == null ? '' : String(o.gte);
      out.employeesMax = o.lte == null ? '' : String(o.lte);
    } else out.other[field] = ops;
  }
  return out;
}

/** The editor's shape -> the list API's JSON filter the server stores. */
export function writeConditions(c: RuleConditions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c.other };
  const put = (field: string, values: string[]) => {
    if (values.length) out[field] = { in: values };
  };
  put('country', list(c.countries));
  put('region', list(c.regions));
  put('industry', list(c.industries));
  put('employee_band', c.sizes);
  put('source', c.sources);
  const range = (field: string, from: string, to: string, numeric: boolean) => {
    const r: Record<string, unknown> = {};
    if (from.trim()) r.gte = numeric ? Number(from) : from.trim();
    if (to.trim()) r.lte = numeric ? Number(to) : to.trim();
    if (Object.keys(r).length) out[field] = r;
  };
  range('postcode', c.postcodeFrom, c.postcodeTo, false);
  range('employees', c.employeesMin, c.employeesMax, true);
  return out;
}

/** "Country FR, BE · postcode 75000–75999" — a rule's conditions in words. */
export function describeConditions(v: unknown): string {
  const c = readConditions(v);
  const parts: string[] = [];
  if (c.countries) parts.push(`country ${c.countries}`);
  if (c.regions) parts.push(`region ${c.regions}`);
  if (c.postcodeFrom || c.postcodeTo) parts.push(`postcode ${c.postcodeFrom || '…'}–${c.postcodeTo || '…'}`);
  if (c.industries) parts.push(`industry ${c.industries}`);
  if (c.sizes.length) parts.push(`size ${c.sizes.join(', ')}`);
  if (c.employeesMin || c.employeesMax) parts.push(`employees ${c.employeesMin || '0'}–${c.employeesMax || '∞'}`);
  if (c.sources.length) parts.push(`source ${c.sources.map(humanize).join(', ')}`);
  for (const k of Object.keys(c.other)) parts.push(`${k} (custom condition)`);
  return parts.length ? parts.join(' · ') : 'every lead';
}
