import { Link } from 'react-router';
import { useRefLabel } from '../api/hooks';
import { recordPath } from '../lib/objects';

const LINKABLE = new Set(['leads', 'contacts', 'accounts', 'opportunities', 'activities']);

/** The name of a referenced record (resolved in batches), linked to its page when it has one. */
export function RefLink({ object, id, link = true }: { object?: string; id: string | null | undefined; link?: boolean }) {
  const q = useRefLabel(object, id);
  if (!id || !object) return null;
  // Reserve the space while loading: no layout shift when the name arrives.
  const text = q.data?.title ?? '\u00a0';
  if (!q.data) return <span className="ref loading" aria-busy="true">{text}</span>;
  if (link && LINKABLE.has(object) && !q.data.missing) {
    return (
      <Link className="ref" to={recordPath(object, id)} onClick={(e) => e.stopPropagation()}>
        {text}
      </Link>
    );
  }
  return <span className={`ref${q.data.missing ? ' missing' : ''}`}>{text}</span>;
}
