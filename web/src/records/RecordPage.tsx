// A record's page: its name and key facts, every field (custom ones too)
// editable in place, related records, and the activity timeline.
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, isApiError } from '../api/client';
import { useFields, useRecord } from '../api/hooks';
import type { Field, RecordData, Value } from '../api/types';
import { useToast } from '../components/Toast';
import { FieldValue } from '../components/FieldValue';
import { Icon } from '../components/Icon';
import { fromInput, sameValue, toInput, type InputValue } from '../lib/fieldValue';
import { formatDateTime } from '../lib/format';
import { objectConfig, recordSubtitle, recordTitle } from '../lib/objects';
import { pushRecent } from '../lib/recent';
import { ConflictDialog } from './ConflictDialog';
import { InlineField } from './InlineField';
import { RelatedList } from './RelatedList';
import { DealStage } from '../pipeline/DealStage';
import { Timeline } from './Timeline';
import { useRecordEditor } from './useRecordEditor';
import { AccountHealth } from './AccountHealth';
import { QuoteBuilder } from './QuoteBuilder';
import { SlaBadge } from '../cases/SlaBadge';
import { blockedFromError, describeMissing } from '../pipeline/blocked';
import { LeadPanel } from '../leads/LeadPanel';
import { TeamPanel } from '../team/TeamPanel'; // issue 5: team selling
import { FollowButton } from '../team/FollowButton';
import { RecordFeed } from '../team/Feed';
import { CADENCE_OBJECTS, CadencePanel } from '../cadences/CadencePanel'; // issue 5: cadences
import { CampaignPanel } from '../campaigns/CampaignPanel'; // issue 4: campaigns

/** Issue 5: records with teams, and records one can follow. */
const TEAM_OBJECTS = new Set(['accounts', 'opportunities']);
const FOLLOWABLE = new Set(['accounts', 'opportunities', 'contacts', 'leads', 'cases']);

/** Objects whose related records matter more than their fields (the account 360, the deal's quotes). */
const FIRST_RELATED = new Set(['accounts', 'opportunities']);

