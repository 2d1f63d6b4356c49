// A case's service-level countdown: "2h 10m left" (amber when little is
// left), "overdue by 35m" (red), or how a resolved case ended.
import type { RecordData } from '../api/types';
import { formatDateTime } from '../lib/format';
import { slaState } from '../lib/sla';
import { useNow } from '../lib/useNow';

export function SlaBadge({ record, showTarget = true }: { record: Partial<RecordData>; showTarget?: boolean }) {
  const now = useNow();
  const s = slaState(record, now);
  if (s.level === 'none') return <span className="empty">—</span>;
  const what = s.target === 'first_response' ? 'First response' : s.target === 'resolution' ? 'Resolution' : '';
  return (
    <span
      className={`sla sla-${s.level}`}
      title={s.due ? `${what} due ${formatDateTime(s.due)}` : undefined}
      data-testid="sla"
      data-level={s.level}
    >
      {showTarget && what && <span className="sla-target">{what}</span>}
      <span className="sla-label">{s.label}</span>
    </span>
  );
}
