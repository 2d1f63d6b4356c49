import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Field, RecordData } from '../api/types';
import { useUsers } from '../api/hooks';
import { useToast } from '../components/Toast';
import { humanize } from '../lib/format';
import type { ObjectConfig } from '../lib/objects';
import { bulkDelete, bulkPatch, bulkRestore, summarize } from './bulk';
import { AddToCampaign } from '../campaigns/AddMembers'; // issue 4: campaigns

export function BulkBar({
  cfg,
  selected,
  statusField,
  onDone,
}: {
  cfg: ObjectConfig;
  selected: RecordData[];
  statusField?: Field;
  onDone: () => void;
}) {
  const users = useUsers();
  const qc = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const noun = selected.length === 1 ? cfg.singular.toLowerCase() : cfg.plural.toLowerCase();

  async function run(fn: () => Promise<string>) {
    setBusy(true);
    try {
      const msg = await fn();
      if (msg) toast.show(msg);
    } finally {
      setBusy(false);
      onDone();
      void qc.invalidateQueries({ queryKey: ['list', cfg.name] });
    }
  }

  return (
    <div className="bulkbar" role="region" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <label className="sr-only" htmlFor="bulk-owner">
        Assign owner
      </label>
      <select
        id="bulk-owner"
        disabled={busy}
        value=""
        onChange={(e) => {
          const owner = e.target.value;
          if (owner) void run(async () => summarize('Assigned', noun, await bulkPatch(cfg.name, selected, { owner_id: owner })));
        }}
      >
        <option value="">Assign owner…</option>
        {users.data?.map((u) => (
          <option key={u.id} value={u.id}>
            {String(u.name)}
          </option>
        ))}
      </select>
      {statusField && (
        <>
          <label className="sr-only" htmlFor="bulk-status">
            Change {statusField.label.toLowerCase()}
          </label>
          <select
            id="bulk-status"
            disabled={busy}
            value=""
            onChange={(e) => {
              const v = e.target.value;
              if (v) void run(async () => summarize('Updated', noun, await bulkPatch(cfg.name, selected, { [statusField.name]: v })));
            }}
          >
            <option value="">Change {statusField.label.toLowerCase()}…</option>
            {statusField.options?.map((o) => (
              <option key={o} value={o}>
                {humanize(o)}
              </option>
            ))}
          </select>
        </>
      )}
      <AddToCampaign object={cfg.name} selected={selected} onDone={onDone} />
      <button
        className="btn danger sm"
        disabled={busy}
        onClick={() => {
          if (!window.confirm(`Delete ${selected.length} ${noun}? You can undo right after.`)) return;
          void run(async () => {
            const r = await bulkDelete(cfg.name, selected);
            if (r.ok.length)
              toast.show(summarize('Deleted', noun, r), {
                action: {
                  label: 'Undo',
                  run: () =>
                    void bulkRestore(cfg.name, r.ok).then((u) => {
                      toast.show(summarize('Restored', noun, u));
                      void qc.invalidateQueries({ queryKey: ['list', cfg.name] });
                    }),
                },
                ms: 10000,
              });
            return r.conflicts.length || r.errors.length ? summarize('Deleted', noun, r) : '';
          });
        }}
      >
        Delete
      </button>
      <button className="btn link sm" onClick={onDone} disabled={busy}>
        Clear selection
      </button>
    </div>
  );
}
