// "Copy as…": the chosen snippet to the clipboard, or, where the clipboard is
// not allowed (an Electron window refusing the permission, a page not in a
// secure context), in a text box to copy by hand.
import { useState } from 'react';
import { SNIPPET_TARGETS, snippetFor, type SnippetTarget } from './snippets';
import type { CopySource } from './requestParts';

async function toClipboard(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function CopyAsMenu({ source }: { source: CopySource }) {
  const [note, setNote] = useState<string | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);

  const copy = async (target: SnippetTarget) => {
    const label = SNIPPET_TARGETS.find((t) => t.id === target)?.label ?? target;
    let text: string;
    try {
      text = await snippetFor(source, target);
    } catch (err) {
      return setNote(`Cannot write it as ${label}: ${(err as Error).message}`);
    }
    if (await toClipboard(text)) {
      setFallback(null);
      setNote(`Copied as ${label}`);
    } else {
      setFallback(text);
      setNote(`The clipboard is not available: select the ${label} text below and copy it`);
    }
  };

  return (
    <span className="copy-as">
      <select aria-label="Copy as" value="" onChange={(e) => void copy(e.target.value as SnippetTarget)}>
        <option value="" disabled>
          Copy as…
        </option>
        {SNIPPET_TARGETS.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
      {note && (
        <span role="status" aria-label="Copy as result" className="muted">
          {' '}
          {note}
        </span>
      )}
      {fallback !== null && <textarea className="copy-fallback" aria-label="Text to copy" readOnly rows={8} value={fallback} onFocus={(e) => e.currentTarget.select()} autoFocus />}
    </span>
  );
}
