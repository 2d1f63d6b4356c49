// The quote builder on a deal's page: the deal's quotes (every version),
// a new quote, lines priced from the quote's price book (product, quantity,
// discount, tax), the totals the server computes, and the approval flow —
// submit, approve or reject with a comment, send, accept, new version.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage, fieldMessage } from '../api/client';
import type { Page, RecordData } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { Icon } from '../components/Icon';
import { RefLink } from '../components/RefLink';
import { useToast } from '../components/Toast';
import { formatMoney, humanize } from '../lib/format';
import { lineTotal, linesEditable, quoteActions, type QuoteAction } from '../lib/quotes';
import '../pipeline/sales.css';

function num(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function QuoteBuilder({ opportunity }: { opportunity: RecordData }) {
  const qc = useQueryClient();
  const toast = useToast();
  const quotesKey = ['list', 'quotes', { opportunity: opportunity.id }];
  const quotes = useQuery({
    queryKey: quotesKey,
    queryFn: ({ signal }) =>
      api.get<Page>('/quotes', [['filter', `opportunity_id:eq:${opportunity.id}`], ['sort', '-created_at'], ['limit', 100]], signal),
  });
  const list = quotes.data?.data ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const current = list.find((q) => q.id === selected) ?? list.find((q) => q.status !== 'superseded') ?? list[0] ?? null;
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

  async function createQuote() {
    setCreating(true);
    setCreateError(null);
    try {
      const n = list.filter((q) => !q.previous_quote_id).length + 1;
      const q = await api.post<RecordData>('/quotes', { name: `${opportunity.name} — quote ${n}`, opportunity_id: opportunity.id });
      await qc.invalidateQueries({ queryKey: quotesKey });
      setSelected(q.id);
      toast.show(`Quote “${q.name}” created`);
    } catch (e) {
      setCreateError(errorMessage(e));
    } finally {
      setCreating(false);
    }
  }

  return (
    <section className="card quotes" aria-labelledby="quotes-title" data-testid="quote-builder">
      <div className="card-head">
        <h2 id="quotes-title">
          Quotes <span className="count">{list.length}</span>
        </h2>
        <button className="btn sm" onClick={() => void createQuote()} disabled={creating}>
          <Icon name="plus" size={14} /> New quote
        </button>
      </div>
      {createError && (
        <p className="field-error" role="alert">
          {createError}
        </p>
      )}
      {quotes.isError && <p className="field-error">{errorMessage(quotes.error)}</p>}
      {list.length === 0 && !quotes.isLoading && <p className="muted small">No quote yet.</p>}
      {list.length > 1 && (
        <ul className="quote-versions" aria-label="Quotes and versions">
          {list.map((q) => (
            <li key={q.id}>
              <button className={`menu-item${current?.id === q.id ? ' active' : ''}`} onClick={() => setSelected(q.id)} aria-pressed={current?.id === q.id}>
                <span>
                  {String(q.name)} <span className="muted small">v{num(q.version_number) || 1}</span>
                </span>
                <span className={`pill pill-q-${String(q.status)}`}>{humanize(String(q.status))}</span>
                <span className="num">{formatMoney(num(q.total), String(q.currency ?? 'EUR'))}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {current && <QuoteEditor key={current.id} quote={current} quotesKey={quotesKey} onSelect={setSelected} />}
    </section>
  );
}

function QuoteEditor({ quote, quotesKey, onSelect }: { quote: RecordData; quotesKey: unknown[]; onSelect: (id: string) => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const me = useMe();
  const currency = String(quote.currency ?? 'EUR');
  const status = String(quote.status ?? 'draft');
  const editable = linesEditable(status);
  const linesKey = ['list', 'quote_lines', { quote: quote.id }];
  const lines = useQuery({
    queryKey: linesKey,
    queryFn: ({ signal }) => api.get<Page>('/quote_lines', [['filter', `quote_id:eq:${quote.id}`], ['sort', 'created_at'], ['limit', 500]], signal),
  });
  const settings = useQuery({
    queryKey: ['settings'],
    staleTime: 60_000,
    retry: false,
    queryFn: ({ signal }) => api.get<{ quote_approval_discount_pct: number }>('/settings', undefined, signal),
  });
  const threshold = settings.data?.quote_approval_discount_pct;
  const maxDiscount = num(quote.max_discount_pct);
  const needsApproval = threshold !== undefined && maxDiscount > threshold;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  async function refresh() {
    await Promise.all([qc.invalidateQueries({ queryKey: quotesKey }), qc.invalidateQueries({ queryKey: linesKey })]);
  }

  async function run(a: QuoteAction) {
    setBusy(true);
    setActionError(null);
    try {
      if (a.to === 'revise') {
        const next = await api.post<RecordData>(`/quotes/${quote.id}/revise`);
        await refresh();
        onSelect(next.id);
        toast.show(`Version ${num(next.version_number)} created as a draft`);
        return;
      }
      const patch: Record<string, unknown> = { status: a.to };
      if (a.needsComment || (comment.trim() && (a.to === 'approved' || a.to === 'rejected'))) patch.approval_comment = comment.trim() || null;
      await api.patch<RecordData>(`/quotes/${quote.id}`, patch, quote.version);
      setComment('');
      await refresh();
      if (a.to === 'accepted') {
        // The deal is won and an order exists: the page's deal changed too.
        void qc.invalidateQueries({ queryKey: ['record', 'opportunities', String(quote.opportunity_id)] });
        void qc.invalidateQueries({ queryKey: ['history', 'opportunities', String(quote.opportunity_id)] });
      }
      toast.show(`Quote ${humanize(a.to).toLowerCase()}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await refresh();
        setActionError('Someone else changed this quote; it is reloaded. Try again.');
      } else setActionError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function removeLine(l: RecordData) {
    try {
      await api.del(`/quote_lines/${l.id}`, l.version);
      await refresh();
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
  }

  const rows = lines.data?.data ?? [];
  const actions = quoteActions(status, me.role, needsApproval);
  const rejecting = actions.some((a) => a.needsComment && !a.disabledReason);

  return (
    <div className="quote-editor" data-testid="quote-editor" data-status={status}>
      <div className="quote-head">
        <div>
          <strong>{String(quote.name)}</strong> <span className="muted small">version {num(quote.version_number) || 1}</span>
        </div>
        <span className={`pill pill-q-${status}`} data-testid="quote-status">
          {humanize(status)}
        </span>
        {/* The printable quote (issue 5): the PDF to print or send, the same document as a web page. */}
        <span className="quote-print">
          <a className="btn sm" href={`/api/v1/quotes/${quote.id}/document.pdf`} target="_blank" rel="noopener" data-testid="quote-print">
            <Icon name="download" size={14} /> Print / PDF
          </a>
          <a className="btn link sm" href={`/api/v1/quotes/${quote.id}/document.html`} target="_blank" rel="noopener">
            HTML
          </a>
        </span>
      </div>
      <ApprovalNote quote={quote} status={status} threshold={threshold} maxDiscount={maxDiscount} />
      <div className="table-wrap">
        <table className="data-table compact quote-lines" aria-label="Quote lines">
          <thead>
            <tr>
              <th className="first">Product</th>
              <th className="num">Qty</th>
              <th className="num">List price</th>
              <th className="num">Discount</th>
              <th className="num">Tax</th>
              <th className="num">Total</th>
              {editable && <th aria-label="Remove" />}
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.id} data-testid="quote-line">
                <td className="first" data-label="Product">
                  <RefLink object="products" id={String(l.product_id)} link={false} />
                </td>
                <td className="num" data-label="Quantity">
                  {num(l.quantity)}
                </td>
                <td className="num" data-label="List price">
                  {formatMoney(num(l.list_price), currency)}
                </td>
                <td className="num" data-label="Discount">
                  {num(l.discount_pct)}%
                </td>
                <td className="num" data-label="Tax">
                  {num(l.tax_pct)}%
                </td>
                <td className="num" data-label="Line total">
                  <strong>{formatMoney(num(l.line_total), currency)}</strong>
                </td>
                {editable && (
                  <td className="num">
                    <button className="icon-btn sm" aria-label="Remove line" onClick={() => void removeLine(l)}>
                      <Icon name="trash" size={14} />
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && !lines.isLoading && <p className="muted small">No lines yet.</p>}
      </div>
      {editable && <AddLine quote={quote} currency={currency} onAdded={refresh} />}
      <dl className="quote-totals" data-testid="quote-totals">
        <div>
          <dt>Subtotal</dt>
          <dd>{formatMoney(num(quote.subtotal), currency)}</dd>
        </div>
        <div>
          <dt>Discount</dt>
          <dd>−{formatMoney(num(quote.discount_total), currency)}</dd>
        </div>
        <div>
          <dt>Tax</dt>
          <dd>{formatMoney(num(quote.tax_total), currency)}</dd>
        </div>
        <div className="grand">
          <dt>Total</dt>
          <dd data-testid="quote-total">{formatMoney(num(quote.total), currency)}</dd>
        </div>
      </dl>
      {rejecting && (
        <div className="form-row">
          <label htmlFor={`comment-${quote.id}`}>Approval comment (needed to reject)</label>
          <textarea id={`comment-${quote.id}`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
        </div>
      )}
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      <div className="quote-actions">
        {actions.map((a) => (
          <button
            key={a.to}
            className={`btn sm${a.primary ? ' primary' : ''}${a.to === 'rejected' ? ' danger' : ''}`}
            disabled={busy || Boolean(a.disabledReason) || (a.needsComment && !comment.trim())}
            title={a.disabledReason ?? (a.needsComment && !comment.trim() ? 'Write why in the comment first' : undefined)}
            onClick={() => void run(a)}
          >
            {a.label}
          </button>
        ))}
      </div>
    </div>
  );
}

function ApprovalNote({ quote, status, threshold, maxDiscount }: { quote: RecordData; status: string; threshold?: number; maxDiscount: number }) {
  let text: string | null = null;
  let kind = 'info';
  if (status === 'pending_approval') text = `Waiting for a manager’s approval (largest discount ${maxDiscount}%).`;
  else if (status === 'approved') {
    kind = 'ok';
    text = 'Approved';
  } else if (status === 'rejected') {
    kind = 'bad';
    text = 'Rejected';
  } else if (status === 'draft' && threshold !== undefined && maxDiscount > threshold) {
    kind = 'warn';
    text = `A discount of ${maxDiscount}% is above the ${threshold}% approval threshold: submit it for approval before sending.`;
  } else if (status === 'accepted') {
    kind = 'ok';
    text = 'Accepted by the customer: the deal is won and an order was created.';
  }
  if (!text) return null;
  return (
    <div className={`approval-note ${kind}`} data-testid="approval-note">
      {text}
      {(status === 'approved' || status === 'rejected') && quote.approved_by ? (
        <>
          {' by '}
          <RefLink object="users" id={String(quote.approved_by)} link={false} />
        </>
      ) : null}
      {(status === 'approved' || status === 'rejected') && quote.approval_comment ? <>: “{String(quote.approval_comment)}”</> : null}
    </div>
  );
}

function AddLine({ quote, currency, onAdded }: { quote: RecordData; currency: string; onAdded: () => Promise<void> }) {
  const bookId = String(quote.price_book_id ?? '');
  // The price book's entries: which products may go on this quote, at what list price.
  const entries = useQuery({
    queryKey: ['list', 'price_book_entries', { book: bookId }],
    enabled: Boolean(bookId),
    staleTime: 60_000,
    queryFn: ({ signal }) => api.get<Page>('/price_book_entries', [['filter', `price_book_id:eq:${bookId}`], ['limit', 1000]], signal),
  });
  const productIds = useMemo(() => [...new Set((entries.data?.data ?? []).map((e) => String(e.product_id)))], [entries.data]);
  const products = useQuery({
    queryKey: ['list', 'products', { ids: productIds }],
    enabled: productIds.length > 0,
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const out: RecordData[] = [];
      for (let i = 0; i < productIds.length; i += 100) {
        const chunk = productIds.slice(i, i + 100);
        const p = await api.get<Page>('/products', [['filter', `id:in:${chunk.join(',')}`], ['sort', 'name'], ['limit', chunk.length]], signal);
        out.push(...p.data);
      }
      return out.filter((p) => p.active !== false && p.active !== 0).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    },
  });
  const priceOf = useMemo(() => new Map((entries.data?.data ?? []).map((e) => [String(e.product_id), num(e.unit_price)])), [entries.data]);
  const [productId, setProductId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [discount, setDiscount] = useState('0');
  const [tax, setTax] = useState('0');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  useEffect(() => setErrors({}), [productId]);
  const list = priceOf.get(productId);
  const preview = list !== undefined ? lineTotal(Number(quantity) || 0, list, Number(discount) || 0, Number(tax) || 0) : null;

  async function add(e: React.FormEvent) {
    e.preventDefault();
    setErrors({});
    if (!productId) {
      setErrors({ product_id: 'Choose a product' });
      return;
    }
    setSaving(true);
    try {
      const body: Record<string, unknown> = {
        quote_id: quote.id,
        product_id: productId,
        quantity: quantity === '' ? null : Number(quantity),
        discount_pct: discount === '' ? 0 : Number(discount),
        tax_pct: tax === '' ? 0 : Number(tax),
      };
      await api.post<RecordData>('/quote_lines', body);
      setProductId('');
      setQuantity('1');
      setDiscount('0');
      await onAdded();
    } catch (err) {
      if (err instanceof ApiError && err.field) setErrors({ [err.field]: fieldMessage(err.message, err.field) });
      else setErrors({ _: errorMessage(err) });
    } finally {
      setSaving(false);
    }
  }

  const err = (f: string) =>
    errors[f] ? (
      <div className="field-error" id={`ql-${f}-err`}>
        {errors[f]}
      </div>
    ) : null;
  return (
    <form className="add-line" onSubmit={(e) => void add(e)} aria-label="Add a line" noValidate>
      <div className={`form-row product${errors.product_id ? ' has-error' : ''}`}>
        <label htmlFor="ql-product">Product</label>
        <select
          id="ql-product"
          value={productId}
          onChange={(e) => setProductId(e.target.value)}
          aria-invalid={Boolean(errors.product_id)}
          aria-describedby={errors.product_id ? 'ql-product_id-err' : undefined}
        >
          <option value="">{products.isLoading || entries.isLoading ? 'Loading…' : productIds.length ? 'Choose…' : 'No products in this price book'}</option>
          {products.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {String(p.name)}
              {p.sku ? ` (${String(p.sku)})` : ''} — {formatMoney(priceOf.get(p.id) ?? 0, currency)}
            </option>
          ))}
        </select>
        {err('product_id')}
      </div>
      <div className={`form-row${errors.quantity ? ' has-error' : ''}`}>
        <label htmlFor="ql-qty">Quantity</label>
        <input id="ql-qty" type="number" inputMode="decimal" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-invalid={Boolean(errors.quantity)} />
        {err('quantity')}
      </div>
      <div className="form-row">
        <span className="label">List price</span>
        <output className="list-price" aria-live="polite">
          {list !== undefined ? formatMoney(list, currency) : '—'}
        </output>
      </div>
      <div className={`form-row${errors.discount_pct ? ' has-error' : ''}`}>
        <label htmlFor="ql-discount">Discount %</label>
        <input id="ql-discount" type="number" inputMode="decimal" step="any" value={discount} onChange={(e) => setDiscount(e.target.value)} aria-invalid={Boolean(errors.discount_pct)} />
        {err('discount_pct')}
      </div>
      <div className={`form-row${errors.tax_pct ? ' has-error' : ''}`}>
        <label htmlFor="ql-tax">Tax %</label>
        <input id="ql-tax" type="number" inputMode="decimal" step="any" value={tax} onChange={(e) => setTax(e.target.value)} aria-invalid={Boolean(errors.tax_pct)} />
        {err('tax_pct')}
      </div>
      <div className="form-row add-line-submit">
        <span className="label">{preview !== null ? `= ${formatMoney(preview, currency)}` : '\u00a0'}</span>
        <button className="btn primary sm" type="submit" disabled={saving}>
          Add line
        </button>
      </div>
      {errors._ && (
        <p className="field-error" role="alert">
          {errors._}
        </p>
      )}
    </form>
  );
}
