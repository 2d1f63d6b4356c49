// The import wizard (issue 4), at /imports and linked from the Leads,
// Contacts and Accounts lists ("Import") and the command palette:
//   1. choose what to import into and a file (drop it or pick it; uploaded
//      once, with a progress bar),
//   2. map each column to a field (the suggested or saved mapping
//      preselected; required fields and doubled fields flagged), and whether
//      existing records are updated,
//   3. check: a dry run with its counts and every failing row,
//   4. import: a live progress bar, the result, the failed rows, undo.
// Below the wizard, the history of imports with resume for interrupted ones.
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, fieldMessage, isApiError } from '../api/client';
import { Icon } from '../components/Icon';
import { useToast } from '../components/Toast';
import { formatDateTime } from '../lib/format';
import {
  ACCEPT,
  IMPORT_OBJECTS,
  UPSERT_KEYS,
  checkMapping,
  defaultUpsertKey,
  formatBytes,
  importPercent,
  importRequest,
  isImportObject,
  isResumable,
  isRunning,
  mappingBlocked,
  mappingProblems,
  statusLabel,
  type ImportField,
  type ImportObject,
  type ImportSummary,
  type RowError,
  type UploadPreview,
  type UpsertKey,
} from './importLogic';
import { uploadImportFile, type UploadHandle } from './uploadFile';
import './imports.css';

type Step = 'file' | 'map' | 'check' | 'import';
const STEPS: Array<{ step: Step; label: string }> = [
  { step: 'file', label: 'File' },
  { step: 'map', label: 'Columns' },
  { step: 'check', label: 'Check' },
  { step: 'import', label: 'Import' },
];

export function ImportsPage() {
  const [params] = useSearchParams();
  const initial = params.get('object');
  return (
    <div className="page imports-page">
      <div className="page-head">
        <h1>Import</h1>
        <div className="page-actions">
          {isImportObject(initial) && (
            <Link className="btn" to={`/${initial}`}>
              Back to {IMPORT_OBJECTS.find((o) => o.name === initial)?.label.toLowerCase()}
            </Link>
          )}
        </div>
      </div>
      <ImportWizard initialObject={isImportObject(initial) ? initial : 'leads'} />
      <ImportHistory />
    </div>
  );
}

function useImport(id: string | null) {
  return useQuery({
    queryKey: ['import', id],
    enabled: Boolean(id),
    queryFn: ({ signal }) => api.get<ImportSummary>(`/imports/${id}`, undefined, signal),
    refetchInterval: (q) => (q.state.data && !isRunning(q.state.data) ? false : 400),
  });
}

function ImportWizard({ initialObject }: { initialObject: ImportObject }) {
  const qc = useQueryClient();
  const [step, setStep] = useState<Step>('file');
  const [object, setObject] = useState<ImportObject>(initialObject);
  const [preview, setPreview] = useState<UploadPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [upsertKey, setUpsertKey] = useState<UpsertKey>('');
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [startError, setStartError] = useState<{ message: string; canRepeat: boolean } | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => setObject(initialObject), [initialObject]);

  function reset() {
    setStep('file');
    setPreview(null);
    setMapping({});
    setDryRunId(null);
    setImportId(null);
    setStartError(null);
  }

  function uploaded(p: UploadPreview) {
    setPreview(p);
    setMapping({ ...p.suggested_mapping });
    setUpsertKey(defaultUpsertKey(p.suggested_mapping));
    setDryRunId(null);
    setImportId(null);
    setStep('map');
  }

  async function start(dryRun: boolean, again = false) {
    if (!preview) return;
    setStarting(true);
    setStartError(null);
    try {
      const r = await api.post<{ id: string }>('/imports', importRequest(preview, mapping, { dryRun, upsertKey, again }));
      if (dryRun) {
        setDryRunId(r.id);
        setStep('check');
      } else {
        setImportId(r.id);
        setStep('import');
      }
      void qc.invalidateQueries({ queryKey: ['imports'] });
    } catch (e) {
      setStartError({ message: errorMessage(e), canRepeat: isApiError(e, 409) && /again/.test(errorMessage(e)) });
      if (isApiError(e, 404)) setStep('file'); // the upload expired or was used up
    } finally {
      setStarting(false);
    }
  }

  const current = STEPS.findIndex((s) => s.step === step);
  return (
    <section className="card import-wizard" aria-labelledby="import-wizard-title">
      <h2 id="import-wizard-title" className="sr-only">
        Import a file
      </h2>
      <ol className="import-steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s.step} className={i < current ? 'step-done' : i === current ? 'step-current' : ''} aria-current={i === current ? 'step' : undefined}>
            <span className="num">{i < current ? <Icon name="check" size={14} /> : i + 1}</span> {s.label}
          </li>
        ))}
      </ol>
      {startError && (
        <div className="error-box import-error" role="alert">
          {startError.message}
          {startError.canRepeat && (
            <button className="btn sm" onClick={() => start(false, true)} disabled={starting}>
              Import it again anyway
            </button>
          )}
        </div>
      )}
      {step === 'file' && <FileStep object={object} onObject={setObject} onUploaded={uploaded} />}
      {step === 'map' && preview && (
        <MapStep
          preview={preview}
          mapping={mapping}
          onMapping={setMapping}
          upsertKey={upsertKey}
          onUpsertKey={setUpsertKey}
          onBack={reset}
          onCheck={() => start(true)}
          busy={starting}
        />
      )}
      {step === 'check' && preview && dryRunId && (
        <CheckStep
          id={dryRunId}
          preview={preview}
          upsert={upsertKey !== ''}
          onBack={() => setStep('map')}
          onImport={() => start(false)}
          busy={starting}
        />
      )}
      {step === 'import' && preview && importId && <ImportStep id={importId} object={preview.object} fields={preview.fields} onAnother={reset} />}
    </section>
  );
}

