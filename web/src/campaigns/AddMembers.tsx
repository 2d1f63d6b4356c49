// Adding people to a campaign: one at a time from the campaign page (search
// leads or contacts by last name, pick, added), or many at once from the
// leads and contacts lists' bulk bar ("Add to campaign…").
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useRefLabel } from '../api/hooks';
import type { Page, RecordData } from '../api/types';
import { ReferenceInput } from '../components/ReferenceInput';
import { useToast } from '../components/Toast';
import type { MembersAdded } from './campaigns';

type Kind = 'leads' | 'contacts';

function addedText(r: MembersAdded, one: string): string {
  if (r.added + r.restored > 0) return `${one} added`;
  return `${one} is already a member`;
}

export function AddMembers({ campaignId, onAdded }: { campaignId: string; onAdded: () => void }) {
  const [kind, setKind] = useState<Kind>('leads');
  const [last, setLast] = useState<{ id: string; kind: Kind; text: string } | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function add(id: string) {
    if (!id) return;
    setBusy(true);
    setError('');
    try {
      const r = await api.post<MembersAdded>(`/campaigns/${campaignId}/members`, {
        [kind === 'leads' ? 'lead_ids' : 'contact_ids']: [id],
      });
      setLast({ id, kind, text: addedText(r, '') });
      onAdded();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="add-members" role="group" aria-labelledby="add-members-label">
      <span id="add-members-label" className="add-members-label">
        Add members
      </span>
      <label className="sr-only" htmlFor="add-member-kind">
        Search among
      </label>
      <select id="add-member-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)} disabled={busy}>
        <option value="leads">Leads</option>
        <option value="contacts">Contacts</option>
      </select>
      <div className="add-members-search">
        <label className="sr-only" htmlFor="add-member-search">
          Find {kind} to add
        </label>
        <ReferenceInput
          key={kind}
          id="add-member-search"
          object={kind}
          value=""
          onChange={(id) => void add(id)}
          placeholder={`Type a last name to add ${kind}…`}
        />
      </div>
      {last && <AddedNote {...last} />}
      {error && (
        <p className="field-error add-members-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function AddedNote({ id, kind, text }: { id: string; kind: Kind; text: string }) {
  const label = useRefLabel(kind, id);
  return (
    <span className="small add-members-note" role="status">
      {label.data?.title ?? 'Person'}
      {text}
    </span>
  );
}

/** The bulk bar's "Add to campaign…" on the leads and contacts lists. */
export function AddToCampaign({ object, selected, onDone }: { object: string; selected: RecordData[]; onDone: () => void }) {
  const campaigns = useQuery({
    queryKey: ['campaigns-all'],
    staleTime: 60_000,
    enabled: object === 'leads' || object === 'contacts',
    queryFn: async ({ signal }) => (await api.get<Page>('/campaigns', [['sort', 'name'], ['limit', 500]], signal)).data,
  });
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const qc = useQueryClient();
  if (object !== 'leads' && object !== 'contacts') return null;
  const noun = (n: number) => (object === 'leads' ? (n === 1 ? 'lead' : 'leads') : n === 1 ? 'contact' : 'contacts');

  async function add(campaignId: string) {
    const campaign = campaigns.data?.find((c) => c.id === campaignId);
    setBusy(true);
    try {
      const ids = selected.map((r) => r.id);
      const r = await api.post<MembersAdded>(`/campaigns/${campaignId}/members`, {
        [object === 'leads' ? 'lead_ids' : 'contact_ids']: ids,
      });
      const added = r.added + r.restored;
      toast.show(
        `Added ${added} ${noun(added)} to “${String(campaign?.name ?? 'the campaign')}”` +
          (r.already_members ? ` (${r.already_members} already ${r.already_members === 1 ? 'a member' : 'members'})` : ''),
      );
      void qc.invalidateQueries({ queryKey: ['campaign-members', campaignId] });
      onDone();
    } catch (e) {
      toast.show(errorMessage(e), { kind: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <label className="sr-only" htmlFor="bulk-campaign">
        Add to campaign
      </label>
      <select
        id="bulk-campaign"
        disabled={busy || !campaigns.data?.length}
        value=""
        onChange={(e) => {
          if (e.target.value) void add(e.target.value);
        }}
      >
        <option value="">{campaigns.data && campaigns.data.length === 0 ? 'No campaign yet' : 'Add to campaign…'}</option>
        {campaigns.data?.map((c) => (
          <option key={c.id} value={c.id}>
            {String(c.name)}
          </option>
        ))}
      </select>
    </>
  );
}
