// One settings field: its label, the control, one line of help (its
// description) and, after a refused save, the error in its place.
import type { ReactNode } from 'react';

/** What a field's control names in aria-describedby: the error when there is one, else the hint. */
export function describedBy(id: string, error: string | undefined, hint = true): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
