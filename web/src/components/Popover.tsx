// A button that opens a panel under it; closes on Escape, outside click, or
// when the content calls close(). Focus returns to the button.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function Popover({
  label,
  children,
  className,
  buttonClassName,
  align = 'left',
  title,
}: {
  label: ReactNode;
  children: (close: () => void) => ReactNode;
  className?: string;
  buttonClassName?: string;
  align?: 'left' | 'right';
  title?: string;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const btn = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    function onDown(e: MouseEvent) {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    }
    function onKey(e: KeyboardEvent) {
      if (e.key === 'Escape') {
        setOpen(false);
        btn.current?.focus();
      }
    }
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const close = () => {
    setOpen(false);
    btn.current?.focus();
  };
  return (
    <div className={`popover-wrap ${className ?? ''}`} ref={ref}>
      <button
        ref={btn}
        type="button"
        className={buttonClassName ?? 'btn'}
        aria-expanded={open}
        aria-controls={id}
        title={title}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open && (
        <div className={`popover ${align}`} id={id} role="dialog">
          {children(close)}
        </div>
      )}
    </div>
  );
}
