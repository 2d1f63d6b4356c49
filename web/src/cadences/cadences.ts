// Follow-up cadences (issue 5, docs/decisions/015): the shapes the API
// answers and the small pure helpers the screens use.
import { formatDateTime } from '../lib/format';

export const STEP_TYPES = ['call', 'email', 'meeting', 'task'] as const;
export type StepType = (typeof STEP_TYPES)[number];
export const PLACEHOLDERS = ['name', 'first_name', 'last_name', 'company', 'email', 'owner_name'];

export interface CadenceStep {
  type: StepType;
  day: number;
  subject: string;
  notes: string;
}

export interface Cadence {
  id: string;
  version: number;
  name: string;
  description: string | null;
  active: boolean | null;
  steps: CadenceStep[];
}

export interface NextStep {
  number: number;
  of: number;
  type: StepType;
  day: number;
  subject: string;
  due_at: string | null;
  activity_id: string | null;
}

export interface Enrollment {
  id: string;
  version: number;
  cadence_id: string;
  cadence_name: string | null;
  related_object: string;
  related_id: string;
  status: 'active' | 'completed' | 'stopped';
  started_at: string;
  steps_completed: number | null;
  steps_skipped: number | null;
  ended_at: string | null;
  stop_reason: string | null;
  next_step: NextStep | null;
}

/** "steps[2].day" -> {index: 2, key: "day"}; null for other fields. */
export function stepErrorAt(field: string | null | undefined): { index: number; key: string } | null {
  const m = /^steps\[(\d+)\](?:\.(\w+))?$/.exec(field ?? '');
  return m ? { index: Number(m[1]), key: m[2] ?? '' } : null;
}

/** "Step 2 of 3 · Email · due 25 Oct 2026, 10:00" */
export function describeNextStep(n: NextStep): string {
  const type = n.type.charAt(0).toUpperCase() + n.type.slice(1);
  const due = n.due_at ? ` · due ${formatDateTime(n.due_at)}` : '';
  return `Step ${n.number} of ${n.of} · ${type}${due}`;
}

/** A one-line summary of a cadence's steps: "Call day 0 → Email day 2 → Meeting day 7". */
export function summariseSteps(steps: CadenceStep[]): string {
  return steps.map((s) => `${s.type.charAt(0).toUpperCase() + s.type.slice(1)} day ${s.day}`).join(' → ');
}

/** Steps as the API takes them: days as numbers, empty notes dropped. */
export function toApiSteps(steps: Array<{ type: string; day: string | number; subject: string; notes: string }>): unknown[] {
  return steps.map((s) => {
    const day = typeof s.day === 'number' ? s.day : s.day.trim() === '' ? NaN : Number(s.day);
    const out: Record<string, unknown> = { type: s.type, day: Number.isFinite(day) ? day : s.day, subject: s.subject };
    if (s.notes.trim() !== '') out.notes = s.notes;
    return out;
  });
}
