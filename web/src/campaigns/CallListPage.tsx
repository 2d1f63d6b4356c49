// The telemarketing call list (issue 4; docs/decisions/020): one member at a
// time, as GET /campaigns/{id}/call_list/next hands them out (reserved for
// this rep), with the numbers to dial and what was said last time. Logging
// the call is one click on the outcome (or keys 1–6); a callback takes one
// more click on a time. The next person then loads by itself.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, fieldMessage } from '../api/client';
import { useRecord } from '../api/hooks';
import { Icon } from '../components/Icon';
import { formatDateTime, formatRelative } from '../lib/format';
import { useNow } from '../lib/useNow';
import {
  callbackPresets,
  fromLocalInput,
  outcomeForKey,
  outcomeLabel,
  OUTCOMES,
  personName,
  phoneNumbers,
  telHref,
  toLocalInput,
  type CallLogged,
  type NextCall,
  type Outcome,
} from './campaigns';
import './campaigns.css';

interface Logged {
  name: string;
  outcome: Outcome;
  object: string;
  personId: string;
  task: CallLogged['task'];
}

export function CallListPage() {
  const { id = '' } = useParams();
  const campaign = useRecord('campaigns', id);
  const settings = useQuery({
    queryKey: ['settings'],
    staleTime: 60_000,
    queryFn: ({ signal }) => api.get<{ call_retry_hours?: number; call_max_attempts?: number }>('/settings', undefined, signal),
  });
  // Asking reserves the member for this rep: no background refetches.
  const next = useQuery({
    queryKey: ['call-next', id],
    queryFn: ({ signal }) => api.get<NextCall>(`/campaigns/${id}/call_list/next`, undefined, signal),
    refetchOnWindowFocus: false,
    gcTime: 0,
    retry: false,
  });
  const [notes, setNotes] = useState('');
  const [picking, setPicking] = useState(false);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [logged, setLogged] = useState<Logged | null>(null);
  const nowMs = useNow(30_000);
  const now = useMemo(() => new Date(nowMs), [nowMs]);
  const presets = useMemo(() => callbackPresets(now), [now]);
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const qc = useQueryClient();

  const member = next.data?.member ?? null;
  const person = next.data?.person ?? null;
  const memberId = member?.id ?? '';

  // A new person: a clean slate.
  useEffect(() => {
    setNotes('');
    setPicking(false);
    setCustom('');
    setError(null);
  }, [memberId]);

  const log = useCallback(
    async (outcome: Outcome, callbackAt?: string) => {
      if (!member || busy) return;
      setBusy(true);
      setError(null);
      try {
        const body: Record<string, string> = { outcome };
        if (notes.trim()) body.notes = notes.trim();
        if (callbackAt) body.callback_at = callbackAt;
        const r = await api.post<CallLogged>(`/campaigns/${id}/call_list/${member.id}/outcome`, body);
        const done = { name: personName(person), outcome, object: member.member_object, personId: member.member_id, task: r.task };
        // The next person first, then the confirmation: both change together.
        await next.refetch();
        setLogged(done);
        void qc.invalidateQueries({ queryKey: ['campaign-members', id] });
        void qc.invalidateQueries({ queryKey: ['list', 'activities'] });
        setPicking(false);
      } catch (e) {
        setError(e as Error);
      } finally {
        setBusy(false);
      }
    },
    [member, person, busy, notes, id, next, qc],
  );

  const choose = useCallback(
    (o: Outcome) => {
      if (o === 'callback') {
        setPicking(true);
        setError(null);
        if (!custom) setCustom(toLocalInput(presets.find((p) => p.key === 'tomorrow9')?.at ?? new Date()));
      } else {
        void log(o);
      }
    },
    [custom, presets, log],
  );

  // Keys 1–6 log an outcome; while picking a callback time, 1.. pick a preset
  // and Escape goes back. Typing in the notes is left alone.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || !member || busy) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (picking) {
        if (e.key === 'Escape') {
          e.preventDefault();
          setPicking(false);
          return;
        }
        const n = Number(e.key);
        if (e.key.length === 1 && n >= 1 && n <= presets.length) {
          e.preventDefault();
          void log('callback', presets[n - 1].at.toISOString());
        }
        return;
      }
      const o = outcomeForKey(e.key);
      if (o) {
        e.preventDefault();
        choose(o);
      } else if (e.key === 'n') {
        e.preventDefault();
        notesRef.current?.focus();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [member, busy, picking, presets, log, choose]);

  const campaignName = campaign.data ? String(campaign.data.name ?? 'Campaign') : 'Campaign';
  const retryHours = settings.data?.call_retry_hours ?? 4;
  const maxAttempts = settings.data?.call_max_attempts ?? 3;
  const attempts = Number(member?.call_count ?? 0);

  return (
    <div className="page call-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/campaigns">Campaigns</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={`/campaigns/${id}`}>{campaignName}</Link> <span aria-hidden="true">/</span>
      </nav>
      <div className="page-head">
        <h1>Call list</h1>
        {next.data && (
          <p className="muted call-progress" data-testid="call-progress">
            {next.data.remaining} to call now
            {next.data.retry_later > 0 && ` · ${next.data.retry_later} waiting for a retry`}
          </p>
        )}
      </div>

      {logged && (
        <p className="notice call-logged" role="status" data-testid="call-logged">
          <Icon name="check" size={16} /> Logged <strong>{outcomeLabel(logged.outcome)}</strong> for{' '}
          <Link to={`/${logged.object}/${logged.personId}`}>{logged.name}</Link>
          {logged.task && (
            <>
              {' '}
              · callback task <Link to={`/activities/${logged.task.id}`}>{String(logged.task.subject)}</Link> due{' '}
              {formatDateTime(String(logged.task.due_at))}
            </>
          )}
        </p>
      )}

      {next.isError ? (
        <div className="error-box" role="alert">
          {errorMessage(next.error)}{' '}
          <button className="btn sm" onClick={() => void next.refetch()}>
            Try again
          </button>
        </div>
      ) : !next.data ? (
        <div className="card call-card skeleton-block" aria-busy="true" />
      ) : !member ? (
        <section className="card call-empty" data-testid="call-empty" aria-labelledby="call-empty-title">
          <h2 id="call-empty-title">No one left to call</h2>
          {next.data.retry_later > 0 ? (
            <p>
              {next.data.retry_later} {next.data.retry_later === 1 ? 'member' : 'members'} did not answer and{' '}
              {next.data.retry_later === 1 ? 'comes' : 'come'} back {retryHours} {retryHours === 1 ? 'hour' : 'hours'} after the last try
              {next.data.next_retry_at && (
                <>
                  {' '}
                  — the next one <strong>{formatRelative(next.data.next_retry_at, now)}</strong> ({formatDateTime(next.data.next_retry_at)})
                </>
              )}
              .
            </p>
          ) : (
            <p>Everyone callable has been called — or no member has a phone number yet (add members on the campaign page).</p>
          )}
          <ul className="small muted">
            <li>Members who asked to be called back have a task at the time they chose (see My day).</li>
            <li>
              Nobody is called more than {maxAttempts} times; people without a phone number or marked “do not call” are never on the list.
            </li>
            {next.data.remaining > 0 && <li>{next.data.remaining} more are being called by colleagues right now.</li>}
          </ul>
          <div className="row gap">
            <button className="btn" onClick={() => void next.refetch()}>
              Check again
            </button>
            <Link className="btn" to={`/campaigns/${id}`}>
              Back to the campaign
            </Link>
            <Link className="btn ghost" to="/my-day">
              My day
            </Link>
          </div>
        </section>
      ) : (
        <section className="card call-card" aria-labelledby="call-person" data-testid="call-card" aria-busy={busy || next.isFetching}>
          <div className="call-who">
            <div>
              <h2 id="call-person">
                <Link to={`/${member.member_object}/${member.member_id}`}>{personName(person)}</Link>
              </h2>
              <p className="muted">
                {[person?.title, person?.company].filter(Boolean).join(' · ') || (member.member_object === 'leads' ? 'Lead' : 'Contact')}
                {person?.city || person?.country ? ` · ${[person?.city, person?.country].filter(Boolean).join(', ')}` : ''}
              </p>
            </div>
            <div className="call-attempts" data-testid="call-attempts">
              <div className="stat-label">Attempts so far</div>
              <div className="stat-value">
                {attempts}
                <span className="muted small"> of {maxAttempts}</span>
              </div>
              {member.call_outcome && (
                <div className="small">
                  Last: {outcomeLabel(member.call_outcome)} {member.last_called_at ? formatRelative(member.last_called_at, now) : ''}
                </div>
              )}
            </div>
          </div>
          <div className="call-numbers">
            {phoneNumbers(person).map((n) => (
              <a key={n.label} className="call-number" href={telHref(n.number)}>
                <Icon name="call" size={18} />
                <span>
                  <span className="muted small">{n.label}</span>
                  <strong>{n.number}</strong>
                </span>
              </a>
            ))}
            {person?.email && (
              <a className="call-email" href={`mailto:${person.email}`}>
                <Icon name="email" size={16} /> {person.email}
              </a>
            )}
          </div>
          {(next.data.recent_calls?.length ?? 0) > 0 && (
            <div className="call-history">
              <h3>Earlier calls</h3>
              <ul>
                {next.data.recent_calls!.map((c) => (
                  <li key={c.id}>
                    <span className="muted small">{formatDateTime(c.done_at)}</span> {c.subject}
                    {c.description && <div className="call-note">{c.description}</div>}
                  </li>
                ))}
              </ul>
            </div>
          )}

          <label htmlFor="call-notes" className="call-notes-label">
            Notes <span className="muted small">(optional, saved with the call; press N to type)</span>
          </label>
          <textarea id="call-notes" ref={notesRef} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} disabled={busy} />

          {!picking ? (
            <div className="outcomes" role="group" aria-label="Call outcome">
              {OUTCOMES.map((o, i) => (
                <button
                  key={o.value}
                  className={`btn outcome outcome-${o.value}`}
                  disabled={busy}
                  onClick={() => choose(o.value)}
                  title={o.hint}
                  aria-keyshortcuts={String(i + 1)}
                >
                  <kbd aria-hidden="true">{i + 1}</kbd> {o.label}
                </button>
              ))}
            </div>
          ) : (
            <div className="callback-pick" role="group" aria-label="Call back when">
              <div className="row gap wrap">
                <strong>Call back:</strong>
                {presets.map((p, i) => (
                  <button
                    key={p.key}
                    className="btn sm"
                    disabled={busy}
                    onClick={() => void log('callback', p.at.toISOString())}
                    title={formatDateTime(p.at.toISOString())}
                    aria-keyshortcuts={String(i + 1)}
                  >
                    <kbd aria-hidden="true">{i + 1}</kbd> {p.label}
                  </button>
                ))}
              </div>
              <div className="row gap wrap callback-custom">
                <label htmlFor="callback-at">Or at</label>
                <input id="callback-at" type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} disabled={busy} />
                <button
                  className="btn primary sm"
                  disabled={busy}
                  onClick={() => {
                    const iso = fromLocalInput(custom);
                    if (!iso) setError(new Error('Choose a date and time for the callback.'));
                    else void log('callback', iso);
                  }}
                >
                  Schedule callback
                </button>
                <button className="btn ghost sm" onClick={() => setPicking(false)} disabled={busy}>
                  Back
                </button>
              </div>
            </div>
          )}
          {error && (
            <div className="field-error call-error" role="alert" data-testid="call-error">
              {error instanceof ApiError ? fieldMessage(error.message, error.field) : error.message}
              {error instanceof ApiError && error.details && (
                <ul>
                  {Object.entries(error.details).map(([k, v]) => (
                    <li key={k}>
                      {k}: {v.join(', ')}
                    </li>
                  ))}
                </ul>
              )}
              {error instanceof ApiError && (error.status === 409 || error.status === 404) && (
                <button className="btn sm" onClick={() => void next.refetch()}>
                  Get the next person
                </button>
              )}
            </div>
          )}
          <p className="muted small call-lock">
            Reserved for you{next.data.locked_until ? ` until ${formatDateTime(next.data.locked_until)}` : ''}: colleagues working this list get
            someone else. {picking ? 'Keys 1–6 pick a time; Esc goes back.' : 'Keys 1–6 log an outcome.'}
          </p>
        </section>
      )}
    </div>
  );
}
