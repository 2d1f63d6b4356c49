// Web-to-lead forms (Admin → Web forms): the organisation's forms with their
// recent submissions, and a builder — lead fields with labels and required
// flags in order, thank-you text or a redirect, double opt-in, campaign —
// that shows the public URL /f/{key} and the snippets to embed it.
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useFields } from '../api/hooks';
import type { Page } from '../api/types';
import { useToast } from '../components/Toast';
import { formableFields } from './leadInfo';
import { useSubmit } from '../lib/useSubmit';
import './leads.css';

interface FormField {
  field: string;
  label: string;
  required: boolean;
}
/** A form as the API answers it: its record plus fields as an array, the public URL and embed snippets. */
export interface WebForm {
  id: string;
  version: number;
  name: string;
  key: string;
  url: string;
  fields: FormField[];
  embed: { iframe: string; html: string };
  thank_you_text?: string | null;
  redirect_url?: string | null;
  double_opt_in?: boolean | null;
  campaign_id?: string | null;
  submit_label?: string | null;
  active?: boolean | null;
}

const DAY = 86_400_000;

function useSubmissionCounts() {
  return useQuery({
    queryKey: ['form-submissions'],
    staleTime: 30_000,
    queryFn: async ({ signal }) => {
      const since = new Date(Date.now() - 30 * DAY).toISOString();
      type Agg = { data: Array<{ key: string | null; count: number }> };
      const [all, recent] = await Promise.all([
        api.get<Agg>('/leads/aggregate', [['group_by', 'form_id'], ['filter', 'form_id:is_null:false']], signal),
        api.get<Agg>('/leads/aggregate', [['group_by', 'form_id'], ['filter', 'form_id:is_null:false'], ['filter', `created_at:gte:${since}`]], signal),
      ]);
      const toMap = (a: Agg) => new Map(a.data.filter((r) => r.key).map((r) => [String(r.key), r.count]));
      return { all: toMap(all), recent: toMap(recent) };
    },
  });
}

