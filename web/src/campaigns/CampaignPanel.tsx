// The campaign card on a campaign's record page (issue 4; docs/decisions/020):
// how members responded (sent, responded, converted) and what it cost
// against the budget, the way into the call list and the direct-mail CSV,
// and the members themselves — response status changed in place, removed
// with undo, added by searching leads and contacts.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../api/client';
import type { RecordData } from '../api/types';
import { Icon } from '../components/Icon';
import { useToast } from '../components/Toast';
import { formatDateTime, formatMoney, humanize } from '../lib/format';
import { AddMembers } from './AddMembers';
import {
  budgetUse,
  dispositionFilename,
  mailingSummary,
  MEMBER_STATUSES,
  outcomeLabel,
  personName,
  rates,
  type Member,
  type MemberPage,
} from './campaigns';
import './campaigns.css';

const PAGE = 25;

export function useMembers(campaignId: string, status: string) {
  return useInfiniteQuery({
    queryKey: ['campaign-members', campaignId, status],
    initialPageParam: '' as string,
    queryFn: ({ pageParam, signal }) =>
      api.get<MemberPage>(
        `/campaigns/${campaignId}/members`,
        [
          ['filter', status ? `status:eq:${status}` : undefined],
          ['limit', PAGE],
          ['cursor', pageParam || undefined],
        ],
        signal,
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function CampaignPanel({ campaign }: { campaign: RecordData }) {
  const [status, setStatus] = useState('');
  const members = useMembers(campaign.id, status);
  const qc = useQueryClient();
  const toast = useToast();
  const [mailing, setMailing] = useState<{ busy: boolean; note: string; error: string }>({ busy: false, note: '', error: '' });
  const counts = members.data?.pages[0]?.counts;
  const r = rates(counts);
  const money = budgetUse(campaign, r);
  const currency = campaign.currency ? String(campaign.currency) : 'EUR';
  const rows = members.data?.pages.flatMap((p) => p.data) ?? [];
  const telemarketing = campaign.channel === 'telemarketing';
  const refresh = () => void qc.invalidateQueries({ queryKey: ['campaign-members', campaign.id] });

  // A real download of the mailing list: fetched with the session cookie so
  // that an error is shown here (not saved as a file) and the headers' counts
  // of who was left out can be told.
  async function downloadMailing() {
    setMailing({ busy: true, note: '', error: '' });
    try {
      const res = await fetch(`/api/v1/campaigns/${campaign.id}/mailing.csv`, { credentials: 'same-origin' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The server answered ${res.status}`);
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = dispositionFilename(res.headers.get('Content-Disposition'), `campaign-${campaign.id}-mailing.csv`);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMailing({ busy: false, note: mailingSummary(res.headers), error: '' });
    } catch (e) {
      setMailing({ busy: false, note: '', error: errorMessage(e) });
    }
  }

  async function remove(m: Member) {
    const name = personName(m.person);
    try {
      await api.del(`/campaigns/${campaign.id}/members/${m.id}`);
      refresh();
      toast.show(`${name} removed from the campaign`, {
        action: {
          label: 'Undo',
          run: () =>
            void api
              .post(`/campaigns/${campaign.id}/members`, {
                [m.member_object === 'leads' ? 'lead_ids' : 'contact_ids']: [m.member_id],
              })
              .then(refresh, (e) => toast.show(errorMessage(e), { kind: 'error' })),
        },
      });
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
  }

  return (
    <section className="card campaign-panel" aria-labelledby="campaign-panel-title" data-testid="campaign-panel">
      <div className="card-head">
        <h2 id="campaign-panel-title">Results</h2>
        <Link className={`btn sm ${telemarketing ? 'primary' : ''}`} to={`/campaigns/${campaign.id}/call`}>
          <Icon name="call" size={15} /> Start calling
        </Link>
        <button className={`btn sm ${campaign.channel === 'direct_mail' ? 'primary' : ''}`} onClick={() => void downloadMailing()} disabled={mailing.busy}>
          <Icon name="download" size={15} /> {mailing.busy ? 'Preparing…' : 'Download mailing list (CSV)'}
        </button>
      </div>
      {mailing.note && (
        <p className="small notice" role="status" data-testid="mailing-note">
          Mailing list downloaded: {mailing.note}.
        </p>
      )}
      {mailing.error && (
        <p className="field-error" role="alert">
          {mailing.error}
        </p>
      )}

      <div className="campaign-stats" data-testid="campaign-stats">
        <Stat label="Members" value={r.total} />
        <Stat label="Sent" value={r.sent} />
        <Stat label="Responded" value={r.responded} sub={r.responseRate !== null ? `${r.responseRate}% response` : undefined} />
        <Stat label="Converted" value={r.converted} sub={r.conversionRate !== null ? `${r.conversionRate}% converted` : undefined} />
        <div className="stat budget" data-testid="campaign-budget">
          <div className="stat-label">Actual cost vs budget</div>
          <div className="stat-value">
            {money.actual !== null ? formatMoney(money.actual, currency) : '—'}
            <span className="muted small"> / {money.budget !== null ? formatMoney(money.budget, currency) : 'no budget'}</span>
          </div>
          {money.share !== null && (
            <div
              className={`budget-bar${money.over ? ' over' : ''}`}
              role="meter"
              aria-label="Share of the budget spent"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(money.share * 100)}
            >
              <span style={{ width: `${Math.min(100, money.share * 100)}%` }} />
            </div>
          )}
          <div className="muted small">
            {money.share !== null && `${Math.round(money.share * 100)}% of budget${money.over ? ' — over budget' : ''}`}
            {money.perResponse !== null && ` · ${formatMoney(money.perResponse, currency)} per response`}
            {money.share === null && money.perMember !== null && `${formatMoney(money.perMember, currency)} per member`}
          </div>
        </div>
      </div>

      <AddMembers campaignId={campaign.id} onAdded={refresh} />

      <div className="row gap members-head">
        <h3>Members</h3>
        <div className="spacer" />
        <label htmlFor="member-status-filter" className="small muted">
          Response
        </label>
        <select id="member-status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          {MEMBER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
              {counts ? ` (${counts.by_status[s] ?? 0})` : ''}
            </option>
          ))}
        </select>
      </div>
      {members.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(members.error)}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact members-table" aria-label="Campaign members" aria-busy={members.isLoading}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email and phone</th>
                <th>Response</th>
                <th>Last call</th>
                <th>
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <MemberRow key={m.id} campaignId={campaign.id} member={m} onRemove={() => void remove(m)} onChanged={refresh} />
              ))}
            </tbody>
          </table>
          {!members.isLoading && rows.length === 0 && (
            <div className="empty-state small">
              {status ? `No member with response “${humanize(status)}”.` : 'No members yet: search leads and contacts above to add them, or use “Add to campaign” on a list.'}
            </div>
          )}
          <div className="list-foot">
            {members.isFetchingNextPage ? (
              <span className="muted">Loading more…</span>
            ) : members.hasNextPage ? (
              <button className="btn sm" onClick={() => void members.fetchNextPage()}>
                Show more members
              </button>
            ) : rows.length > 0 ? (
              <span className="muted small">
                {rows.length} of {status ? (counts?.by_status[status] ?? rows.length) : r.total} shown
              </span>
            ) : null}
          </div>
        </div>
      )}
    </section>
  );
}

function Stat({ label, value, sub }: { label: string; value: number; sub?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="muted small">{sub}</div>}
    </div>
  );
}

function MemberRow({ campaignId, member, onRemove, onChanged }: { campaignId: string; member: Member; onRemove: () => void; onChanged: () => void }) {
  const p = member.person;
  const name = personName(p);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const qc = useQueryClient();
  // A saved change shows at once; the reloaded member (a new version) takes over.
  useEffect(() => setShown(null), [member.version]);

  async function setStatus(v: string) {
    setBusy(true);
    setError('');
    setShown(v);
    try {
      await api.patch(`/campaign_members/${member.id}`, { status: v }, member.version);
      onChanged();
    } catch (e) {
      setShown(null);
      setError(e instanceof ApiError && e.status === 412 ? 'Changed by someone else meanwhile; reloaded, try again.' : errorMessage(e));
      void qc.invalidateQueries({ queryKey: ['campaign-members', campaignId] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr data-testid="member-row">
      <td className="first">
        <div>
          {p ? (
            <Link to={`/${member.member_object}/${member.member_id}`} className="row-link">
              {name}
            </Link>
          ) : (
            <span className="muted" title="You may not see this person">
              Hidden person
            </span>
          )}{' '}
          <span className="pill member-kind">{member.member_object === 'leads' ? 'Lead' : 'Contact'}</span>
          {p?.company && <div className="muted small member-company">{p.company}</div>}
        </div>
      </td>
      <td className="small member-contact">
        <div>
          {p?.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : <span className="muted">no email</span>}
          <div>{p?.phone || p?.mobile ? String(p.phone || p.mobile) : <span className="muted">no phone</span>}</div>
        </div>
      </td>
      <td data-label="Response">
        <div>
          <select
            aria-label={`Response of ${name}`}
            value={shown ?? member.status ?? 'sent'}
            disabled={busy}
            onChange={(e) => void setStatus(e.target.value)}
            className={`member-status st-${shown ?? member.status ?? 'sent'}`}
          >
            {MEMBER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
          {error && (
            <div className="field-error" role="alert">
              {error}
            </div>
          )}
        </div>
      </td>
      <td className="small" data-label="Last call">
        {member.call_outcome ? (
          <div>
            {outcomeLabel(member.call_outcome)}
            {member.call_outcome === 'callback' && member.callback_at ? (
              <span title={`Called ${formatDateTime(member.last_called_at)}`}> {formatDateTime(member.callback_at)}</span>
            ) : (
              <span className="muted"> · {formatDateTime(member.last_called_at)}</span>
            )}
            {member.call_count && member.call_count > 1 ? <span className="muted"> · {member.call_count} calls</span> : null}
          </div>
        ) : (
          <span className="empty">not called</span>
        )}
      </td>
      <td>
        <button className="btn ghost sm" onClick={onRemove} aria-label={`Remove ${name}`} title="Remove from the campaign">
          <Icon name="trash" size={15} />
        </button>
      </td>
    </tr>
  );
}
