import type { ReactNode } from 'react';

// The actions at the end of a row of an admin rule list (scoring rules,
// assignment rules, cadences): an "Active" switch, Edit and Delete, after
// any extra controls given as children (e.g. reorder arrows).
export function RuleActions({
  name,
  active,
  onToggle,
  onEdit,
  onDelete,
  children,
}: {
  name: string;
  active: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onDelete: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="rule-actions">
      {children}
      <label className="check small">
        <input type="checkbox" checked={active} onChange={onToggle} aria-label={`${name} is active`} /> Active
      </label>
      <button className="btn sm" onClick={onEdit} aria-label={`Edit ${name}`}>
        Edit
      </button>
      <button className="btn ghost sm" onClick={onDelete} aria-label={`Delete ${name}`}>
        Delete
      </button>
    </div>
  );
}
