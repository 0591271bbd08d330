// A button that opens a panel beside it; Escape or a click outside closes it
// and gives the focus back to the button.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function Popover({ label, title, panelLabel, className, children }: { label: ReactNode; title: string; panelLabel: string; className?: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Escape' || !open) return;
    e.stopPropagation();
    close();
  };
  return (
    <div className={`popover-root ${className ?? ''}`} ref={root} onKeyDown={onKeyDown}>
      <button ref={button} type="button" aria-label={title} title={title} aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <div id={id} role="dialog" aria-label={panelLabel} className="popover">
          {children(close)}
        </div>
      )}
    </div>
  );
}
