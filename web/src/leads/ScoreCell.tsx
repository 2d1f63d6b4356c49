// A lead's score in a list cell, with the scoring rules that fired as its
// tooltip and accessible description (the record page shows them in full).
import type { RecordData } from '../api/types';
import { explanationSummary, parseExplanation } from './leadInfo';
import './leads.css';

export function ScoreCell({ record }: { record: RecordData }) {
  if (record.score === null || record.score === undefined) return <span className="empty">—</span>;
  const why = explanationSummary(parseExplanation(record.score_explanation));
  return (
    <span className="score-cell" title={why} aria-label={`Score ${record.score}: ${why}`} data-testid="score-cell">
      {String(record.score)}
    </span>
  );
}
