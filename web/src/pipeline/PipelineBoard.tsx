// The pipeline as a board: one column per stage of the chosen pipeline,
// opportunities as cards (paged per column), totals and weighted totals per
// column from the server (GET /opportunities/aggregate), drag and drop to
// change stage — with the mouse, a finger, or the keyboard.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { CSS } from '@dnd-kit/utilities';
import { api, errorMessage, isApiError } from '../api/client';
import { listKey, primeRecord, useFields, usePipelines, useRecordList, useStages, useTeams, useUsers, type ListSpec } from '../api/hooks';
import type { AggregateRow, Page, RecordData } from '../api/types';
import { RefLink } from '../components/RefLink';
import { useToast } from '../components/Toast';
import { useMe } from '../auth/AuthContext';
import { formatDate, formatMoney, initials } from '../lib/format';
import { formatAmounts, sumRecords, totalsByGroup, type GroupTotals } from '../lib/totals';
import { Icon } from '../components/Icon';
import { blockedFromError, describeMissing, onlyNeedsReason } from './blocked';
import { CloseReasonDialog, type CloseReason } from './CloseReasonDialog';

/** The opportunities' default currency (the field's default in the catalogue). */
const DEFAULT_CURRENCY = 'EUR';
import { recordPath } from '../lib/objects';
import { columnKeyboardCoordinates } from './keyboard';

const collision: CollisionDetection = (args) => {
  const p = pointerWithin(args);
  return p.length ? p : rectIntersection(args);
};

