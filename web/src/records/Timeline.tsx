// The story of a record: its activities (calls, meetings, e-mails, notes,
// tasks — open tasks first) and its field changes from the audit history,
// newest first, with the quick "log a call / add a task / add a note" box.
import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { fieldMap, useFields } from '../api/hooks';
import type { Field, HistoryEntry, Page, RecordData, Value } from '../api/types';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { RefLink } from '../components/RefLink';
import { useToast } from '../components/Toast';
import { formatDateTime, formatRelative } from '../lib/format';
import { Link } from 'react-router';
import { recordPath } from '../lib/objects';
import { MentionText, MentionTextarea } from '../team/MentionTextarea'; // issue 5: @mentions
import { plainMentions } from '../team/mentions';
import { roleLabel, teamChange } from '../team/api';

export function activitiesKey(object: string, id: string) {
  return ['list', 'activities', { related: `${object}:${id}` }];
}

export function Timeline({ object, record }: { object: string; record: RecordData }) {
  const id = record.id;
  // Activities link to the objects their related_object picklist names
  // (cases are not among them yet): elsewhere the timeline is the history.
  const relatedOptions = useFields('activities').find((f) => f.name === 'related_object')?.options;
  const withActivities = relatedOptions ? relatedOptions.includes(object) : object !== 'cases';
  // An account's timeline also tells its cases: opened, resolved.
  const cases = useQuery({
    queryKey: ['list', 'cases', { timeline: id }],
    enabled: object === 'accounts',
    queryFn: ({ signal }) =>
      api.get<Page>('/cases', [['filter', `account_id:eq:${id}`], ['sort', '-created_at'], ['limit', 50]], signal),
  });
  const activities = useQuery({
    queryKey: activitiesKey(object, id),
    enabled: withActivities,
    queryFn: ({ signal }) =>
      api.get<Page>(
        '/activities',
        [
          ['filter', `related_object:eq:${object}`],
          ['filter', `related_id:eq:${id}`],
          ['sort', '-created_at'],
          ['limit', 100],
        ],
        signal,
      ),
  });
  const history = useQuery({
    queryKey: ['history', object, id],
    queryFn: ({ signal }) => api.get<{ data: HistoryEntry[] }>(`/${object}/${id}/history`, undefined, signal).then((r) => r.data),
  });
  const fields = useFields(object);
  const fmap = fieldMap(fields);
  const [showChanges, setShowChanges] = useState(true);

  type Item = { at: string; key: string; node: ReactNode };
  const open: RecordData[] = [];
  const items: Item[] = [];
  for (const a of activities.data?.data ?? []) {
    if (a.type === 'task' && !a.done_at) open.push(a);
    else items.push({ at: String(a.done_at ?? a.due_at ?? a.created_at), key: `a-${a.id}`, node: <ActivityItem activity={a} object={object} recordId={id} /> });
  }
  for (const c of cases.data?.data ?? []) {
    items.push({ at: String(c.created_at), key: `c-${c.id}`, node: <CaseItem kase={c} event="opened" /> });
    if (c.resolved_at) items.push({ at: String(c.resolved_at), key: `cr-${c.id}`, node: <CaseItem kase={c} event="resolved" /> });
  }
  if (showChanges) {
    for (const h of history.data ?? []) {
      items.push({ at: h.at, key: `h-${h.id}`, node: <ChangeItem entry={h} field={h.field ? fmap.get(h.field) : undefined} object={object} /> });
    }
  }
  items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  open.sort((a, b) => String(a.due_at ?? '9').localeCompare(String(b.due_at ?? '9')));

  return (
    <section className="card timeline" aria-labelledby="timeline-title">
      {withActivities && <QuickActivity object={object} recordId={id} />}
      <div className="timeline-head">
        <h2 id="timeline-title">Timeline</h2>
        <label className="check small">
          <input type="checkbox" checked={showChanges} onChange={(e) => setShowChanges(e.target.checked)} /> Field changes
        </label>
      </div>
      {(activities.isError || history.isError) && <p className="field-error">{errorMessage(activities.error ?? history.error)}</p>}
      {open.length > 0 && (
        <>
          <h3 className="timeline-sub">Open tasks</h3>
          <ul className="timeline-list">
            {open.map((a) => (
              <li key={a.id}>
                <ActivityItem activity={a} object={object} recordId={id} />
              </li>
            ))}
          </ul>
        </>
      )}
      <ul className="timeline-list" aria-busy={activities.isLoading || history.isLoading}>
        {items.map((it) => (
          <li key={it.key}>{it.node}</li>
        ))}
      </ul>
      {!activities.isLoading && !history.isLoading && items.length === 0 && open.length === 0 && (
        <p className="muted">{withActivities ? 'Nothing yet. Log the first call above.' : 'Nothing yet.'}</p>
      )}
    </section>
  );
}

