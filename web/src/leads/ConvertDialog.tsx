// Convert a qualified lead: link an existing account and contact (same
// e-mail, same domain, similar name — what GET /leads/{id}/convert offers)
// instead of creating duplicates, optionally create an opportunity, then go
// to what the lead became. One request; the server does it in one
// transaction (docs/decisions/011).
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, api, asApiError, errorMessage, fieldMessage } from '../api/client';
import { usePipelines } from '../api/hooks';
import type { RecordData } from '../api/types';
import { Dialog } from '../components/Dialog';
import { useToast } from '../components/Toast';
import { recordPath } from '../lib/objects';

interface Matches {
  convertible: boolean;
  not_convertible_reason: string | null;
  email_domain: string | null;
  free_mail: boolean;
  contacts: Array<{ id: string; name: string; email: string; account_id: string | null; reason: string }>;
  accounts: Array<{ id: string; name: string; domain: string | null; city: string | null; reason: string; score: number }>;
  suggested: { account_id: string | null; contact_id: string | null };
  defaults: { account: Record<string, unknown>; contact: Record<string, unknown>; opportunity: Record<string, unknown> };
}

interface ConvertResult {
  lead: RecordData;
  account: RecordData | null;
  contact: RecordData;
  opportunity: RecordData | null;
  created: { account: boolean; contact: boolean; opportunity: boolean };
  activities_moved: number;
}

const REASONS: Record<string, string> = { same_email: 'same e-mail', same_domain: 'same domain', similar_name: 'similar name' };

