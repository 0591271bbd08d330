// A control's problems, shown under it and tied to it: the control is marked
// invalid and described by them, so a screen reader reads them with it.
export function FieldProblems({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="error" id={id} role="alert">
      {messages.map((m, i) => (
        <div key={i}>{m}</div>
      ))}
    </div>
  );
}

/** Props for a control with these problems (and other descriptions: a hint, a count). */
export function invalidProps(problemsId: string, messages: readonly string[], ...others: Array<string | null | undefined | false>) {
  const ids = [...others, messages.length > 0 && problemsId].filter((x): x is string => typeof x === 'string');
  return { 'aria-invalid': messages.length > 0 || undefined, 'aria-describedby': ids.length ? ids.join(' ') : undefined };
}
