// The deal page's stage controls (issue 5): the stage path, the won/lost
// reason asked before a move to a won or lost stage, and, on a lost deal, the
// reason it was lost and a button that reopens it in the stage it left.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { useStages } from '../api/hooks';
import type { RecordData, Value } from '../api/types';
import { humanize } from '../lib/format';
import { StagePath } from '../records/StagePath';
import { CloseReasonDialog } from './CloseReasonDialog';
import './sales.css';

interface StageMove {
  from_stage_id: string | null;
  to_stage_id: string | null;
}

/** Where a lost deal goes back to: the open stage it was lost from, else the pipeline's first open stage. */
export function reopenStage(stages: RecordData[], history: StageMove[], current: string): RecordData | undefined {
  const open = stages.filter((s) => s.kind === 'open');
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].to_stage_id !== current) continue;
    const prev = open.find((s) => s.id === history[i].from_stage_id);
    if (prev) return prev;
    break;
  }
  return open[0];
}

export function DealStage({
  record,
  busy,
  onMove,
}: {
  record: RecordData;
  busy: boolean;
  onMove: (patch: Record<string, Value>) => Promise<boolean>;
}) {
  const stages = useStages(record.pipeline_id ? String(record.pipeline_id) : undefined);
  const list = stages.data ?? [];
  const current = list.find((s) => s.id === record.stage_id);
  const lost = current?.kind === 'lost';
  const history = useQuery({
    queryKey: ['stage_history', record.id, record.version],
    enabled: lost,
    queryFn: ({ signal }) => api.get<{ data: StageMove[] }>(`/opportunities/${record.id}/stage_history`, undefined, signal).then((r) => r.data),
  });
  const [closing, setClosing] = useState<{ stageId: string; kind: 'won' | 'lost' } | null>(null);
  const [saving, setSaving] = useState(false);
  const back = lost ? reopenStage(list, history.data ?? [], String(record.stage_id)) : undefined;

  function move(stageId: string) {
    const kind = list.find((s) => s.id === stageId)?.kind;
    if (kind === 'won' || kind === 'lost') setClosing({ stageId, kind });
    else void onMove({ stage_id: stageId });
  }

  return (
    <>
      <StagePath record={record} busy={busy} onMove={move} />
      {lost && (
        <div className="deal-lost" data-testid="deal-lost">
          <span>
            Lost{record.close_reason ? ` — ${humanize(String(record.close_reason))}` : ''}
            {record.close_reason_text ? <span className="muted">: {String(record.close_reason_text)}</span> : null}
          </span>
          {back && (
            <button type="button" className="btn sm" disabled={busy} onClick={() => void onMove({ stage_id: back.id })}>
              Reopen in {String(back.name)}
            </button>
          )}
        </div>
      )}
      <CloseReasonDialog
        open={closing !== null}
        kind={closing?.kind ?? 'won'}
        dealName={String(record.name ?? '')}
        stageName={String(list.find((s) => s.id === closing?.stageId)?.name ?? '')}
        error={null}
        busy={saving}
        onCancel={() => setClosing(null)}
        onSubmit={async (r) => {
          if (!closing) return;
          setSaving(true);
          await onMove({ stage_id: closing.stageId, close_reason: r.close_reason, close_reason_text: r.close_reason_text });
          setSaving(false);
          setClosing(null);
        }}
      />
    </>
  );
}
