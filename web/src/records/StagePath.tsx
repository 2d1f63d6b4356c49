// An opportunity's stages as a path: where it is, one click (or Enter) to
// move it. The server sets the probability from the stage.
import { useStages } from '../api/hooks';
import type { RecordData } from '../api/types';

export function StagePath({ record, onMove, busy }: { record: RecordData; onMove: (stageId: string) => void; busy: boolean }) {
  const stages = useStages(record.pipeline_id ? String(record.pipeline_id) : undefined);
  const list = stages.data ?? [];
  const currentIdx = list.findIndex((s) => s.id === record.stage_id);
  if (list.length === 0) return <div className="stage-path placeholder" aria-hidden="true" />;
  return (
    <ol className="stage-path" aria-label="Stage">
      {list.map((s, i) => {
        const current = s.id === record.stage_id;
        const cls = `${current ? 'current' : i < currentIdx ? 'past' : ''} kind-${s.kind}`;
        return (
          <li key={s.id} className={cls}>
            <button type="button" disabled={busy || current} aria-current={current ? 'step' : undefined} onClick={() => onMove(s.id)} title={`${s.name} (${s.probability}%)`}>
              {String(s.name)}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