function CaseItem({ kase, event }: { kase: RecordData; event: 'opened' | 'resolved' }) {
  const at = String(event === 'opened' ? kase.created_at : kase.resolved_at);
  return (
    <div className="tl-item tl-case">
      <span className="tl-icon" aria-hidden="true">
        <Icon name="cases" size={16} />
      </span>
      <div className="tl-body">
        <div className="tl-line">
          <span className="muted small">Case {event}</span>
          <Link to={recordPath('cases', kase.id)}>
            <strong>{String(kase.subject ?? 'Case')}</strong>
          </Link>
        </div>
        <div className="muted small">
          <span title={formatDateTime(at)}>{formatRelative(at)}</span>
          {event === 'resolved' && kase.sla_breached ? <span className="overdue"> · SLA breached</span> : null}
          {event === 'opened' && kase.priority ? ` · ${String(kase.priority)} priority` : null}
        </div>
      </div>
    </div>
  );
}

export function ActivityItem({ activity: a, object, recordId }: { activity: RecordData; object?: string; recordId?: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const toggle = useMutation({
    mutationFn: (done: boolean) => api.patch<RecordData>(`/activities/${a.id}`, { done_at: done ? new Date().toISOString() : null }, a.version),
    onSuccess: () => {
      if (object && recordId) void qc.invalidateQueries({ queryKey: activitiesKey(object, recordId) });
      void qc.invalidateQueries({ queryKey: ['list', 'activities'] });
      void qc.invalidateQueries({ queryKey: ['myday'] });
    },
    onError: (e) => toast.show(errorMessage(e), { kind: 'error' }),
  });
  const type = String(a.type);
  const overdue = type === 'task' && !a.done_at && a.due_at && String(a.due_at) < new Date().toISOString();
  return (
    <div className={`tl-item tl-${type}`}>
      <span className="tl-icon" aria-hidden="true">
        <Icon name={type} size={16} />
      </span>
      <div className="tl-body">
        <div className="tl-line">
          {(type === 'task' || type === 'meeting' || type === 'visit') && (
            <input
              type="checkbox"
              aria-label={a.done_at ? `Mark “${a.subject}” not done` : `Mark “${a.subject}” done`}
              checked={Boolean(a.done_at)}
              disabled={toggle.isPending}
              onChange={(e) => toggle.mutate(e.target.checked)}
            />
          )}
          <strong className={a.done_at && type === 'task' ? 'done' : ''}>{String(a.subject)}</strong>
          <span className="muted small">{type}</span>
        </div>
        {a.description ? (
          <p className="tl-desc">
            <MentionText text={String(a.description)} />
          </p>
        ) : null}
        <div className="muted small">
          {a.due_at && !a.done_at ? (
            <span className={overdue ? 'overdue' : ''} title={formatDateTime(String(a.due_at))}>
              Due {formatRelative(String(a.due_at))}
            </span>
          ) : (
            <span title={formatDateTime(String(a.done_at ?? a.created_at))}>{formatRelative(String(a.done_at ?? a.created_at))}</span>
          )}
          {a.owner_id ? (
            <>
              {' · '}
              <RefLink object="users" id={String(a.owner_id)} link={false} />
            </>
          ) : null}
          {!object && a.related_object && a.related_id ? (
            <>
              {' · '}
              <RefLink object={String(a.related_object)} id={String(a.related_id)} />
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function ChangeItem({ entry: h, field }: { entry: HistoryEntry; field: Field | undefined; object: string }) {
  const who = h.user_id ? <RefLink object="users" id={h.user_id} link={false} /> : 'The system';
  let text: ReactNode;
  if (h.action === 'create') text = <>created this record</>;
  else if (h.action === 'delete') text = <>deleted this record</>;
  else if (h.action === 'restore') text = <>restored this record</>;
  else if (teamChange(h)) {
    // issue 5: team members (decision 016)
    const t = teamChange(h)!;
    const who = t.userId ? <RefLink object="users" id={t.userId} link={false} /> : 'someone';
    const role = t.role ? ` (${roleLabel(t.role)})` : '';
    text =
      h.action === 'team_add' ? <>added {who} to the team{role}</> : h.action === 'team_remove' ? <>removed {who} from the team</> : <>changed the team role of {who}{role}</>;
  } else
    text = (
      <>
        changed <strong>{field?.label ?? h.field}</strong> from <FieldValue field={field} value={h.old_value as Value} /> to{' '}
        <FieldValue field={field} value={h.new_value as Value} />
      </>
    );
  return (
    <div className="tl-item tl-change">
      <span className="tl-icon" aria-hidden="true">
        <Icon name="history" size={16} />
      </span>
      <div className="tl-body">
        <div className="tl-line">
          <span>
            {who} {text}
          </span>
        </div>
        <div className="muted small" title={formatDateTime(h.at)}>
          {formatRelative(h.at)}
        </div>
      </div>
    </div>
  );
}

const KINDS = [
  { type: 'call', label: 'Log a call', subject: 'Call', icon: 'call' },
  { type: 'task', label: 'Add a task', subject: '', icon: 'task' },
  { type: 'note', label: 'Add a note', subject: 'Note', icon: 'note' },
] as const;

function tomorrowAt9(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T09:00`;
}

export function QuickActivity({ object, recordId }: { object: string; recordId: string }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]['type']>('call');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [due, setDue] = useState(tomorrowAt9());
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const k = KINDS.find((x) => x.type === kind)!;
  const create = useMutation({
    mutationFn: () => {
      const now = new Date().toISOString();
      const body: Record<string, Value> = {
        type: kind,
        subject: subject.trim() || (kind === 'note' ? firstLine(plainMentions(text)) : k.subject) || '',
        description: text.trim() || null,
        related_object: object,
        related_id: recordId,
      };
      if (kind === 'task') body.due_at = due ? new Date(due).toISOString() : null;
      if (kind === 'call') body.done_at = now;
      return api.post<RecordData>('/activities', body);
    },
    onSuccess: () => {
      setSubject('');
      setText('');
      setError(null);
      void qc.invalidateQueries({ queryKey: activitiesKey(object, recordId) });
      void qc.invalidateQueries({ queryKey: ['myday'] });
      void qc.invalidateQueries({ queryKey: ['feed', object, recordId] }); // issue 5: the record's feed
      toast.show(kind === 'call' ? 'Call logged' : kind === 'task' ? 'Task added' : 'Note added');
    },
    onError: (e) => setError({ field: (e as { field?: string }).field ?? null, message: errorMessage(e) }),
  });
  return (
    <form
      className="quick-activity"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <div className="segmented" role="tablist" aria-label="Kind of activity">
        {KINDS.map((x) => (
          <button
            key={x.type}
            type="button"
            role="tab"
            aria-selected={kind === x.type}
            className={kind === x.type ? 'active' : ''}
            onClick={() => {
              setKind(x.type);
              setError(null);
            }}
          >
            <Icon name={x.icon} size={15} /> {x.label}
          </button>
        ))}
      </div>
      <label htmlFor="qa-subject" className="sr-only">
        Subject
      </label>
      <input
        id="qa-subject"
        placeholder={kind === 'task' ? 'What needs doing?' : kind === 'call' ? 'Call subject (optional)' : 'Title (optional)'}
        value={subject}
        onChange={(e) => setSubject(e.target.value)}
        aria-invalid={error?.field === 'subject' || undefined}
      />
      {kind !== 'task' && (
        <>
          <label htmlFor="qa-text" className="sr-only">
            {kind === 'call' ? 'Call notes' : 'Note'}
          </label>
          <MentionTextarea
            id="qa-text"
            rows={2}
            placeholder={kind === 'call' ? 'What was said, what happens next…' : 'Write a note… type @ to mention someone'}
            value={text}
            onChange={setText}
          />
        </>
      )}
      {kind === 'task' && (
        <div className="row gap">
          <label htmlFor="qa-due">Due</label>
          <input id="qa-due" type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} aria-invalid={error?.field === 'due_at' || undefined} />
        </div>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error.message}
        </div>
      )}
      <div className="row end">
        <button className="btn primary sm" type="submit" disabled={create.isPending || (kind === 'task' && !subject.trim()) || (kind === 'note' && !text.trim() && !subject.trim())}>
          {create.isPending ? 'Saving…' : k.label}
        </button>
      </div>
    </form>
  );
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0] ?? '';
  return l.length > 80 ? l.slice(0, 77) + '…' : l;
}
