// Which columns a list shows, in which order: every field of the object,
// custom fields included (metadata is live, so a new field is listed at once).
import type { Field } from '../api/types';
import { Icon } from '../components/Icon';
import { Popover } from '../components/Popover';

export function ColumnChooser({ fields, columns, onChange }: { fields: Field[]; columns: string[]; onChange: (cols: string[]) => void }) {
  const selectable = fields.filter((f) => f.name !== 'deleted_at');
  function move(name: string, delta: number) {
    const i = columns.indexOf(name);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= columns.length) return;
    const next = [...columns];
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  }
  return (
    <Popover
      align="right"
      title="Choose columns"
      label={
        <>
          <Icon name="columns" size={16} /> <span className="hide-narrow">Columns</span>
        </>
      }
    >
      {() => (
        <div className="column-chooser">
          <div className="popover-title">Columns</div>
          <ul>
            {[...columns.map((c) => selectable.find((f) => f.name === c)).filter((f): f is Field => !!f), ...selectable.filter((f) => !columns.includes(f.name))].map(
              (f) => {
                const on = columns.includes(f.name);
                return (
                  <li key={f.name}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={on}
                        onChange={(e) => onChange(e.target.checked ? [...columns, f.name] : columns.filter((c) => c !== f.name))}
                      />
                      {f.label}
                      {f.custom && <span className="badge">custom</span>}
                    </label>
                    {on && (
                      <span className="reorder">
                        <button className="icon-btn sm" aria-label={`Move ${f.label} left`} onClick={() => move(f.name, -1)}>
                          ↑
                        </button>
                        <button className="icon-btn sm" aria-label={`Move ${f.label} right`} onClick={() => move(f.name, 1)}>
                          ↓
                        </button>
                      </span>
                    )}
                  </li>
                );
              },
            )}
          </ul>
        </div>
      )}
    </Popover>
  );
}
