// The bell in the top bar: unread count, the latest notifications
// (mentions, team changes, followed records, reminders, assignments), each
// linking to its record; opening one marks it read.
import './team.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import { Popover } from '../components/Popover';
import { formatDateTime, formatRelative } from '../lib/format';
import { recordPath } from '../lib/objects';
import { notificationsKey, type Notification } from './api';
import { plainMentions } from './mentions';

export function NotificationBell() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: notificationsKey,
    refetchInterval: 60_000,
    queryFn: ({ signal }) => api.get<{ data: Notification[]; unread_count: number }>('/notifications', [['limit', 20]], signal),
  });
  const read = useMutation({
    mutationFn: (id: string) => api.post<void>(`/notifications/${id}/read`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationsKey }),
  });
  const unread = list.data?.unread_count ?? 0;
  const items = list.data?.data ?? [];
  return (
    <Popover
      align="right"
      className="bell-panel"
      buttonClassName="icon-btn bell"
      title={unread ? `${unread} unread notifications` : 'Notifications'}
      label={
        <>
          <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="M6 8a6 6 0 0 1 12 0c0 7 3 8 3 8H3s3-1 3-8M10 20a2 2 0 0 0 4 0" />
          </svg>
          <span className="sr-only">Notifications</span>
          {unread > 0 && (
            <span className="badge-count" data-testid="unread-count">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </>
      }
    >
      {(close) => (
        <div className="bell-list" aria-label="Notifications">
          <div className="bell-head">
            <strong>Notifications</strong>
            <Link to="/following" onClick={close}>
              Your feed →
            </Link>
          </div>
          {items.length === 0 && <p className="muted small">Nothing new.</p>}
          <ul>
            {items.map((n) => (
              <li key={n.id} className={n.read_at ? 'read' : 'unread'}>
                <button
                  className="bell-item"
                  onClick={() => {
                    if (!n.read_at) read.mutate(n.id);
                    close();
                    if (n.object && n.record_id) navigate(recordPath(n.object, n.record_id));
                  }}
                >
                  <span>{plainMentions(n.message)}</span>
                  <span className="muted small" title={formatDateTime(n.created_at)}>
                    {formatRelative(n.created_at)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Popover>
  );
}
