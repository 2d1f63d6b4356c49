// Shapes of the REST API (see GET /api/v1/openapi.json).

export type FieldType =
  | 'text'
  | 'long_text'
  | 'email'
  | 'phone'
  | 'url'
  | 'number'
  | 'money'
  | 'date'
  | 'datetime'
  | 'bool'
  | 'picklist'
  | 'multi_picklist'
  | 'reference';

export interface Field {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  read_only: boolean;
  custom: boolean;
  indexed: boolean;
  options?: string[];
  reference?: string;
  max_length?: number;
  min?: number;
  max?: number;
}

export interface ObjectMeta {
  name: string;
  label: string;
  fields: Field[];
}

export type Metadata = Record<string, ObjectMeta>;

export type Value = string | number | boolean | string[] | null;

export interface RecordData {
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
  owner_id?: string | null;
  [field: string]: Value | undefined;
}

export interface Page<T = RecordData> {
  data: T[];
  next_cursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'manager' | 'rep';
  org_id: string;
  team_ids?: string[];
}

export interface Session {
  user: User;
  csrf_token?: string;
  must_change_password: boolean;
}

export interface HistoryEntry {
  id: string;
  at: string;
  user_id: string | null;
  action: 'create' | 'update' | 'delete' | 'restore' | 'team_add' | 'team_change' | 'team_remove'; // team_*: issue 5
  field: string | null;
  old_value: unknown;
  new_value: unknown;
}

export interface SearchHit {
  object: string;
  id: string;
  title: string;
  subtitle?: string | null;
}

export interface AggregateRow {
  key: string | null;
  count: number;
  sum: number | null;
  weighted_sum?: number | null;
}

export interface SavedView extends RecordData {
  name: string;
  object: string;
  filters: string | null; // JSON array of "field:op:value"
  sort: string | null;
  columns: string | null; // JSON array of field names
}