const SYSTEM_FIELDS = new Set(['id', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at']);

const RELATED: Record<string, Array<{ object: string; via: string; columns: string[]; sort: string }>> = {
  accounts: [
    { object: 'contacts', via: 'account_id', columns: ['title', 'email'], sort: 'last_name' },
    { object: 'opportunities', via: 'account_id', columns: ['amount', 'stage_id', 'close_date'], sort: 'close_date' },
    { object: 'cases', via: 'account_id', columns: ['priority', 'status'], sort: '-created_at' },
  ],
  contacts: [
    { object: 'opportunities', via: 'contact_id', columns: ['amount', 'stage_id', 'close_date'], sort: 'close_date' },
    { object: 'cases', via: 'contact_id', columns: ['priority', 'status'], sort: '-created_at' },
  ],
};

export function RecordPage({ object }: { object: string }) {
  const { id } = useParams();
  const cfg = objectConfig(object);
  const q = useRecord(object, id);
  const fields = useFields(object);
  if (q.isError)
    return (
      <div className="page">
        <div className="error-box" role="alert">
          {isApiError(q.error, 404) ? `This ${cfg.singular.toLowerCase()} does not exist or you may not see it.` : errorMessage(q.error)}
        </div>
        <Link to={`/${object}`}>Back to {cfg.plural.toLowerCase()}</Link>
      </div>
    );
  if (!q.data || fields.length === 0)
    return (
      <div className="page record-page" aria-busy="true">
        <div className="record-head skeleton-block" />
      </div>
    );
  return <RecordView object={object} record={q.data} fields={fields} />;
}

function RecordView({ object, record, fields }: { object: string; record: RecordData; fields: Field[] }) {
  const cfg = objectConfig(object);
  const editor = useRecordEditor(object, record);
  const [drafts, setDrafts] = useState<Record<string, InputValue>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const title = recordTitle(object, record);
  const subtitle = recordSubtitle(object, record);
  useEffect(() => pushRecent({ object, id: record.id, title }), [object, record.id, title]);

  const [main, system] = useMemo(() => {
    const m = fields.filter((f) => !SYSTEM_FIELDS.has(f.name) && !(object === 'opportunities' && f.name === 'stage_id'));
    return [m, fields.filter((f) => SYSTEM_FIELDS.has(f.name))];
  }, [fields, object]);

  async function saveField(f: Field, input: InputValue) {
    const value = fromInput(f, input);
    if (sameValue(value, record[f.name] as Value)) {
      setDrafts(({ [f.name]: _, ...rest }) => rest);
      return;
    }
    setSaving(f.name);
    const ok = await editor.save({ [f.name]: value });
    setSaving(null);
    if (ok) setDrafts(({ [f.name]: _, ...rest }) => rest);
  }

  async function savePatch(patch: Record<string, Value>, base: RecordData = record) {
    const ok = await editor.save(patch, base);
    if (ok) setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !(k in patch))));
    return ok;
  }

  async function remove() {
    if (!window.confirm(`Delete ${cfg.singular.toLowerCase()} “${title}”? You can undo right after.`)) return;
    try {
      await api.del(`/${object}/${record.id}`, record.version);
      void qc.invalidateQueries({ queryKey: ['list', object] });
      toast.show(`${cfg.singular} “${title}” deleted`, {
        action: {
          label: 'Undo',
          run: () =>
            void api.post<RecordData>(`/${object}/${record.id}/restore`).then(() => {
              void qc.invalidateQueries({ queryKey: ['record', object, record.id] });
              void qc.invalidateQueries({ queryKey: ['list', object] });
              navigate(`/${object}/${record.id}`);
            }),
        },
        ms: 10000,
      });
      navigate(`/${object}`);
    } catch (e) {
      if (isApiError(e, 412)) editor.setConflict({ base: record, patch: {} });
      else toast.show(errorMessage(e), { kind: 'error' });
    }
  }

  const head = headline(object, record, fields);
  const details = (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <div className="fields">
        {main.map((f) => (
          <InlineField
            key={f.name}
            field={f}
            record={record}
            draft={drafts[f.name]}
            error={editor.errors[f.name]}
            saving={saving === f.name}
            onStart={() => setDrafts((d) => ({ ...d, [f.name]: toInput(f, record[f.name] as Value) }))}
            onDraft={(v) => setDrafts((d) => ({ ...d, [f.name]: v }))}
            onSave={() => void saveField(f, drafts[f.name])}
            onCancel={() => {
              setDrafts(({ [f.name]: _, ...rest }) => rest);
              editor.setErrors(({ [f.name]: _e, ...rest }) => rest);
            }}
            onToggle={(checked) => void saveField(f, checked)}
          />
        ))}
      </div>
      <details className="system-fields">
        <summary>Record information</summary>
        <dl>
          {system.map((f) => (
            <div key={f.name}>
              <dt>{f.label}</dt>
              <dd>
                <FieldValue field={f} value={record[f.name]} record={record} />
              </dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
  const related = (
    <>
      {object === 'opportunities' && <QuoteBuilder opportunity={record} />}
      {(RELATED[object] ?? []).map((r) => (
        <RelatedList key={r.object} object={r.object} via={r.via} id={record.id} columns={r.columns} sort={r.sort} />
      ))}
    </>
  );

  return (
    <div className="page record-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/${object}`}>{cfg.plural}</Link> <span aria-hidden="true">/</span>
      </nav>
      <header className="record-head card">
        <div className="record-title">
          <span className={`obj-icon obj-${object}`} aria-hidden="true">
            <Icon name={object} size={22} />
          </span>
          <div>
            <h1>{title}</h1>
            {subtitle && <p className="muted">{subtitle}</p>}
          </div>
          <div className="spacer" />
          {FOLLOWABLE.has(object) && <FollowButton object={object} id={record.id} />}
          <button className="btn ghost sm" onClick={() => void remove()}>
            <Icon name="trash" size={15} /> <span className="hide-narrow">Delete</span>
          </button>
        </div>
        {head.length > 0 && (
          <dl className="headline">
            {head.map((f) => (
              <div key={f.name}>
                <dt>{f.label}</dt>
                <dd>
                  <FieldValue field={f} value={record[f.name]} record={record} />
                </dd>
              </div>
            ))}
          </dl>
        )}
        {object === 'opportunities' && (
          <DealStage record={record} busy={saving === 'stage_id'} onMove={(patch) => savePatch(patch)} />
        )}
        {object === 'cases' && (
          <div className="case-sla">
            <SlaBadge record={record} />
          </div>
        )}
        {editor.errors.stage_id && (
          <StageMoveError message={editor.errors.stage_id} details={editor.details.stage_id} fields={fields} />
        )}
      </header>

      {object === 'accounts' && <AccountHealth accountId={record.id} />}
      {object === 'campaigns' && <CampaignPanel campaign={record} />}
      <div className="record-grid">
        <div className="record-main">
          {/* The deal's quotes and an account's 360 (contacts, deals, cases) come before the long list of fields. */}
          {object === 'leads' && <LeadPanel lead={record} />}
          {FIRST_RELATED.has(object) && related}
          {details}
          {!FIRST_RELATED.has(object) && related}
        </div>
        <div className="record-side">
          {CADENCE_OBJECTS.has(object) && <CadencePanel object={object} record={record} />}
          {TEAM_OBJECTS.has(object) && <TeamPanel object={object} record={record} />}
          {object !== 'activities' && <Timeline object={object} record={record} />}
          {TEAM_OBJECTS.has(object) && <RecordFeed object={object} id={record.id} />}
          {object === 'activities' && record.related_object && record.related_id ? (
            <section className="card">
              <h2>Related to</h2>
              <FieldValue field={fields.find((f) => f.name === 'related_id')} value={record.related_id} record={record} />
            </section>
          ) : null}
          <p className="muted small updated">
            Version {record.version}, updated {formatDateTime(record.updated_at)}
          </p>
        </div>
      </div>

      <ConflictDialog
        object={object}
        conflict={editor.conflict}
        onDiscard={(latest) => {
          editor.applyResult(latest);
          const patch = editor.conflict?.patch ?? {};
          setDrafts((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !(k in patch))));
          editor.setConflict(null);
          toast.show('Kept their version; your edit was dropped');
        }}
        onReapply={async (latest) => {
          const patch = editor.conflict?.patch ?? {};
          editor.setConflict(null);
          editor.applyResult(latest);
          if (Object.keys(patch).length === 0) return;
          if (await savePatch(patch, latest)) toast.show('Your edit was applied to the latest version');
        }}
      />
    </div>
  );
}

/** The few facts worth showing under the name. */
function headline(object: string, _r: RecordData, fields: Field[]): Field[] {
  const names: Record<string, string[]> = {
    leads: ['status', 'owner_id', 'email', 'phone'],
    contacts: ['account_id', 'owner_id', 'email', 'phone'],
    accounts: ['owner_id', 'industry', 'website', 'phone'],
    opportunities: ['amount', 'close_date', 'probability', 'owner_id'],
    activities: ['type', 'due_at', 'done_at', 'owner_id'],
    cases: ['account_id', 'priority', 'status', 'owner_id'],
    campaigns: ['channel', 'status', 'start_date', 'end_date'],
  };
  return (names[object] ?? []).map((n) => fields.find((f) => f.name === n)).filter((f): f is Field => !!f);
}

/** A refused stage move: what the deal still needs, in words. */
function StageMoveError({
  message,
  details,
  fields,
}: {
  message: string;
  details?: Record<string, string[]> | null;
  fields: Field[];
}) {
  const b = blockedFromError(message, null, details);
  const missing = describeMissing(b, fields);
  return (
    <div className="field-error stage-blocked" role="alert" data-testid="stage-blocked">
      {missing.length > 0 ? (
        <>
          {b.from ? `Can’t leave ${b.from} yet. ` : 'Can’t move yet. '}Still needed: <strong>{missing.join(', ')}</strong>
        </>
      ) : (
        message
      )}
    </div>
  );
}