// ---- 1. file ---------------------------------------------------------------

function FileStep({
  object,
  onObject,
  onUploaded,
}: {
  object: ImportObject;
  onObject: (o: ImportObject) => void;
  onUploaded: (p: UploadPreview) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle | null>(null);
  const [progress, setProgress] = useState<{ name: string; size: number; fraction: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  useEffect(() => () => handle.current?.abort(), []);

  function send(file: File | undefined) {
    if (!file) return;
    setError(null);
    setProgress({ name: file.name, size: file.size, fraction: 0 });
    const h = uploadImportFile(file, object, (fraction) => setProgress({ name: file.name, size: file.size, fraction }));
    handle.current = h;
    h.promise.then(
      (p) => {
        handle.current = null;
        onUploaded(p);
      },
      (e) => {
        handle.current = null;
        setProgress(null);
        if (input.current) input.current.value = '';
        if (!isApiError(e) || e.code !== 'aborted') setError(errorMessage(e));
      },
    );
  }

  function drop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    if (!progress) send(e.dataTransfer.files[0]);
  }

  return (
    <div className="import-file-step">
      <div className="form-row">
        <label htmlFor="import-object" className="field-label">
          Import into
        </label>
        <div className="segmented" role="radiogroup" id="import-object" aria-label="Import into">
          {IMPORT_OBJECTS.map((o) => (
            <button
              key={o.name}
              type="button"
              role="radio"
              aria-checked={object === o.name}
              className={object === o.name ? 'active' : ''}
              onClick={() => onObject(o.name)}
              disabled={!!progress}
            >
              {o.label}
            </button>
          ))}
        </div>
      </div>
      <div
        className={`dropzone${over ? ' over' : ''}${progress ? ' busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        {progress ? (
          <div className="upload-progress" aria-live="polite">
            <div>
              Uploading <strong>{progress.name}</strong> ({formatBytes(progress.size)})…
            </div>
            <ProgressBar percent={Math.round(progress.fraction * 100)} label="Upload progress" />
            <button className="btn sm" onClick={() => handle.current?.abort()}>
              Cancel
            </button>
          </div>
        ) : (
          <>
            <Icon name="upload" size={28} />
            <p>
              <strong>Drop a file here</strong> or{' '}
              <button type="button" className="btn" onClick={() => input.current?.click()}>
                Choose a file
              </button>
            </p>
            <p className="muted small">
              CSV (any delimiter, UTF-8 or Latin-1), Excel .xlsx (the first sheet) or vCard. The first row names the columns.
            </p>
          </>
        )}
        <input
          ref={input}
          type="file"
          accept={ACCEPT}
          className="sr-only"
          aria-label="File to import"
          onChange={(e) => send(e.target.files?.[0])}
        />
      </div>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ProgressBar({ percent, label }: { percent: number; label: string }) {
  return (
    <div className="progress-line">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <em>{percent}%</em>
    </div>
  );
}

// ---- 2. mapping ------------------------------------------------------------

function MapStep({
  preview,
  mapping,
  onMapping,
  upsertKey,
  onUpsertKey,
  onBack,
  onCheck,
  busy,
}: {
  preview: UploadPreview;
  mapping: Record<string, string>;
  onMapping: (m: Record<string, string>) => void;
  upsertKey: UpsertKey;
  onUpsertKey: (k: UpsertKey) => void;
  onBack: () => void;
  onCheck: () => void;
  busy: boolean;
}) {
  const issues = useMemo(() => checkMapping(mapping, preview.fields, preview.object, upsertKey), [mapping, preview, upsertKey]);
  const problems = mappingProblems(issues, preview.fields);
  const doubled = new Set(Object.values(issues.duplicates).flat());
  const available = new Set(preview.fields.map((f) => f.name));
  const objectLabel = IMPORT_OBJECTS.find((o) => o.name === preview.object)?.label.toLowerCase() ?? preview.object;

  return (
    <div className="import-map-step">
      <p className="import-file-line">
        <strong>{preview.file_name}</strong>
        <span className="muted">
          {preview.format.toUpperCase()} · {formatBytes(preview.size)} · into {objectLabel}
        </span>
        {preview.notes.map((n) => (
          <span key={n} className="pill import-note">
            {n}
          </span>
        ))}
      </p>
      {preview.mapping_source === 'saved' ? (
        <p className="notice" data-testid="saved-mapping">
          <strong>Saved mapping:</strong> these columns are matched the way they were the last time a file with the same columns was imported.
        </p>
      ) : (
        <p className="muted small">Columns are matched to fields by their names; check each one, and choose “Don’t import” for columns you do not need.</p>
      )}
      <div className="table-wrap">
        <table className="data-table compact import-mapping" aria-label="Column mapping">
          <thead>
            <tr>
              <th>Column in your file</th>
              <th>Sample values</th>
              <th>Import into</th>
            </tr>
          </thead>
          <tbody>
            {preview.columns.map((c) => {
              const value = mapping[c.header] ?? '';
              return (
                <tr key={c.header} className={doubled.has(c.header) ? 'doubled' : value ? '' : 'skipped'}>
                  <td className="col-name first" data-label="Column">{c.header || <span className="muted">(no name)</span>}</td>
                  <td className="samples" data-label="Sample values">
                    {c.samples.length ? c.samples.map((s, i) => <span key={i}>{s}</span>) : <em className="muted">no values</em>}
                  </td>
                  <td data-label="Import into">
                    <select
                      aria-label={`Field for column ${c.header}`}
                      value={available.has(value) ? value : ''}
                      onChange={(e) => onMapping({ ...mapping, [c.header]: e.target.value })}
                    >
                      <option value="">— Don’t import —</option>
                      {preview.fields.map((f) => (
                        <option key={f.name} value={f.name}>
                          {f.label}
                          {f.required ? ' *' : ''}
                        </option>
                      ))}
                    </select>
                    {doubled.has(c.header) && <div className="field-error">Another column goes into this field too</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="import-options">
        <label htmlFor="import-upsert" className="field-label">
          Existing records
        </label>
        <select id="import-upsert" value={upsertKey} onChange={(e) => onUpsertKey(e.target.value as UpsertKey)}>
          {UPSERT_KEYS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <span className="muted small">
          {upsertKey ? 'A row whose value matches one existing record updates it instead of creating a duplicate.' : 'Every row becomes a new record.'}
        </span>
      </div>
      {problems.length > 0 && (
        <ul className="import-problems" role="alert" aria-label="Mapping problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {issues.leadIdentityMissing && (
        <p className="notice warn">Every lead needs a last name, a company or an email: map one of these columns, or every row will fail.</p>
      )}
      <div className="wizard-actions">
        <button className="btn" onClick={onBack}>
          Choose another file
        </button>
        <span className="spacer" />
        <span className="muted small">{issues.mappedCount} of {preview.columns.length} columns imported</span>
        <button className="btn primary" onClick={onCheck} disabled={busy || mappingBlocked(issues)}>
          {busy ? 'Starting…' : 'Check'}
        </button>
      </div>
    </div>
  );
}

// ---- 3. check (dry run) -----------------------------------------------------

function Counts({ s, dryRun }: { s: ImportSummary; dryRun: boolean }) {
  const items: Array<[string, number, string]> = [
    ['rows read', s.rows_read, 'read'],
    [dryRun ? 'would be created' : 'created', s.created, 'created'],
    [dryRun ? 'would be updated' : 'updated', s.updated, 'updated'],
    ['unchanged', s.unchanged, 'unchanged'],
    [dryRun ? 'would fail' : 'failed', s.failed, 'failed'],
  ];
  return (
    <dl className="import-counts">
      {items
        .filter(([, n, k]) => n > 0 || k !== 'unchanged')
        .map(([label, n, key]) => (
          <div key={key} className={`count-${key}${key === 'failed' && n > 0 ? ' bad' : ''}`} data-testid={`count-${key}`}>
            <dt>{label}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
    </dl>
  );
}

function ErrorTable({ errors, total, fields }: { errors: RowError[]; total: number; fields: ImportField[] }) {
  const [all, setAll] = useState(false);
  if (errors.length === 0) return null;
  const shown = all ? errors : errors.slice(0, 50);
  const label = (f: string | null) => (f ? fields.find((x) => x.name === f)?.label ?? f : '—');
  return (
    <div className="import-errors">
      <h3>Rows that {total === errors.length ? '' : `(${errors.length.toLocaleString()} of ${total.toLocaleString()} shown) `}fail</h3>
      <div className="table-wrap">
        <table className="data-table compact" aria-label="Failed rows">
          <thead>
            <tr>
              <th className="num">Line</th>
              <th>Field</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e, i) => (
              <tr key={`${e.line}-${i}`}>
                <td className="num first" data-label="Line">{e.line}</td>
                <td data-label="Field">{label(e.field)}</td>
                <td className="problem" data-label="Problem">{fieldMessage(e.message, e.field)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!all && errors.length > shown.length && (
        <button className="btn link" onClick={() => setAll(true)}>
          Show all {errors.length.toLocaleString()} rows
        </button>
      )}
    </div>
  );
}

function CheckStep({
  id,
  preview,
  upsert,
  onBack,
  onImport,
  busy,
}: {
  id: string;
  preview: UploadPreview;
  upsert: boolean;
  onBack: () => void;
  onImport: () => void;
  busy: boolean;
}) {
  const q = useImport(id);
  const s = q.data;
  const running = !s || isRunning(s);
  const good = s ? s.created + s.updated + s.unchanged : 0;
  return (
    <div className="import-check-step" aria-busy={running}>
      {q.isError && <p className="error-box">{errorMessage(q.error)}</p>}
      {running ? (
        <div className="import-running">
          <p>Checking every row — nothing is saved yet…</p>
          <ProgressBar percent={importPercent(s)} label="Check progress" />
        </div>
      ) : (
        s && (
          <>
            {s.status === 'failed' ? (
              <p className="error-box" role="alert">
                The check stopped: {s.error}
              </p>
            ) : (
              <p className={s.failed ? 'notice warn' : 'notice ok'} data-testid="check-summary">
                {s.failed === 0
                  ? `All ${s.rows_read.toLocaleString()} rows can be imported.`
                  : `${good.toLocaleString()} of ${s.rows_read.toLocaleString()} rows can be imported; ${s.failed.toLocaleString()} would fail (listed below). Fix them in the file and upload it again, or import the good rows now.`}
                {upsert && s.updated + s.unchanged > 0 && ` ${(s.updated + s.unchanged).toLocaleString()} match existing records.`}
              </p>
            )}
            <Counts s={s} dryRun />
            {s.unmapped_columns && s.unmapped_columns.length > 0 && (
              <p className="muted small">
                Not imported: {s.unmapped_columns.map((u) => u.column).join(', ')}.
              </p>
            )}
            <ErrorTable errors={s.errors ?? []} total={s.failed} fields={preview.fields} />
          </>
        )
      )}
      <div className="wizard-actions">
        <button className="btn" onClick={onBack} disabled={busy}>
          Back to columns
        </button>
        <span className="spacer" />
        <button className="btn primary" onClick={onImport} disabled={running || busy || !s || s.status !== 'dry_run' || good === 0}>
          {busy ? 'Starting…' : `Import ${good.toLocaleString()} ${good === 1 ? 'row' : 'rows'}`}
        </button>
      </div>
    </div>
  );
}

// ---- 4. import ---------------------------------------------------------------

function ImportStep({ id, object, fields, onAnother }: { id: string; object: string; fields: ImportField[]; onAnother: () => void }) {
  const q = useImport(id);
  const qc = useQueryClient();
  const toast = useToast();
  const [undoing, setUndoing] = useState(false);
  const s = q.data;
  const running = !s || isRunning(s);
  const percent = importPercent(s);

  useEffect(() => {
    if (s && !isRunning(s)) {
      void qc.invalidateQueries({ queryKey: ['imports'] });
      void qc.invalidateQueries({ queryKey: ['list', object] });
    }
  }, [s, qc, object]);

  async function undo() {
    if (!s) return;
    const what = [s.created ? `delete the ${s.created.toLocaleString()} records it created` : '', s.updated ? `restore the ${s.updated.toLocaleString()} records it updated` : '']
      .filter(Boolean)
      .join(' and ');
    if (!window.confirm(`Undo this import? This will ${what || 'change nothing'}.`)) return;
    setUndoing(true);
    try {
      const r = await api.post<{ deleted: number; reverted: number; conflicts: number }>(`/imports/${id}/undo`);
      toast.show(`Import undone: ${r.deleted} deleted, ${r.reverted} restored${r.conflicts ? `, ${r.conflicts} changes kept (edited since)` : ''}.`);
      await q.refetch();
      void qc.invalidateQueries({ queryKey: ['imports'] });
      void qc.invalidateQueries({ queryKey: ['list', object] });
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    } finally {
      setUndoing(false);
    }
  }

  return (
    <div className="import-run-step">
      {q.isError && <p className="error-box">{errorMessage(q.error)}</p>}
      <ProgressBar percent={percent} label="Import progress" />
      {s && (
        <p className="import-status" data-testid="import-status">
          <span className={`pill import-pill-${s.status}`}>{running ? 'Importing…' : statusLabel(s.status)}</span>{' '}
          {running && <span className="muted">{s.rows_read.toLocaleString()} rows so far</span>}
          {s.status === 'failed' && <span className="field-error"> {s.error} — you can resume it from the history below.</span>}
        </p>
      )}
      {s && <Counts s={s} dryRun={false} />}
      {s && !running && <ErrorTable errors={s.errors ?? []} total={s.failed} fields={fields} />}
      <div className="wizard-actions">
        {s && s.status === 'done' && (
          <button className="btn danger" onClick={undo} disabled={undoing}>
            {undoing ? 'Undoing…' : 'Undo this import'}
          </button>
        )}
        <span className="spacer" />
        {!running && (
          <>
            <Link className="btn" to={`/${object}`}>
              Open {IMPORT_OBJECTS.find((o) => o.name === object)?.label.toLowerCase() ?? object}
            </Link>
            <button className="btn primary" onClick={onAnother}>
              Import another file
            </button>
          </>
        )}
      </div>
    </div>
  );
}

// ---- history -----------------------------------------------------------------

function ImportHistory() {
  const qc = useQueryClient();
  const toast = useToast();
  const [showChecks, setShowChecks] = useState(false);
  const list = useQuery({
    queryKey: ['imports'],
    queryFn: ({ signal }) => api.get<{ data: ImportSummary[] }>('/imports', undefined, signal),
    refetchInterval: (q) => (q.state.data?.data.some((s) => isRunning(s)) ? 2000 : false),
  });
  const rows = (list.data?.data ?? []).filter((s) => showChecks || !s.status.startsWith('dry_run'));

  async function resume(s: ImportSummary) {
    try {
      await api.post(`/imports/${s.id}/resume`);
      toast.show(`Resuming the import of ${s.file_name}.`);
      void qc.invalidateQueries({ queryKey: ['imports'] });
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    }
  }

  return (
    <section className="card import-history" aria-labelledby="import-history-title">
      <div className="card-head">
        <h2 id="import-history-title">Earlier imports</h2>
        <label className="check small">
          <input type="checkbox" checked={showChecks} onChange={(e) => setShowChecks(e.target.checked)} /> Show checks (dry runs)
        </label>
      </div>
      {list.isError && <p className="field-error">{errorMessage(list.error)}</p>}
      <div className="table-wrap">
        <table className="data-table compact" aria-label="Earlier imports">
          <thead>
            <tr>
              <th>File</th>
              <th>Into</th>
              <th>Status</th>
              <th>Started</th>
              <th className="num">Rows</th>
              <th className="num">Created</th>
              <th className="num">Updated</th>
              <th className="num">Failed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td className="first" data-label="File" title={s.file_name}>
                  {s.file_name}
                </td>
                <td data-label="Into">{IMPORT_OBJECTS.find((o) => o.name === s.object)?.label ?? s.object}</td>
                <td data-label="Status">
                  <span className={`pill import-pill-${s.status}`} title={s.error ?? undefined}>
                    {statusLabel(s.status)}
                    {isRunning(s) && s.progress ? ` ${s.progress.percent}%` : ''}
                  </span>
                </td>
                <td data-label="Started">{formatDateTime(s.created_at)}</td>
                <td className="num" data-label="Rows">{s.rows_read.toLocaleString()}</td>
                <td className="num" data-label="Created">{s.created.toLocaleString()}</td>
                <td className="num" data-label="Updated">{s.updated.toLocaleString()}</td>
                <td className="num" data-label="Failed">{s.failed.toLocaleString()}</td>
                <td>
                  {isResumable(s) && (
                    <button className="btn sm" onClick={() => resume(s)} aria-label={`Resume the import of ${s.file_name}`}>
                      Resume
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && rows.length === 0 && <p className="muted">No imports yet.</p>}
      </div>
    </section>
  );
}
