// A rep's start page: tasks due today and overdue, meetings and visits
// coming up, and new leads assigned to them.
import { useMemo } from 'react';
import { Link } from 'react-router';
import { useRecordList } from '../api/hooks';
import { errorMessage } from '../api/client';
import { useMe } from '../auth/AuthContext';
import { ActivityItem } from '../records/Timeline';
import { formatRelative } from '../lib/format';
import { recordPath, recordSubtitle, recordTitle } from '../lib/objects';

function startOfDay(offsetDays = 0): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + offsetDays);
  return d;
}

export function MyDay() {
  const me = useMe();
  // Fixed for the page's life, so the query keys stay stable.
  const { tomorrow, inAWeek, now } = useMemo(
    () => ({ tomorrow: startOfDay(1).toISOString(), inAWeek: startOfDay(8).toISOString(), now: new Date().toISOString() }),
    [],
  );
  const today = useMemo(() => startOfDay(0).toISOString(), []);
  const tasks = useRecordList({
    object: 'activities',
    filters: [`owner_id:eq:${me.id}`, 'type:eq:task', 'done_at:is_null:true', `due_at:lt:${tomorrow}`],
    sort: 'due_at',
    limit: 50,
  });
  const meetings = useRecordList({
    object: 'activities',
    filters: [`owner_id:eq:${me.id}`, 'type:in:meeting,visit,call', 'done_at:is_null:true', `due_at:gte:${now}`, `due_at:lt:${inAWeek}`],
    sort: 'due_at',
    limit: 20,
  });
  const leads = useRecordList({
    object: 'leads',
    filters: [`owner_id:eq:${me.id}`, 'status:eq:new'],
    sort: '-created_at',
    limit: 20,
  });
  const taskRows = tasks.data?.pages.flatMap((p) => p.data) ?? [];
  const overdue = taskRows.filter((t) => String(t.due_at) < today);
  const dueToday = taskRows.filter((t) => String(t.due_at) >= today);
  const meetingRows = meetings.data?.pages.flatMap((p) => p.data) ?? [];
  const leadRows = leads.data?.pages.flatMap((p) => p.data) ?? [];
  const hour = new Date().getHours();
  const greeting = hour < 12 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening';

  return (
    <div className="page myday">
      <div className="page-head">
        <h1>
          {greeting}, {me.name.split(' ')[0]}
        </h1>
        <p className="muted">{new Date().toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}</p>
      </div>
      <div className="myday-grid">
        <section className="card" aria-labelledby="md-tasks">
          <h2 id="md-tasks">
            Tasks <span className="count">{taskRows.length}</span>
          </h2>
          {tasks.isError && <p className="field-error">{errorMessage(tasks.error)}</p>}
          {overdue.length > 0 && (
            <>
              <h3 className="overdue">Overdue</h3>
              <ul className="timeline-list">
                {overdue.map((a) => (
                  <li key={a.id}>
                    <ActivityItem activity={a} />
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Today</h3>
          {dueToday.length === 0 && !tasks.isLoading ? <p className="muted small">Nothing due today.</p> : null}
          <ul className="timeline-list">
            {dueToday.map((a) => (
              <li key={a.id}>
                <ActivityItem activity={a} />
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="md-meetings">
          <h2 id="md-meetings">
            Coming up <span className="count">{meetingRows.length}</span>
          </h2>
          {meetings.isError && <p className="field-error">{errorMessage(meetings.error)}</p>}
          {meetingRows.length === 0 && !meetings.isLoading ? <p className="muted small">No meetings, visits or calls planned this week.</p> : null}
          <ul className="timeline-list">
            {meetingRows.map((a) => (
              <li key={a.id}>
                <ActivityItem activity={a} />
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="md-leads">
          <h2 id="md-leads">
            New leads for you <span className="count">{leadRows.length}{leads.hasNextPage ? '+' : ''}</span>
          </h2>
          {leads.isError && <p className="field-error">{errorMessage(leads.error)}</p>}
          {leadRows.length === 0 && !leads.isLoading ? <p className="muted small">No new leads assigned to you.</p> : null}
          <ul className="related-list">
            {leadRows.map((l) => (
              <li key={l.id}>
                <Link to={recordPath('leads', l.id)}>{recordTitle('leads', l)}</Link>
                <span className="related-meta">
                  <span>{recordSubtitle('leads', l)}</span>
                  <span className="muted small">{formatRelative(l.created_at)}</span>
                </span>
              </li>
            ))}
          </ul>
          {leads.hasNextPage && (
            <Link className="btn link sm" to={`/leads?f=${encodeURIComponent(`owner_id:eq:${me.id}`)}&f=status%3Aeq%3Anew`}>
              All my new leads
            </Link>
          )}
        </section>
      </div>
    </div>
  );
}
