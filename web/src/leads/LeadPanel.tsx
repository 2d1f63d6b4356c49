// What a rep needs to know about a lead before calling it, on its record
// page: the score and why (the scoring rules that fired with their points;
// the predicted score's top factors when a model is active), where it came
// from (channel, campaign, web form), who got it and by which assignment
// rule, whether the first response is done, and the way to convert it — or,
// once converted, links to what it became.
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { RecordData } from '../api/types';
import { useMe } from '../auth/AuthContext';
import { RefLink } from '../components/RefLink';
import { formatDateTime, humanize } from '../lib/format';
import { useNow } from '../lib/useNow';
import { ConvertDialog } from './ConvertDialog';
import { formatPoints, parseExplanation, parseFactors, responseState } from './leadInfo';
import './leads.css';

interface AssignmentEntry {
  id: string;
  rule_id: string | null;
  user_id: string | null;
  previous_user_id: string | null;
  reason: string;
  detail: string | null;
  at: string;
}

const NOT_CONVERTIBLE: Record<string, string> = {
  disqualified: 'A disqualified lead cannot be converted; move it back to working first.',
  unconfirmed: 'This lead has not confirmed its e-mail address yet.',
};

export function LeadPanel({ lead }: { lead: RecordData }) {
  const me = useMe();
  const now = useNow(60_000);
  const [converting, setConverting] = useState(false);
  const settings = useQuery({
    queryKey: ['settings'],
    staleTime: 60_000,
    queryFn: ({ signal }) => api.get<{ first_response_target_minutes?: number }>('/settings', undefined, signal),
  });
  const log = useQuery({
    queryKey: ['lead-assignments', lead.id, lead.version],
    queryFn: ({ signal }) => api.get<{ data: AssignmentEntry[] }>(`/leads/${lead.id}/assignments`, undefined, signal),
  });
  const explanation = parseExplanation(lead.score_explanation);
  const factors = parseFactors(lead.predicted_factors);
  const status = String(lead.status ?? '');
  const converted = status === 'converted';
  const tracked = responseState(lead, settings.data?.first_response_target_minutes, now);
  // A converted or disqualified lead waits for nothing any more.
  const closed = converted || status === 'disqualified';
  const response = closed && tracked.state !== 'responded' ? { state: 'unassigned' as const, minutes: null } : tracked;
  const target = settings.data?.first_response_target_minutes;

  return (
    <section className="card lead-panel" aria-labelledby="lead-panel-title" data-testid="lead-panel">
      <div className="card-head">
        <h2 id="lead-panel-title">Qualification</h2>
        {!converted && (
          <button
            className={`btn sm ${status === 'qualified' ? 'primary' : ''}`}
            onClick={() => setConverting(true)}
            disabled={status in NOT_CONVERTIBLE}
            title={NOT_CONVERTIBLE[status]}
          >
            Convert…
          </button>
        )}
      </div>

      {converted && (
        <div className="notice became" role="status" data-testid="lead-became">
          <strong>Converted</strong> {lead.converted_at ? formatDateTime(String(lead.converted_at)) : ''} into
          <ul>
            {lead.converted_account_id && (
              <li>
                Account <RefLink object="accounts" id={String(lead.converted_account_id)} />
              </li>
            )}
            {lead.converted_contact_id && (
              <li>
                Contact <RefLink object="contacts" id={String(lead.converted_contact_id)} />
              </li>
            )}
            {lead.converted_opportunity_id && (
              <li>
                Opportunity <RefLink object="opportunities" id={String(lead.converted_opportunity_id)} />
              </li>
            )}
          </ul>
        </div>
      )}

      <div className="lead-facts">
        <div className="score-box" data-testid="lead-score">
          <div className="score-head">
            <span className="score-num">{lead.score == null ? '—' : String(lead.score)}</span>
            <span className="muted small">score</span>
            {lead.predicted_score != null && (
              <>
                <span className="score-num predicted">{String(lead.predicted_score)}%</span>
                <span className="muted small">predicted</span>
              </>
            )}
          </div>
          {explanation ? (
            explanation.rules.length ? (
              <table className="explain" aria-label="Why this score">
                <tbody>
                  {explanation.rules.map((r, i) => (
                    <tr key={r.id ?? i}>
                      <td>
                        {r.name}
                        {r.why && <div className="muted small">{r.why}</div>}
                      </td>
                      <td className={`pts ${r.points < 0 ? 'neg' : ''}`}>{formatPoints(r.points)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td>Total</td>
                    <td className="pts">{formatPoints(explanation.total)}</td>
                  </tr>
                </tfoot>
              </table>
            ) : (
              <p className="muted small">No scoring rule applies to this lead.</p>
            )
          ) : (
            <p className="muted small">Not scored by rules{lead.score != null ? ': the score was set by hand or by an import' : ''}.</p>
          )}
          {explanation?.autoQualified && <p className="small">Qualified automatically: the score reached the threshold.</p>}
          {factors.length > 0 && (
            <div className="factors">
              <div className="small">Predicted from similar past leads; top factors:</div>
              <ul>
                {factors.map((f) => (
                  <li key={f.text} className={f.effect < 0 ? 'neg' : 'pos'}>
                    {f.text}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {lead.scored_at && <p className="muted small">Scored {formatDateTime(String(lead.scored_at))}</p>}
          {me.role === 'admin' && (
            <Link className="small" to="/admin/lead-scoring">
              Scoring rules
            </Link>
          )}
        </div>

        <dl className="lead-routing">
          <div>
            <dt>Channel</dt>
            <dd>{lead.source ? <span className="pill">{humanize(String(lead.source))}</span> : <span className="empty">—</span>}</dd>
          </div>
          <div>
            <dt>Campaign</dt>
            <dd>{lead.campaign_id ? <RefLink object="campaigns" id={String(lead.campaign_id)} /> : <span className="empty">—</span>}</dd>
          </div>
          {lead.form_id && (
            <div>
              <dt>Web form</dt>
              <dd>
                <RefLink object="forms" id={String(lead.form_id)} />
              </dd>
            </div>
          )}
          <div>
            <dt>Assigned</dt>
            <dd data-testid="lead-assignment">
              {lead.assignment_rule_id ? (
                <>
                  by rule <strong>{String(lead.assigned_by_rule ?? '')}</strong>
                </>
              ) : lead.owner_id ? (
                'by hand or at creation'
              ) : (
                <span className="empty">—</span>
              )}
              {lead.assigned_at ? <span className="muted small"> · {formatDateTime(String(lead.assigned_at))}</span> : null}
            </dd>
          </div>
          <div>
            <dt>First response</dt>
            <dd data-testid="lead-first-response">
              {response.state === 'responded' && (
                <span className="pill pill-qualified">
                  Responded{response.minutes != null ? ` in ${response.minutes} business min` : ''}
                </span>
              )}
              {response.state === 'pending' && (
                <span className="pill pill-working">
                  Waiting {response.minutes} min{target ? ` · target ${target} business min` : ''}
                </span>
              )}
              {response.state === 'overdue' && (
                <span className="pill pill-disqualified">
                  Overdue{lead.escalated_at ? ` · escalated ${formatDateTime(String(lead.escalated_at))}` : target ? ` (target ${target} min)` : ''}
                </span>
              )}
              {response.state === 'unassigned' && (
                <span className="empty">{closed ? 'none recorded' : 'not tracked (not assigned by a rule)'}</span>
              )}
            </dd>
          </div>
        </dl>
      </div>

      {log.data && log.data.data.length > 0 && (
        <details className="assign-log">
          <summary>Assignment history ({log.data.data.length})</summary>
          <ul>
            {log.data.data.map((e) => (
              <li key={e.id}>
                {formatDateTime(e.at)} — {humanize(e.reason)}: {e.user_id ? <RefLink object="users" id={e.user_id} link={false} /> : 'nobody'}
                {e.detail ? <span className="muted small"> ({e.detail})</span> : null}
              </li>
            ))}
          </ul>
        </details>
      )}
      {!converted && <ConvertDialog lead={lead} open={converting} onClose={() => setConverting(false)} />}
    </section>
  );
}
