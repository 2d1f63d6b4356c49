// Asks why a deal is won or lost before it moves to a won or lost stage (the
// API requires close_reason, a picklist, and takes close_reason_text): used
// by the board's drag and drop and by the stage path on the deal page.
import { useEffect, useState } from 'react';
import { useFields } from '../api/hooks';
import { Dialog } from '../components/Dialog';
import { humanize } from '../lib/format';
import './sales.css';

export interface CloseReason {
  close_reason: string;
  close_reason_text: string | null;
}

/** The reasons a person may pick: the field's options, less the one the system sets. */
export function reasonOptions(options: string[] | undefined): string[] {
  return (options ?? []).filter((o) => o !== 'quote_accepted');
}

export function CloseReasonDialog({
  open,
  kind,
  dealName,
  stageName,
  error,
  busy,
  onSubmit,
  onCancel,
}: {
  open: boolean;
  kind: 'won' | 'lost';
  dealName: string;
  stageName: string;
  error: string | null;
  busy: boolean;
  onSubmit: (r: CloseReason) => void;
  onCancel: () => void;
}) {
  const fields = useFields('opportunities');
  const reasonField = fields.find((f) => f.name === 'close_reason');
  const options = reasonOptions(reasonField?.options);
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (open) {
      setReason('');
      setText('');
      setMissing(false);
    }
  }, [open, dealName, stageName]);
  const title = kind === 'won' ? `Won “${dealName}”` : `Lost “${dealName}”`;
  return (
    <Dialog open={open} onClose={onCancel} title={title} className="close-reason-dialog" labelledBy="close-reason-title">
      <form
        data-testid="close-reason-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason) {
            setMissing(true);
            return;
          }
          onSubmit({ close_reason: reason, close_reason_text: text.trim() ? text.trim() : null });
        }}
      >
        <p className="muted">
          Moving to <strong>{stageName}</strong>. {kind === 'won' ? 'What won it?' : 'Why was it lost?'} The reason feeds the win/loss reports.
        </p>
        <div className={`form-row${missing ? ' has-error' : ''}`}>
          <label htmlFor="close-reason">
            {reasonField?.label ?? 'Reason'}
            <span className="req" aria-label="required"> *</span>
          </label>
          <select
            id="close-reason"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setMissing(false);
            }}
            aria-invalid={missing || undefined}
            aria-describedby={missing ? 'close-reason-error' : undefined}
            autoFocus
          >
            <option value="">Choose a reason…</option>
            {options.map((o) => (
              <option key={o} value={o}>
                {humanize(o)}
              </option>
            ))}
          </select>
          {missing && (
            <div className="field-error" id="close-reason-error" role="alert">
              Pick a reason.
            </div>
          )}
        </div>
        <div className="form-row">
          <label htmlFor="close-reason-text">{fields.find((f) => f.name === 'close_reason_text')?.label ?? 'Details'}</label>
          <textarea
            id="close-reason-text"
            rows={3}
            maxLength={5000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={kind === 'won' ? 'e.g. best integration with their ERP' : 'e.g. went with a cheaper competitor'}
          />
        </div>
        <div className="form-error" role="alert">
          {error}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy}>
            {busy ? 'Saving…' : kind === 'won' ? 'Mark as won' : 'Mark as lost'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
