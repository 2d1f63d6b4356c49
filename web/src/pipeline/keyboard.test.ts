import { describe, expect, it } from 'vitest';
import { nextColumn } from './keyboard';

const cols = [0, 280, 560, 840].map((left, i) => ({ id: `s${i}`, left, top: 100, width: 272 }));

describe('keyboard moves between stage columns', () => {
  it('goes right and left one column at a time', () => {
    expect(nextColumn(cols, 280, 1)?.id).toBe('s2');
    expect(nextColumn(cols, 280, -1)?.id).toBe('s0');
  });
  it('stops at the edges', () => {
    expect(nextColumn(cols, 840, 1)).toBeNull();
    expect(nextColumn(cols, 0, -1)).toBeNull();
  });
  it('works whatever order the columns are listed in', () => {
    expect(nextColumn([...cols].reverse(), 0, 1)?.id).toBe('s1');
  });
});
