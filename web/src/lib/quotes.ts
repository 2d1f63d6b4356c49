// The quote rules the screen needs before asking the server (which decides):
// a line's total as the server computes it, and which status changes a user
// may offer for a quote (src/domain/quotes.cc, CheckQuoteTransition).

export function roundCents(v: number): number {
  return Math.round(v * 100) / 100;
}

/** quantity × list price, less the discount, plus tax on the rest. */
export function lineTotal(quantity: number, listPrice: number, discountPct = 0, taxPct = 0): number {
  const net = quantity * listPrice * (1 - discountPct / 100);
  return roundCents(net * (1 + taxPct / 100));
}

export type QuoteStatus = 'draft' | 'pending_approval' | 'approved' | 'rejected' | 'sent' | 'accepted' | 'declined' | 'superseded';

export interface QuoteAction {
  to: QuoteStatus | 'revise';
  label: string;
  primary?: boolean;
  /** Why the action is not possible now (shown, button disabled). */
  disabledReason?: string;
  /** Rejecting needs a comment. */
  needsComment?: boolean;
}

export function linesEditable(status: string): boolean {
  return status === 'draft' || status === 'rejected';
}

export function quoteActions(status: string, role: 'admin' | 'manager' | 'rep', needsApproval: boolean): QuoteAction[] {
  const approver = role !== 'rep';
  const out: QuoteAction[] = [];
  switch (status) {
    case 'draft':
      if (needsApproval) {
        out.push({ to: 'pending_approval', label: 'Submit for approval', primary: true });
        out.push({ to: 'sent', label: 'Mark as sent', disabledReason: 'The discount is above the approval threshold: a manager must approve it first.' });
      } else {
        out.push({ to: 'sent', label: 'Mark as sent', primary: true });
        out.push({ to: 'pending_approval', label: 'Submit for approval' });
      }
      break;
    case 'pending_approval':
      out.push({ to: 'approved', label: 'Approve', primary: true, disabledReason: approver ? undefined : 'Only a manager or an administrator may approve.' });
      out.push({ to: 'rejected', label: 'Reject', needsComment: true, disabledReason: approver ? undefined : 'Only a manager or an administrator may reject.' });
      out.push({ to: 'draft', label: 'Back to draft' });
      break;
    case 'approved':
      out.push({ to: 'sent', label: 'Mark as sent', primary: true });
      out.push({ to: 'draft', label: 'Back to draft' });
      break;
    case 'rejected':
      out.push({ to: 'pending_approval', label: 'Submit again', primary: true });
      out.push({ to: 'draft', label: 'Back to draft' });
      break;
    case 'sent':
      out.push({ to: 'accepted', label: 'Customer accepted', primary: true });
      out.push({ to: 'declined', label: 'Customer declined' });
      break;
  }
  if (status !== 'accepted' && status !== 'superseded') out.push({ to: 'revise', label: 'New version' });
  return out;
}
