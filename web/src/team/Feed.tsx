// A feed of changes, newest first: one item per change (who, when, which
// fields from -> to), notes and activities added, team changes. Used for one
// record (GET /{object}/{id}/feed) and for everything the user follows
// (GET /me/feed, where each item names its record).
import './team.css';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { fieldMap, useFields } from '../api/hooks';
import type { Value } from '../api/types';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { formatDateTime, formatRelative } from '../lib/format';
import { objectConfig, recordPath } from '../lib/objects';
import { roleLabel, teamApi, type FeedItem } from './api';
import { plainMentions } from './mentions';

export function Feed({ path, queryKey, showRecord = false, empty }: { path: string; queryKey: unknown[]; showRecord?: boolean; empty: string }) {
  const feed = useInfiniteQuery({
    queryKey,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => teamApi.feed(path, pageParam, signal),
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = feed.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="feed">
      {feed.isError && <p className="field-error">{errorMessage(feed.error)}</p>}
      <ul className="timeline-list" aria-busy={feed.isLoading}>
        {items.map((it) => (
          <li key={it.id}>
            <FeedEntry item={it} showRecord={showRecord} />
          </li>
        ))}
      </ul>
      {!feed.isLoading && items.length === 0 && <p className="muted">{empty}</p>}
      {feed.hasNextPage && (
        <button className="btn ghost sm" disabled={feed.isFetchingNextPage} onClick={() => void feed.fetchNextPage()}>
          {feed.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </button>
      )}
    </div>
  );
}

function FeedEntry({ item: it, showRecord }: { item: FeedItem; showRecord: boolean }) {
  const fields = fieldMap(useFields(it.object));
  const who = <strong>{it.user_name ?? 'The system'}</strong>;
  const singular = objectConfig(it.about.object).singular.toLowerCase();
  let icon = 'history';
  let text;
  if (it.activity) {
    icon = it.activity.type || 'note';
    text = (
      <>
        {who} added a {it.activity.type}: <em>{plainMentions(it.activity.subject)}</em>
      </>
    );
  } else if (it.action.startsWith('team_')) {
    icon = 'contacts';
    const member = <strong>{it.team_member?.user_name ?? 'someone'}</strong>;
    const to = it.changes[0]?.to as { role?: string; access?: string } | null;
    text =
      it.action === 'team_add' ? (
        <>
          {who} added {member} to the team{to?.role ? ` as ${roleLabel(to.role)}` : ''}
          {to?.access ? ` (${to.access === 'edit' ? 'can edit' : 'can view'})` : ''}
        </>
      ) : it.action === 'team_remove' ? (
        <>
          {who} removed {member} from the team
        </>
      ) : (
        <>
          {who} changed {member}’s team role to {roleLabel(to?.role ?? '')} ({to?.access === 'edit' ? 'can edit' : 'can view'})
        </>
      );
  } else if (it.action === 'create') {
    text = (
      <>
        {who} created this {it.object === it.about.object ? singular : it.object}
      </>
    );
  } else if (it.action === 'delete' || it.action === 'restore') {
    text = (
      <>
        {who} {it.action === 'delete' ? 'deleted' : 'restored'} it
      </>
    );
  } else {
    text = (
      <>
        {who} changed{' '}
        {it.changes.map((c, i) => {
          const f = fields.get(c.field);
          return (
            <span key={c.field} className="feed-change">
              {i > 0 ? ', ' : ''}
              <strong>{f?.label ?? c.field}</strong> from <FieldValue field={f} value={c.from as Value} /> to <FieldValue field={f} value={c.to as Value} />
            </span>
          );
        })}
      </>
    );
  }
  return (
    <div className="tl-item tl-feed">
      <span className="tl-icon" aria-hidden="true">
        <Icon name={icon} size={16} />
      </span>
      <div className="tl-body">
        {showRecord && (
          <div className="small">
            <Link to={recordPath(it.about.object, it.about.id)}>{it.about.title}</Link> <span className="muted">· {singular}</span>
          </div>
        )}
        <div className="tl-line">
          <span>{text}</span>
        </div>
        <div className="muted small" title={formatDateTime(it.at)}>
          {formatRelative(it.at)}
        </div>
      </div>
    </div>
  );
}

/** The record page's feed card. */
export function RecordFeed({ object, id }: { object: string; id: string }) {
  return (
    <section className="card" aria-labelledby="feed-title" data-testid="record-feed">
      <h2 id="feed-title">Feed</h2>
      <Feed path={`/${object}/${id}/feed`} queryKey={['feed', object, id]} empty="No changes yet." />
    </section>
  );
}
