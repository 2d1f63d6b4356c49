// What the app knows about each object beyond its metadata: how to name a
// record, which columns a list shows first, which field a quick search uses.
import type { RecordData } from '../api/types';

export interface ObjectConfig {
  name: string; // API name, "leads"
  singular: string;
  plural: string;
  /** Default list columns (any field the metadata has; custom ones are added by the column chooser). */
  columns: string[];
  /** The field the list's quick search matches with starts_with (indexed, so fast at any size). */
  searchField: string;
  searchLabel: string;
  defaultSort: string;
  /** Fields the "new record" form shows besides the required ones. */
  createFields: string[];
  /** A picklist the bulk "change status" action sets. */
  statusField?: string;
}

export const OBJECTS: Record<string, ObjectConfig> = {
  leads: {
    name: 'leads',
    singular: 'Lead',
    plural: 'Leads',
    columns: ['last_name', 'first_name', 'company', 'email', 'status', 'score', 'source', 'owner_id', 'created_at'],
    searchField: 'last_name',
    searchLabel: 'Last name starts with…',
    defaultSort: '-created_at',
    createFields: ['first_name', 'last_name', 'company', 'email', 'phone', 'status', 'source'],
    statusField: 'status',
  },
  contacts: {
    name: 'contacts',
    singular: 'Contact',
    plural: 'Contacts',
    columns: ['last_name', 'first_name', 'account_id', 'email', 'phone', 'title', 'owner_id'],
    searchField: 'last_name',
    searchLabel: 'Last name starts with…',
    defaultSort: 'last_name',
    createFields: ['first_name', 'last_name', 'account_id', 'email', 'phone', 'title'],
  },
  accounts: {
    name: 'accounts',
    singular: 'Account',
    plural: 'Accounts',
    columns: ['name', 'industry', 'city', 'country', 'employees', 'owner_id'],
    searchField: 'name',
    searchLabel: 'Name starts with…',
    defaultSort: 'name',
    createFields: ['name', 'domain', 'industry', 'phone', 'city', 'country'],
  },
  opportunities: {
    name: 'opportunities',
    singular: 'Opportunity',
    plural: 'Opportunities',
    columns: ['name', 'account_id', 'amount', 'stage_id', 'probability', 'close_date', 'owner_id'],
    searchField: 'name',
    searchLabel: 'Name starts with…',
    defaultSort: 'close_date',
    createFields: ['name', 'account_id', 'amount', 'currency', 'close_date', 'stage_id'],
  },
  activities: {
    name: 'activities',
    singular: 'Activity',
    plural: 'Activities',
    columns: ['subject', 'type', 'due_at', 'done_at', 'related_object', 'related_id', 'owner_id'],
    searchField: 'subject',
    searchLabel: 'Subject starts with…',
    defaultSort: '-created_at',
    createFields: ['type', 'subject', 'due_at', 'related_object', 'related_id', 'description'],
  },
  cases: {
    name: 'cases',
    singular: 'Case',
    plural: 'Cases',
    columns: ['subject', 'account_id', 'priority', 'status', 'first_response_due', 'resolution_due', 'owner_id'],
    // subject has no index yet: the list hides the quick search until it has one (see ListPage).
    searchField: 'subject',
    searchLabel: 'Subject starts with…',
    defaultSort: 'resolution_due',
    createFields: ['subject', 'account_id', 'contact_id', 'priority', 'channel', 'description'],
    statusField: 'status',
  },
  campaigns: {
    name: 'campaigns',
    singular: 'Campaign',
    plural: 'Campaigns',
    columns: ['name', 'channel', 'status', 'start_date', 'end_date', 'budget', 'actual_cost', 'owner_id'],
    searchField: 'name',
    searchLabel: 'Name starts with…',
    defaultSort: '-created_at',
    createFields: ['name', 'channel', 'status', 'start_date', 'end_date', 'budget', 'actual_cost', 'currency', 'description'],
    statusField: 'status',
  },
  users: {
    name: 'users',
    singular: 'User',
    plural: 'Users',
    columns: ['name', 'email', 'role', 'team_id', 'active', 'last_login_at'],
    searchField: 'name',
    searchLabel: 'Name starts with…',
    defaultSort: 'name',
    createFields: ['name', 'email', 'role', 'team_id'],
  },
  teams: {
    name: 'teams',
    singular: 'Team',
    plural: 'Teams',
    columns: ['name', 'manager_id'],
    searchField: 'name',
    searchLabel: 'Name starts with…',
    defaultSort: 'name',
    createFields: ['name', 'manager_id'],
  },
};

export const LIST_OBJECTS = ['leads', 'contacts', 'accounts', 'opportunities', 'activities', 'cases'] as const;

export function objectConfig(name: string): ObjectConfig {
  return (
    OBJECTS[name] ?? {
      name,
      singular: name,
      plural: name,
      columns: ['name'],
      searchField: 'name',
      searchLabel: 'Name starts with…',
      defaultSort: '-created_at',
      createFields: [],
    }
  );
}

function joinName(first: unknown, last: unknown): string {
  return [first, last].filter((x) => typeof x === 'string' && x.trim() !== '').join(' ');
}

/** The name a person would call a record by. */
export function recordTitle(object: string, r: Partial<RecordData> | null | undefined): string {
  if (!r) return '';
  switch (object) {
    case 'leads':
      return joinName(r.first_name, r.last_name) || String(r.company ?? r.email ?? 'Unnamed lead');
    case 'contacts':
      return joinName(r.first_name, r.last_name) || String(r.email ?? 'Unnamed contact');
    case 'activities':
      return String(r.subject ?? 'Activity');
    case 'cases':
      return String(r.subject ?? 'Case');
    default:
      return String(r.name ?? r.email ?? r.id ?? '');
  }
}

/** A second line under the title (company, email...). */
export function recordSubtitle(object: string, r: Partial<RecordData>): string {
  switch (object) {
    case 'leads':
      return [r.title, r.company].filter(Boolean).join(' · ');
    case 'contacts':
      return [r.title, r.email].filter(Boolean).join(' · ');
    case 'accounts':
      return [r.industry, r.city, r.country].filter(Boolean).join(' · ');
    case 'users':
      return String(r.email ?? '');
    default:
      return '';
  }
}

export function recordPath(object: string, id: string): string {
  return `/${object}/${id}`;
}

/** The list view of an object (cases' own /cases is the SLA queue). */
export function listPath(object: string): string {
  return object === 'cases' ? '/cases/all' : `/${object}`;
}
