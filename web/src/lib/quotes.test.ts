import { lineTotal, linesEditable, quoteActions } from './quotes';

describe('quote logic', () => {
  it('computes a line total like the server', () => {
    expect(lineTotal(3, 100)).toBe(300);
    expect(lineTotal(2, 99.99, 10, 20)).toBe(215.98); // 199.98 * 0.9 * 1.2
    expect(lineTotal(1, 0.1, 0, 0)).toBe(0.1);
  });
  it('offers approval when the discount needs it, and only managers approve', () => {
    const draft = quoteActions('draft', 'rep', true);
    expect(draft[0]).toMatchObject({ to: 'pending_approval', primary: true });
    expect(draft.find((a) => a.to === 'sent')?.disabledReason).toMatch(/approve/);
    expect(quoteActions('pending_approval', 'rep', true).find((a) => a.to === 'approved')?.disabledReason).toMatch(/manager/);
    expect(quoteActions('pending_approval', 'manager', true).find((a) => a.to === 'approved')?.disabledReason).toBeUndefined();
    expect(quoteActions('pending_approval', 'admin', true).find((a) => a.to === 'rejected')?.needsComment).toBe(true);
    expect(quoteActions('accepted', 'admin', false)).toEqual([]);
    expect(quoteActions('sent', 'rep', false).map((a) => a.to)).toEqual(['accepted', 'declined', 'revise']);
  });
  it('knows when lines can change', () => {
    expect(linesEditable('draft')).toBe(true);
    expect(linesEditable('rejected')).toBe(true);
    expect(linesEditable('approved')).toBe(false);
  });
});
