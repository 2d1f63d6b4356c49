// The import wizard's pure logic (issue 4): the shapes the imports API
// answers, checking a column mapping before the dry run (required fields,
// two columns into one field, the upsert key), the request bodies, progress
// and status wording. No React, no fetch: unit-tested in importLogic.test.ts.

export type ImportObject = 'leads' | 'contacts' | 'accounts';
export const IMPORT_OBJECTS: Array<{ name: ImportObject; label: string }> = [
  { name: 'leads', label: 'Leads' },
  { name: 'contacts', label: 'Contacts' },
  { name: 'accounts', label: 'Accounts' },
];
export function isImportObject(s: string | null | undefined): s is ImportObject {
  return s === 'leads' || s === 'contacts' || s === 'accounts';
}

export interface ImportField {
  name: string;
  label: string;
  type: string;
  required: boolean;
}

/** POST /api/v1/imports/uploads */
export interface UploadPreview {
  upload_id: string;
  object: ImportObject;
  file_name: string;
  size: number;
  format: string;
  notes: string[];
  columns: Array<{ header: string; samples: string[] }>;
  suggested_mapping: Record<string, string>;
  mapping_source: 'saved' | 'auto';
  fields: ImportField[];
  rows_sampled: number;
}

export interface RowError {
  line: number;
  field: string | null;
  message: string;
}

/** GET /api/v1/imports/{id} (and the items of GET /api/v1/imports, without errors). */
export interface ImportSummary {
  id: string;
  object: string;
  file_name: string;
  format: string;
  status: string;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors?: RowError[];
  notes?: string[];
  mapping?: Array<{ column: string; field: string }>;
  unmapped_columns?: Array<{ column: string; reason: string }>;
  progress?: { bytes_done: number; bytes_total: number; percent: number };
  created_at?: string;
  finished_at?: string;
  error: string | null;
  active?: boolean;
  resumed_from_line?: number;
}

export type UpsertKey = '' | 'email' | 'source_ref' | 'phone';
export const UPSERT_KEYS: Array<{ value: UpsertKey; label: string }> = [
  { value: '', label: 'Always create new records' },
  { value: 'email', label: 'Update records with the same email' },
  { value: 'source_ref', label: 'Update records with the same source reference' },
  { value: 'phone', label: 'Update records with the same phone' },
];

export interface MappingIssues {
  /** Required fields that no column goes into. */
  missingRequired: ImportField[];
  /** field -> the columns that go into it, for fields two or more columns go into. */
  duplicates: Record<string, string[]>;
  /** How many columns are imported. */
  mappedCount: number;
  /** The upsert key's field is not mapped from any column. */
  upsertKeyUnmapped: boolean;
  /** Leads need a last name, company or email (an object rule, checked per row). */
  leadIdentityMissing: boolean;
}

export function checkMapping(
  mapping: Record<string, string>,
  fields: ImportField[],
  object: string,
  upsertKey: UpsertKey = '',
): MappingIssues {
  const byField = new Map<string, string[]>();
  for (const [column, field] of Object.entries(mapping)) {
    if (!field) continue;
    byField.set(field, [...(byField.get(field) ?? []), column]);
  }
  const duplicates: Record<string, string[]> = {};
  for (const [field, cols] of byField) if (cols.length > 1) duplicates[field] = cols;
  const mapped = (f: string) => byField.has(f);
  return {
    missingRequired: fields.filter((f) => f.required && !mapped(f.name)),
    duplicates,
    mappedCount: [...byField.values()].reduce((n, cols) => n + cols.length, 0),
    upsertKeyUnmapped: upsertKey !== '' && !mapped(upsertKey),
    leadIdentityMissing: object === 'leads' && !['last_name', 'company', 'email'].some(mapped),
  };
}

/** Whether the mapping can go to a dry run: every problem above except the per-row lead rule blocks it. */
export function mappingBlocked(issues: MappingIssues): boolean {
  return (
    issues.mappedCount === 0 ||
    issues.missingRequired.length > 0 ||
    Object.keys(issues.duplicates).length > 0 ||
    issues.upsertKeyUnmapped
  );
}

/** The problems as sentences, in the order a person fixes them. */
export function mappingProblems(issues: MappingIssues, fields: ImportField[]): string[] {
  const label = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
  const out: string[] = [];
  if (issues.mappedCount === 0) out.push('Choose a field for at least one column.');
  for (const f of issues.missingRequired) out.push(`${f.label} is required: choose the column it comes from.`);
  for (const [field, cols] of Object.entries(issues.duplicates))
    out.push(`${cols.map((c) => `“${c}”`).join(' and ')} both go into ${label(field)}; keep one.`);
  if (issues.upsertKeyUnmapped) out.push('The field used to find existing records is not imported from any column.');
  return out;
}

/** The upsert key the wizard starts with: email when a column goes into it. */
export function defaultUpsertKey(mapping: Record<string, string>): UpsertKey {
  return Object.values(mapping).includes('email') ? 'email' : '';
}

export interface ImportRequest {
  upload_id: string;
  object: string;
  mapping: Record<string, string>;
  dry_run: boolean;
  upsert_key?: string;
  again?: boolean;
}

/** The JSON body of POST /api/v1/imports for an upload. Every column is named ("" = not imported). */
export function importRequest(
  preview: Pick<UploadPreview, 'upload_id' | 'object' | 'columns'>,
  mapping: Record<string, string>,
  opts: { dryRun: boolean; upsertKey: UpsertKey; again?: boolean },
): ImportRequest {
  const m: Record<string, string> = {};
  for (const c of preview.columns) m[c.header] = mapping[c.header] ?? '';
  const body: ImportRequest = { upload_id: preview.upload_id, object: preview.object, mapping: m, dry_run: opts.dryRun };
  if (opts.upsertKey) body.upsert_key = opts.upsertKey;
  if (opts.again) body.again = true;
  return body;
}

const RUNNING = new Set(['queued', 'dry_run_queued', 'running']);

/** Still working: poll again. */
export function isRunning(s: Pick<ImportSummary, 'status' | 'active'> | undefined): boolean {
  return !!s && (RUNNING.has(s.status) || s.active === true);
}

/** Stopped before the end and can continue where it stopped. */
export function isResumable(s: Pick<ImportSummary, 'status' | 'active'>): boolean {
  return !s.active && (s.status === 'failed' || s.status === 'interrupted');
}

export function statusLabel(status: string): string {
  switch (status) {
    case 'queued':
      return 'Waiting';
    case 'dry_run_queued':
      return 'Check waiting';
    case 'running':
      return 'Importing';
    case 'done':
      return 'Done';
    case 'dry_run':
      return 'Checked (dry run)';
    case 'failed':
      return 'Stopped with an error';
    case 'interrupted':
      return 'Interrupted';
    case 'undone':
      return 'Undone';
    default:
      return status;
  }
}

/** 0..100 from the byte progress; 100 once finished. */
export function importPercent(s: Pick<ImportSummary, 'status' | 'progress' | 'active'> | undefined): number {
  if (!s) return 0;
  if (!isRunning(s) && (s.status === 'done' || s.status === 'dry_run' || s.status === 'undone')) return 100;
  const p = s.progress;
  if (!p || p.bytes_total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((100 * p.bytes_done) / p.bytes_total)));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** Files the picker offers; the server decides by content, not by name. */
export const ACCEPT = '.csv,.txt,.tsv,.xlsx,.vcf,text/csv,text/vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
