// The sessions view's Import HAR button: a file input, a progress bar while the
// file goes to the core, then the new session in the list, or the refusal (the
// entry and field at fault) in place.
import { useState, type ChangeEvent } from 'react';
import { core } from '../core';
import { useSessions } from '../stores/sessionStore';
import { importedName, importHarFile, type ImportProgress } from './harImport';

type Shown = { kind: 'progress'; file: string; progress: ImportProgress } | { kind: 'error'; text: string } | { kind: 'done'; text: string } | null;

export function ImportHar() {
  const [shown, setShown] = useState<Shown>(null);
  const busy = shown?.kind === 'progress';

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // the same file may be chosen again
    if (!file) return;
    setShown({ kind: 'progress', file: file.name, progress: { bytes: 0, total: file.size, entries: 0 } });
    try {
      const result = await importHarFile(file, importedName(file.name), (q) => core().invoke('importHar', q), (progress) => setShown({ kind: 'progress', file: file.name, progress }));
      if (!result.ok) return setShown({ kind: 'error', text: `${file.name} was not imported: ${result.error}` });
      if (result.done) setShown({ kind: 'done', text: `Imported ${result.count.toLocaleString('en')} exchanges from ${file.name} as “${result.session.name}”` });
      // The sessions event lists it too; asking makes sure even if this window missed the event.
      useSessions.getState().load(await core().invoke('listSessions'));
    } catch (err) {
      setShown({ kind: 'error', text: `${file.name} was not imported: ${(err as Error).message}` });
    }
  };

  return (
    <div className="import-har">
      <label className={`file-button${busy ? ' disabled' : ''}`}>
        Import HAR
        <input type="file" className="visually-hidden" accept=".har,.json,application/json" disabled={busy} onChange={(e) => void onFile(e)} />
      </label>
      {shown?.kind === 'progress' && (
        <label className="import-progress">
          Importing {shown.file}: {shown.progress.entries.toLocaleString('en')} entries{' '}
          <progress value={shown.progress.bytes} max={Math.max(shown.progress.total, 1)} />
        </label>
      )}
      {shown?.kind === 'error' && (
        <p role="alert" className="bad">
          {shown.text}
        </p>
      )}
      {shown?.kind === 'done' && (
        <p role="status" aria-label="Import result" className="good">
          {shown.text}
        </p>
      )}
    </div>
  );
}