export function FormsAdmin() {
  const forms = useQuery({
    queryKey: ['forms'],
    queryFn: ({ signal }) => api.get<Page<WebForm>>('/forms', [['sort', 'name'], ['limit', 200]], signal),
  });
  const counts = useSubmissionCounts();
  const [editing, setEditing] = useState<WebForm | 'new' | null>(null);

  return (
    <div className="lead-admin">
      <section className="card">
        <div className="card-head">
          <h2>Web forms</h2>
          <button
            className="btn primary sm"
            onClick={() => setEditing('new')}
          >
            New form
          </button>
        </div>
        <p className="muted small">
          A form captures leads from your website: paste its snippet into a page, or link to its public address. Every submission becomes a lead
          with source “web form”, the form and its campaign; the honeypot and a per-address limit keep spam out.
        </p>
        {forms.isError && <p className="field-error">{errorMessage(forms.error)}</p>}
        <div className="table-wrap">
          <table className="data-table compact" aria-label="Web forms">
            <thead>
              <tr>
                <th>Form</th>
                <th>Fields</th>
                <th>Campaign</th>
                <th>Double opt-in</th>
                <th className="num">Submissions (30 days)</th>
                <th className="num">All</th>
                <th>Active</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {forms.data?.data.map((f) => (
                <tr key={f.id}>
                  <td className="first" data-label="Form">
                    <strong>{f.name}</strong>
                    <div className="small">
                      <a href={f.url} target="_blank" rel="noreferrer noopener">
                        /f/{f.key.slice(0, 10)}…
                      </a>
                    </div>
                  </td>
                  <td data-label="Fields">{f.fields.map((x) => x.label).join(', ')}</td>
                  <td data-label="Campaign">{f.campaign_id ? <CampaignName id={String(f.campaign_id)} /> : <span className="empty">—</span>}</td>
                  <td data-label="Double opt-in">{f.double_opt_in ? 'Yes' : 'No'}</td>
                  <td className="num" data-label="Submissions (30 days)" data-testid={`form-recent-${f.id}`}>
                    {counts.data ? counts.data.recent.get(f.id) ?? 0 : '…'}
                  </td>
                  <td className="num" data-label="All">
                    {counts.data ? counts.data.all.get(f.id) ?? 0 : '…'}
                  </td>
                  <td data-label="Active">{f.active === false ? 'No' : 'Yes'}</td>
                  <td>
                    <button
                      className="btn sm"
                      onClick={() => setEditing(f)}
                      aria-label={`Edit ${f.name}`}
                    >
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {forms.data?.data.length === 0 && <p className="muted">No forms yet. Create one to start capturing leads from your website.</p>}
        </div>
      </section>
      {editing && (
        <FormEditor
          key={editing === 'new' ? 'new' : editing.id}
          form={editing === 'new' ? null : editing}
          onSaved={(f) => {
            setEditing(f);
            // Where to publish it comes next: bring the snippets into view.
            setTimeout(() => document.getElementById('embed-title')?.scrollIntoView({ block: 'start' }), 50);
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {editing && editing !== 'new' && <EmbedBox form={editing} />}
    </div>
  );
}

function CampaignName({ id }: { id: string }) {
  const q = useCampaigns();
  return <>{q.data?.find((c) => c.id === id)?.name ?? '…'}</>;
}

function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns-all'],
    staleTime: 60_000,
    queryFn: async ({ signal }) => (await api.get<Page>('/campaigns', [['sort', 'name'], ['limit', 500]], signal)).data,
  });
}

function FormEditor({ form, onSaved, onClose }: { form: WebForm | null; onSaved: (f: WebForm) => void; onClose: () => void }) {
  const leadFields = useFields('leads');
  const offered = useMemo(() => formableFields(leadFields), [leadFields]);
  const campaigns = useCampaigns();
  const [name, setName] = useState(form?.name ?? '');
  const [fields, setFields] = useState<FormField[]>(
    form?.fields ?? [
      { field: 'first_name', label: 'First name', required: false },
      { field: 'last_name', label: 'Last name', required: true },
      { field: 'email', label: 'Email', required: true },
      { field: 'company', label: 'Company', required: false },
    ],
  );
  const [after, setAfter] = useState<'text' | 'redirect'>(form?.redirect_url ? 'redirect' : 'text');
  const [thanks, setThanks] = useState(String(form?.thank_you_text ?? ''));
  const [redirect, setRedirect] = useState(String(form?.redirect_url ?? ''));
  const [doubleOptIn, setDoubleOptIn] = useState(Boolean(form?.double_opt_in));
  const [campaign, setCampaign] = useState(String(form?.campaign_id ?? ''));
  const [submitLabel, setSubmitLabel] = useState(String(form?.submit_label ?? ''));
  const [active, setActive] = useState(form?.active !== false);
  const [adding, setAdding] = useState('');
  const { error, busy, submit, fieldError } = useSubmit();
  const qc = useQueryClient();
  const toast = useToast();
  const labelOf = (n: string) => leadFields.find((f) => f.name === n)?.label ?? n;
  const unused = offered.filter((f) => !fields.some((x) => x.field === f.name));

  function move(i: number, dir: -1 | 1) {
    setFields((list) => {
      const j = i + dir;
      if (j < 0 || j >= list.length) return list;
      const next = [...list];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {
      name: name.trim(),
      fields: fields.map((f) => ({ field: f.field, label: f.label.trim() || labelOf(f.field), required: f.required })),
      thank_you_text: after === 'text' ? thanks.trim() || null : null,
      redirect_url: after === 'redirect' ? redirect.trim() || null : null,
      double_opt_in: doubleOptIn,
      campaign_id: campaign || null,
      submit_label: submitLabel.trim() || null,
      active,
    };
    await submit(async () => {
      const saved = form ? await api.patch<WebForm>(`/forms/${form.id}`, body, form.version) : await api.post<WebForm>('/forms', body);
      void qc.invalidateQueries({ queryKey: ['forms'] });
      toast.show(form ? `Form “${saved.name}” saved` : `Form “${saved.name}” created: embed it or share its link`);
      onSaved(saved);
    });
  }

  return (
    <section className="card" aria-labelledby="form-editor-title">
      <div className="card-head">
        <h2 id="form-editor-title">{form ? `Edit “${form.name}”` : 'New web form'}</h2>
        <button className="btn ghost sm" onClick={onClose}>
          Close
        </button>
      </div>
      <form onSubmit={(e) => void save(e)} noValidate>
        <div className="form-grid">
          <div className="form-row">
            <label htmlFor="wf-name">Form name</label>
            <input id="wf-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={error?.field === 'name' || undefined} />
            {fieldError('name')}
          </div>
          <div className="form-row">
            <label htmlFor="wf-campaign">Campaign</label>
            <select id="wf-campaign" value={campaign} onChange={(e) => setCampaign(e.target.value)}>
              <option value="">— none —</option>
              {campaigns.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {String(c.name)}
                </option>
              ))}
            </select>
            {fieldError('campaign_id')}
          </div>
          <div className="form-row">
            <label htmlFor="wf-submit">Button text</label>
            <input id="wf-submit" value={submitLabel} placeholder="Send" onChange={(e) => setSubmitLabel(e.target.value)} />
          </div>
        </div>

        <fieldset className="form-row wide plain">
          <legend>Fields</legend>
          <ul className="form-fields-list" aria-label="Form fields">
            {fields.map((f, i) => (
              <li key={f.field} data-field={f.field}>
                <span className="reorder">
                  <button type="button" className="icon-btn" aria-label={`Move ${labelOf(f.field)} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Move ${labelOf(f.field)} down`} disabled={i === fields.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                </span>
                <code>{f.field}</code>
                <input
                  aria-label={`Label of ${labelOf(f.field)}`}
                  value={f.label}
                  onChange={(e) => setFields((l) => l.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
                />
                <label className="check">
                  <input
                    type="checkbox"
                    checked={f.required}
                    aria-label={`${labelOf(f.field)} is required`}
                    onChange={(e) => setFields((l) => l.map((x, j) => (j === i ? { ...x, required: e.target.checked } : x)))}
                  />{' '}
                  Required
                </label>
                <button type="button" className="btn ghost sm" aria-label={`Remove ${labelOf(f.field)}`} onClick={() => setFields((l) => l.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="row gap">
            <label htmlFor="wf-add" className="sr-only">
              Add a field
            </label>
            <select id="wf-add" value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Add a lead field…</option>
              {unused.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn sm"
              disabled={!adding}
              onClick={() => {
                setFields((l) => [...l, { field: adding, label: labelOf(adding), required: false }]);
                setAdding('');
              }}
            >
              Add field
            </button>
          </div>
          {fieldError('fields')}
        </fieldset>

        <fieldset className="form-row wide plain">
          <legend>After sending</legend>
          <label className="check">
            <input type="radio" name="wf-after" checked={after === 'text'} onChange={() => setAfter('text')} /> Show a thank-you text
          </label>{' '}
          <label className="check">
            <input type="radio" name="wf-after" checked={after === 'redirect'} onChange={() => setAfter('redirect')} /> Go to a page of my site
          </label>
          {after === 'text' ? (
            <div className="form-row">
              <label htmlFor="wf-thanks">Thank-you text</label>
              <textarea id="wf-thanks" rows={3} value={thanks} placeholder="Thank you. We will be in touch." onChange={(e) => setThanks(e.target.value)} />
              {fieldError('thank_you_text')}
            </div>
          ) : (
            <div className="form-row">
              <label htmlFor="wf-redirect">Redirect URL</label>
              <input id="wf-redirect" type="url" value={redirect} placeholder="https://www.example.com/thanks" onChange={(e) => setRedirect(e.target.value)} />
              {fieldError('redirect_url')}
            </div>
          )}
        </fieldset>
        <div className="form-row checks">
          <label className="check">
            <input type="checkbox" checked={doubleOptIn} onChange={(e) => setDoubleOptIn(e.target.checked)} /> Double opt-in: e-mail a confirmation link; the lead
            waits as “unconfirmed” until it is confirmed
          </label>
          {fieldError('double_opt_in')}
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (accepts submissions)
          </label>
        </div>
        <div className="form-error" role="alert">
          {error && !['name', 'fields', 'thank_you_text', 'redirect_url', 'double_opt_in', 'campaign_id'].includes(error.field ?? '') ? error.message : ''}
        </div>
        <div className="row end gap">
          <button className="btn primary" type="submit" disabled={busy || !name.trim() || fields.length === 0}>
            {busy ? 'Saving…' : form ? 'Save form' : 'Create form'}
          </button>
        </div>
      </form>
    </section>
  );
}

function EmbedBox({ form }: { form: WebForm }) {
  const toast = useToast();
  const copy = (text: string, what: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => toast.show(`${what} copied`),
      () => toast.show('Select the text and copy it', { kind: 'error' }),
    );
  return (
    <section className="card embed-box" aria-labelledby="embed-title" data-testid="embed-box">
      <h2 id="embed-title">Publish “{form.name}”</h2>
      <div className="form-row">
        <label htmlFor="embed-url">Public address</label>
        <div className="row gap">
          <input id="embed-url" readOnly value={form.url} className="snippet" onFocus={(e) => e.target.select()} />
          <a className="btn sm" href={form.url} target="_blank" rel="noreferrer noopener">
            Open
          </a>
          <button type="button" className="btn sm" onClick={() => copy(form.url, 'Address')}>
            Copy
          </button>
        </div>
      </div>
      <div className="form-row">
        <label htmlFor="embed-iframe">Embed in a page (iframe)</label>
        <textarea id="embed-iframe" readOnly rows={3} className="snippet" value={form.embed.iframe} onFocus={(e) => e.target.select()} />
        <div className="row end">
          <button type="button" className="btn sm" onClick={() => copy(form.embed.iframe, 'Snippet')}>
            Copy iframe
          </button>
        </div>
      </div>
      <details>
        <summary>Plain HTML form (style it with your site's CSS)</summary>
        <textarea aria-label="HTML form" readOnly rows={8} className="snippet" value={form.embed.html} onFocus={(e) => e.target.select()} />
        <div className="row end">
          <button type="button" className="btn sm" onClick={() => copy(form.embed.html, 'HTML form')}>
            Copy HTML
          </button>
        </div>
      </details>
    </section>
  );
}
