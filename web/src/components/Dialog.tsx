// A modal on the native <dialog>: focus moves in and is trapped, Escape
// closes, focus returns to what opened it.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({
  open,
  onClose,
  title,
  children,
  className,
  labelledBy,
}: {
  open: boolean;
  onClose: () => void;
  title?: ReactNode;
  children: ReactNode;
  className?: string;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const titleId = labelledBy ?? 'dialog-title';
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={title ? titleId : labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose(); // click on the backdrop
      }}
    >
      {open && (
        <div className="dialog-body">
          {title && (
            <div className="dialog-head">
              <h2 id={titleId}>{title}</h2>
              <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
                ×
              </button>
            </div>
          )}
          {children}
        </div>
      )}
    </dialog>
  );
}