export function ConvertDialog({ lead, open, onClose }: { lead: RecordData; open: boolean; onClose: () => void }) {
  const matches = useQuery({
    queryKey: ['convert-matches', lead.id],
    enabled: open,
    staleTime: 0,
    queryFn: ({ signal }) => api.get<Matches>(`/leads/${lead.id}/convert`, undefined, signal),
  });
  const pipelines = usePipelines();
  const [account, setAccount] = useState<string>(''); // id | 'new' | 'none'
  const [contact, setContact] = useState<string>(''); // id | 'new'
  const [withOpp, setWithOpp] = useState(true);
  const [oppName, setOppName] = useState('');
  const [amount, setAmount] = useState('');
  const [pipeline, setPipeline] = useState('');
  const [closeDate, setCloseDate] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  // Defaults once the matches arrive: the suggested records, else new ones.
  const m = matches.data;
  useEffect(() => {
    if (!m) return;
    setAccount(m.suggested.account_id ?? (lead.company ? 'new' : 'none'));
    setContact(m.suggested.contact_id ?? 'new');
    setOppName(String(m.defaults.opportunity.name ?? ''));
    setError(null);
  }, [m, lead.company]);
  useEffect(() => {
    if (!pipeline && pipelines.data?.length) setPipeline(String((pipelines.data.find((p) => p.is_default) ?? pipelines.data[0]).id));
  }, [pipelines.data, pipeline]);

  async function convert() {
    const body: Record<string, unknown> = {};
    if (account === 'none') body.create_account = false;
    else if (account && account !== 'new') body.account_id = account;
    if (contact && contact !== 'new') body.contact_id = contact;
    if (withOpp) {
      const opp: Record<string, unknown> = { name: oppName.trim() };
      if (amount.trim() !== '') opp.amount = Number(amount);
      if (pipeline) opp.pipeline_id = pipeline;
      if (closeDate) opp.close_date = closeDate;
      body.create_opportunity = opp;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<ConvertResult>(`/leads/${lead.id}/convert`, body);
      qc.setQueryData(['record', 'leads', lead.id], r.lead);
      for (const k of ['leads', 'accounts', 'contacts', 'opportunities']) void qc.invalidateQueries({ queryKey: ['list', k] });
      const made = [r.created.account && 'an account', r.created.contact && 'a contact', r.opportunity && 'an opportunity'].filter(Boolean);
      toast.show(made.length ? `Lead converted: created ${made.join(', ')}` : 'Lead converted and linked to existing records');
      onClose();
      if (r.opportunity) navigate(recordPath('opportunities', r.opportunity.id));
      else navigate(recordPath('contacts', r.contact.id));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  const fieldErr = (names: string[]) =>
    error && error.field && names.includes(error.field) ? (
      <div className="field-error" role="alert">
        {fieldMessage(error.message, error.field)}
      </div>
    ) : null;
  const company = String(lead.company ?? '');
  const person = [lead.first_name, lead.last_name].filter(Boolean).join(' ');

  return (
    <Dialog open={open} onClose={onClose} title="Convert lead" className="convert-dialog">
      {matches.isLoading && <p aria-busy="true">Looking for existing accounts and contacts…</p>}
      {matches.isError && <p className="error-box">{errorMessage(matches.error)}</p>}
      {m && !m.convertible && <p className="error-box">{m.not_convertible_reason ?? 'This lead cannot be converted.'}</p>}
      {m && m.convertible && (
        <form
          className="convert-form"
          onSubmit={(e) => {
            e.preventDefault();
            void convert();
          }}
          noValidate
        >
          <fieldset>
            <legend>Account</legend>
            {m.accounts.length > 0 && <p className="muted small">Existing accounts that look like {company || 'this company'}; link one instead of creating a duplicate.</p>}
            {m.accounts.map((a) => (
              <label key={a.id} className="choice">
                <input type="radio" name="account" value={a.id} checked={account === a.id} onChange={() => setAccount(a.id)} />
                <span>
                  Use existing <strong>{a.name}</strong>
                  <span className="muted small">
                    {' '}
                    — {REASONS[a.reason] ?? a.reason}
                    {a.domain ? ` · ${a.domain}` : ''}
                    {a.city ? ` · ${a.city}` : ''}
                  </span>
                </span>
              </label>
            ))}
            <label className="choice">
              <input type="radio" name="account" value="new" checked={account === 'new'} onChange={() => setAccount('new')} />
              <span>Create a new account{company ? <> “{company}”</> : ''}</span>
            </label>
            <label className="choice">
              <input type="radio" name="account" value="none" checked={account === 'none'} onChange={() => setAccount('none')} />
              <span>No account (a private person)</span>
            </label>
            {fieldErr(['account_id', 'account', 'account.name', 'create_account'])}
          </fieldset>
          <fieldset>
            <legend>Contact</legend>
            {m.contacts.map((c) => (
              <label key={c.id} className="choice">
                <input type="radio" name="contact" value={c.id} checked={contact === c.id} onChange={() => setContact(c.id)} />
                <span>
                  Use existing <strong>{c.name}</strong>
                  <span className="muted small">
                    {' '}
                    — {REASONS[c.reason] ?? c.reason} · {c.email}
                  </span>
                </span>
              </label>
            ))}
            <label className="choice">
              <input type="radio" name="contact" value="new" checked={contact === 'new'} onChange={() => setContact('new')} />
              <span>Create a new contact{person ? <> “{person}”</> : ''}</span>
            </label>
            {fieldErr(['contact_id', 'contact', 'contact.last_name', 'contact.email'])}
          </fieldset>
          <fieldset>
            <legend>Opportunity</legend>
            <label className="check">
              <input type="checkbox" checked={withOpp} onChange={(e) => setWithOpp(e.target.checked)} /> Create an opportunity
            </label>
            {withOpp && (
              <div className="convert-opp">
                <div className="form-row">
                  <label htmlFor="cv-opp-name">Opportunity name</label>
                  <input id="cv-opp-name" value={oppName} onChange={(e) => setOppName(e.target.value)} />
                  {fieldErr(['create_opportunity.name'])}
                </div>
                <div className="form-row">
                  <label htmlFor="cv-opp-amount">Amount</label>
                  <input id="cv-opp-amount" type="number" inputMode="decimal" min={0} step="any" value={amount} onChange={(e) => setAmount(e.target.value)} />
                  {fieldErr(['create_opportunity.amount', 'create_opportunity.currency'])}
                </div>
                <div className="form-row">
                  <label htmlFor="cv-opp-pipeline">Pipeline</label>
                  <select id="cv-opp-pipeline" value={pipeline} onChange={(e) => setPipeline(e.target.value)}>
                    {pipelines.data?.map((p) => (
                      <option key={p.id} value={p.id}>
                        {String(p.name)}
                      </option>
                    ))}
                  </select>
                  {fieldErr(['create_opportunity.pipeline_id', 'create_opportunity.stage_id'])}
                </div>
                <div className="form-row">
                  <label htmlFor="cv-opp-close">Expected close</label>
                  <input id="cv-opp-close" type="date" value={closeDate} onChange={(e) => setCloseDate(e.target.value)} />
                  {fieldErr(['create_opportunity.close_date'])}
                </div>
              </div>
            )}
          </fieldset>
          <div className="form-error" role="alert">
            {error && !(error.field && /^(account|contact|create_opportunity)/.test(error.field)) ? error.message : ''}
          </div>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={busy || (withOpp && !oppName.trim())}>
              {busy ? 'Converting…' : 'Convert'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
