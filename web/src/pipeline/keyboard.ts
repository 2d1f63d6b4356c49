// Keyboard dragging on the board: with a card picked up (Space or Enter),
// Left/Right jump to the previous/next stage column, Space/Enter drops,
// Escape cancels. dnd-kit's default moves by pixels; columns are what matter.
import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

export interface ColumnRect {
  id: string | number;
  left: number;
  top: number;
  width: number;
}

/** The column to move to from the one at `fromLeft`, or null at the edge. */
export function nextColumn(columns: ColumnRect[], fromLeft: number, direction: 1 | -1): ColumnRect | null {
  const sorted = [...columns].sort((a, b) => a.left - b.left);
  // The column the card is over: the last one starting at or left of it.
  let current = -1;
  for (let i = 0; i < sorted.length; i++) if (sorted[i].left <= fromLeft + 1) current = i;
  const target = current + direction;
  if (current < 0) return direction === 1 ? (sorted[0] ?? null) : null;
  return target >= 0 && target < sorted.length ? sorted[target] : null;
}

export const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const { droppableRects, droppableContainers, collisionRect } = context;
  if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') {
    if (event.code === 'ArrowDown' || event.code === 'ArrowUp') event.preventDefault();
    return undefined;
  }
  event.preventDefault();
  if (!collisionRect) return undefined;
  const columns: ColumnRect[] = [];
  for (const c of droppableContainers.getEnabled()) {
    const r = droppableRects.get(c.id);
    if (r) columns.push({ id: c.id, left: r.left, top: r.top, width: r.width });
  }
  const centerLeft = collisionRect.left + collisionRect.width / 2;
  // Which column holds the card's center.
  const holding = columns.filter((c) => c.left <= centerLeft && centerLeft < c.left + c.width).sort((a, b) => b.left - a.left)[0];
  const from = holding ? holding.left : centerLeft;
  const next = nextColumn(columns, from, event.code === 'ArrowRight' ? 1 : -1);
  if (!next) return currentCoordinates;
  return {
    x: currentCoordinates.x + (next.left + (next.width - collisionRect.width) / 2 - collisionRect.left),
    y: currentCoordinates.y + (next.top + 48 - collisionRect.top),
  };
};