export function PipelineBoard() {
  const pipelines = usePipelines();
  const users = useUsers();
  const teams = useTeams();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const pipelineId = params.get('pipeline') ?? pipelines.data?.find((p) => p.is_default)?.id ?? pipelines.data?.[0]?.id;
  const owner = params.get('owner') ?? '';
  const team = params.get('team') ?? '';
  const stages = useStages(pipelineId);
  const qc = useQueryClient();
  const toast = useToast();
  const [activeCard, setActiveCard] = useState<RecordData | null>(null);

  const ownerFilter = useMemo(() => {
    if (owner) return [`owner_id:eq:${owner === 'me' ? me.id : owner}`];
    if (team) {
      const ids = (users.data ?? []).filter((u) => u.team_id === team).map((u) => u.id);
      return [`owner_id:in:${ids.length ? ids.join(',') : 'none'}`];
    }
    return [];
  }, [owner, team, me.id, users.data]);
  const baseFilters = useMemo(() => (pipelineId ? [`pipeline_id:eq:${pipelineId}`, ...ownerFilter] : []), [pipelineId, ownerFilter]);

  // Totals never add one currency to another: first which currencies this
  // board holds, then the per-stage sums for each of them.
  const totals = useQuery({
    queryKey: ['aggregate', 'opportunities', 'stage_id', baseFilters],
    enabled: Boolean(pipelineId),
    retry: false,
    queryFn: async ({ signal }) => {
      const agg = (groupBy: string, filters: string[]) =>
        api
          .get<{ data: AggregateRow[] }>(
            '/opportunities/aggregate',
            [['group_by', groupBy], ['sum', 'amount'], ['weight', 'probability'], ...filters.map((f): [string, string] => ['filter', f])],
            signal,
          )
          .then((r) => r.data);
      const currencies = (await agg('currency', baseFilters)).map((r) => r.key);
      const perCurrency = await Promise.all(
        currencies.map(async (cur) => ({
          currency: cur ?? DEFAULT_CURRENCY,
          rows: await agg('stage_id', [...baseFilters, cur === null ? 'currency:is_null:true' : `currency:eq:${cur}`]),
        })),
      );
      return totalsByGroup(perCurrency);
    },
  });
  const [blocked, setBlocked] = useState<{ id: string; to: string; missing: string[]; other: string | null; from: string | null } | null>(null);
  const oppFields = useFields('opportunities');
  // A drop on a won or lost stage waits for the reason (issue 5).
  const [closing, setClosing] = useState<{ card: RecordData; toStage: string; kind: 'won' | 'lost'; error: string | null; busy: boolean } | null>(null);

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: columnKeyboardCoordinates,
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
    }),
  );

  const stageName = (id: string | number | undefined | null) => String(stages.data?.find((s) => s.id === id)?.name ?? 'no stage');
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${active.data.current?.name}. Use the left and right arrow keys to move it between stages, space to drop, escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `${active.data.current?.name} is over ${stageName(over.id)}.` : `${active.data.current?.name} is over no stage.`),
    onDragEnd: ({ active, over }) => (over ? `${active.data.current?.name} moved to ${stageName(over.id)}.` : `${active.data.current?.name} dropped.`),
    onDragCancel: ({ active }) => `Moving ${active.data.current?.name} was cancelled.`,
  };

  function specFor(stageId: string): ListSpec {
    return { object: 'opportunities', filters: [...baseFilters, `stage_id:eq:${stageId}`], sort: 'close_date', limit: 25 };
  }

  /** Moves a card; resolves false when the server refused (the card is back where it was). */
  async function moveCard(card: RecordData, toStage: string, reason?: CloseReason): Promise<boolean> {
    const from = String(card.stage_id);
    if (from === toStage) return true;
    const fromKey = listKey(specFor(from));
    const toKey = listKey(specFor(toStage));
    await Promise.all([qc.cancelQueries({ queryKey: fromKey }), qc.cancelQueries({ queryKey: toKey })]);
    const before = { from: qc.getQueryData<InfiniteData<Page>>(fromKey), to: qc.getQueryData<InfiniteData<Page>>(toKey) };
    setBlocked(null);
    const moved = { ...card, stage_id: toStage };
    // Optimistic: the card moves now; the server's answer (with the stage's probability) replaces it.
    qc.setQueryData<InfiniteData<Page>>(fromKey, (d) => d && { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.filter((r) => r.id !== card.id) })) });
    qc.setQueryData<InfiniteData<Page>>(toKey, (d) =>
      d ? { ...d, pages: d.pages.map((p, i) => (i === 0 ? { ...p, data: [moved, ...p.data] } : p)) } : d,
    );
    try {
      const saved = await api.patch<RecordData>(`/opportunities/${card.id}`, { stage_id: toStage, ...(reason ?? {}) }, card.version);
      primeRecord(qc, 'opportunities', saved);
      qc.setQueryData(['record', 'opportunities', saved.id], saved);
      qc.setQueryData<InfiniteData<Page>>(toKey, (d) => d && { ...d, pages: d.pages.map((p) => ({ ...p, data: p.data.map((r) => (r.id === saved.id ? saved : r)) })) });
      toast.show(`“${card.name}” moved to ${stageName(toStage)}`);
      return true;
    } catch (e) {
      // The card snaps back where it was.
      qc.setQueryData(fromKey, before.from);
      qc.setQueryData(toKey, before.to);
      if (isApiError(e, 422)) {
        const b = blockedFromError(e.message, e.field, e.details);
        const kind = stageKind(toStage);
        if (!reason && onlyNeedsReason(b) && (kind === 'won' || kind === 'lost')) {
          setClosing({ card, toStage, kind, error: null, busy: false });
          return false;
        }
        setClosing(null);
        setBlocked({ id: card.id, to: stageName(toStage), missing: describeMissing(b, oppFields), other: b.other, from: b.from });
        return false;
      }
      setClosing(null);
      toast.show(isApiError(e, 412) ? `“${card.name}” was changed by someone else; the board is reloaded. Try again.` : errorMessage(e), { kind: 'error' });
      return false;
    } finally {
      void qc.invalidateQueries({ queryKey: fromKey });
      void qc.invalidateQueries({ queryKey: toKey });
      void qc.invalidateQueries({ queryKey: ['aggregate', 'opportunities'] });
      void qc.invalidateQueries({ queryKey: ['list', 'opportunities'], refetchType: 'none' });
    }
  }

  function onDragStart(e: DragStartEvent) {
    setActiveCard((e.active.data.current?.record as RecordData) ?? null);
  }
  function onDragEnd(e: DragEndEvent) {
    setActiveCard(null);
    const card = e.active.data.current?.record as RecordData | undefined;
    if (!card || !e.over) return;
    const to = String(e.over.id);
    const kind = stageKind(to);
    if ((kind === 'won' || kind === 'lost') && String(card.stage_id) !== to) {
      setBlocked(null);
      setClosing({ card, toStage: to, kind, error: null, busy: false });
      return;
    }
    void moveCard(card, to);
  }

  function stageKind(id: string): string {
    return String(stages.data?.find((s) => s.id === id)?.kind ?? 'open');
  }

  async function submitClose(r: CloseReason) {
    if (!closing) return;
    setClosing({ ...closing, busy: true, error: null });
    if (await moveCard(closing.card, closing.toStage, r)) setClosing(null);
  }

  function setParam(k: string, v: string) {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k === 'owner' && v) p.delete('team');
    if (k === 'team' && v) p.delete('owner');
    setParams(p, { replace: true });
  }

  return (
    <div className="page board-page">
      <div className="page-head">
        <h1>Pipeline</h1>
        <label htmlFor="pipeline-picker" className="sr-only">
          Pipeline
        </label>
        <select id="pipeline-picker" value={pipelineId ?? ''} onChange={(e) => setParam('pipeline', e.target.value)}>
          {pipelines.data?.map((p) => (
            <option key={p.id} value={p.id}>
              {String(p.name)}
            </option>
          ))}
        </select>
        <div className="page-actions">
        <label htmlFor="owner-filter" className="sr-only">
          Owner
        </label>
        <select id="owner-filter" value={owner} onChange={(e) => setParam('owner', e.target.value)}>
          <option value="">All owners</option>
          <option value="me">My deals</option>
          {users.data?.map((u) => (
            <option key={u.id} value={u.id}>
              {String(u.name)}
            </option>
          ))}
        </select>
        {(teams.data?.length ?? 0) > 0 && (
          <>
            <label htmlFor="team-filter" className="sr-only">
              Team
            </label>
            <select id="team-filter" value={team} onChange={(e) => setParam('team', e.target.value)}>
              <option value="">All teams</option>
              {teams.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {String(t.name)}
                </option>
              ))}
            </select>
          </>
        )}
        <Link className="btn primary" to="/opportunities?new=1">
          New deal
        </Link>
        </div>
      </div>
      {totals.isError && !isApiError(totals.error, 404) && <p className="field-error">{errorMessage(totals.error)}</p>}
      <p className="sr-only" id="board-help">
        To move a deal with the keyboard, focus its card, press space (Enter opens it), use the left and right arrows to choose a stage, and press space again.
      </p>
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setActiveCard(null)}
        accessibility={{ announcements, screenReaderInstructions: { draggable: 'Press space to pick up the deal; arrows left and right choose the stage; space drops it; escape cancels.' } }}
      >
        <div className="board" role="list" aria-label="Stages">
          {stages.data?.map((s) => (
            <Column
              key={s.id}
              stage={s}
              spec={specFor(s.id)}
              total={totals.data?.get(s.id)}
              totalsUnavailable={totals.isError}
              totalsLoaded={totals.isSuccess}
              blocked={blocked}
              onDismissBlocked={() => setBlocked(null)}
            />
          ))}
          {stages.isLoading &&
            Array.from({ length: 5 }, (_, i) => (
              <div key={i} className="column skeleton-col" aria-hidden="true" />
            ))}
        </div>
        <DragOverlay dropAnimation={null}>{activeCard ? <CardBody card={activeCard} overlay /> : null}</DragOverlay>
      </DndContext>
      <CloseReasonDialog
        open={closing !== null}
        kind={closing?.kind ?? 'won'}
        dealName={String(closing?.card.name ?? '')}
        stageName={closing ? stageName(closing.toStage) : ''}
        error={closing?.error ?? null}
        busy={closing?.busy ?? false}
        onSubmit={(r) => void submitClose(r)}
        onCancel={() => setClosing(null)}
      />
    </div>
  );
}

function Column({
  stage,
  spec,
  total,
  totalsUnavailable,
  totalsLoaded,
  blocked,
  onDismissBlocked,
}: {
  stage: RecordData;
  spec: ListSpec;
  total: GroupTotals | undefined;
  totalsUnavailable: boolean;
  totalsLoaded: boolean;
  blocked: Blocked | null;
  onDismissBlocked: () => void;
}) {
  const list = useRecordList(spec);
  const cards = list.data?.pages.flatMap((p) => p.data) ?? [];
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { name: stage.name } });
  // Without the aggregate endpoint, a fully loaded column can still be summed exactly.
  const local = totalsUnavailable && !list.hasNextPage && !list.isLoading ? sumRecords(cards, DEFAULT_CURRENCY) : null;
  // A stage with no deals has no aggregate row: its totals are zero.
  const zero = totalsLoaded && !total;
  const shown = total ?? local ?? (zero ? { count: 0, amounts: [] } : null);
  const count = shown?.count;
  return (
    <section
      ref={setNodeRef}
      className={`column kind-${stage.kind}${isOver ? ' over' : ''}`}
      role="listitem"
      aria-labelledby={`col-${stage.id}`}
      data-stage={String(stage.name)}
    >
      <header className="column-head">
        <h2 id={`col-${stage.id}`}>
          {String(stage.name)} <span className="muted small">{String(stage.probability)}%</span>
        </h2>
        <div className="column-totals" data-testid="column-totals">
          <span title="Deals">{count ?? (list.isLoading ? '…' : `${cards.length}${list.hasNextPage ? '+' : ''}`)}</span>
          <span title={shown ? `Total amount: ${formatAmounts(shown.amounts, 'sum', false)}` : 'Total amount'} data-testid="column-sum">
            {shown ? formatAmounts(shown.amounts, 'sum') : '—'}
          </span>
          <span
            title={shown ? `Weighted by probability: ${formatAmounts(shown.amounts, 'weighted', false)}` : 'Weighted by probability'}
            className="weighted"
            data-testid="column-weighted"
          >
            ≈ {shown ? formatAmounts(shown.amounts, 'weighted') : '—'}
          </span>
        </div>
      </header>
      <ul className="cards">
        {cards.map((c) => (
          <li key={c.id}>
            <Card card={c} />
            {blocked?.id === c.id && <BlockedNotice blocked={blocked} card={c} onDismiss={onDismissBlocked} />}
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <button className="btn link sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
      {!list.isLoading && cards.length === 0 && <p className="column-empty muted small">Drop deals here</p>}
    </section>
  );
}

interface Blocked {
  id: string;
  to: string;
  from: string | null;
  missing: string[];
  other: string | null;
}

/** Under a card whose move was refused: what it still needs, and a way to add it. */
function BlockedNotice({ blocked, card, onDismiss }: { blocked: Blocked; card: RecordData; onDismiss: () => void }) {
  return (
    <div className="blocked-move" role="alert" data-testid="blocked-move">
      <div className="blocked-head">
        <Icon name="lock" size={15} />
        <strong>Can’t move to {blocked.to} yet</strong>
        <button className="icon-btn sm" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      </div>
      {blocked.missing.length > 0 ? (
        <>
          <p className="small">{blocked.from ? `To leave ${blocked.from}, this deal needs:` : 'This deal needs:'}</p>
          <ul className="missing-list">
            {blocked.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="small">{blocked.other}</p>
      )}
      <Link className="btn sm" to={recordPath('opportunities', card.id)}>
        Open the deal to add it
      </Link>
    </div>
  );
}

function Card({ card }: { card: RecordData }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: card.id,
    data: { record: card, name: card.name },
  });
  const navigate = useNavigate();
  return (
    <div
      ref={setNodeRef}
      className={`deal-card${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform) }}
      {...attributes}
      {...listeners}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !isDragging) {
          e.preventDefault();
          navigate(recordPath('opportunities', card.id));
          return;
        }
        listeners?.onKeyDown?.(e);
      }}
      aria-describedby="board-help"
      aria-roledescription="deal"
      aria-label={`${card.name}, ${formatMoney(Number(card.amount ?? 0), String(card.currency ?? 'EUR'))}`}
      data-testid="deal-card"
    >
      <CardBody card={card} />
    </div>
  );
}

function CardBody({ card, overlay }: { card: RecordData; overlay?: boolean }) {
  const overdue = card.close_date && String(card.close_date) < new Date().toISOString().slice(0, 10);
  return (
    <div className={`deal-body${overlay ? ' overlay' : ''}`}>
      <Link to={recordPath('opportunities', card.id)} className="deal-name" onPointerDown={(e) => e.stopPropagation()} tabIndex={-1}>
        {String(card.name)}
      </Link>
      {card.account_id ? (
        <div className="deal-account muted small">
          <RefLink object="accounts" id={String(card.account_id)} link={false} />
        </div>
      ) : null}
      <div className="deal-meta">
        <strong>{card.amount !== null && card.amount !== undefined ? formatMoney(Number(card.amount), String(card.currency ?? 'EUR')) : '—'}</strong>
        {card.close_date ? <span className={`small ${overdue ? 'overdue' : 'muted'}`}>{formatDate(String(card.close_date))}</span> : null}
        {card.owner_id ? <OwnerBadge id={String(card.owner_id)} /> : null}
      </div>
    </div>
  );
}

function OwnerBadge({ id }: { id: string }) {
  const users = useUsers();
  const u = users.data?.find((x) => x.id === id);
  return (
    <span className="avatar sm" title={u ? String(u.name) : ''} aria-label={u ? `Owner ${u.name}` : undefined}>
      {initials(u ? String(u.name) : '')}
    </span>
  );
}
