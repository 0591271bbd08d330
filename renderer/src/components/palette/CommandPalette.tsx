// Ctrl/Cmd+K: every action by name (commands.ts). A native modal <dialog>
// holds cmdk's list: the browser traps focus in it, Esc closes it, and focus
// goes back where it was.
import { Command } from 'cmdk';
import { useEffect, useRef, useState } from 'react';
import { useView } from '../../stores/viewStore';
import { COMMANDS, type PaletteCommand } from './commands';

const GROUPS = ['Traffic', 'Go to', 'Appearance'] as const;

export function CommandPalette() {
  const dialog = useRef<HTMLDialogElement>(null);
  const open = useView((s) => s.paletteOpen);
  const setOpen = useView((s) => s.setPaletteOpen);
  const [search, setSearch] = useState('');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'k' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      e.preventDefault();
      setOpen(!useView.getState().paletteOpen);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      setSearch('');
      d.showModal();
      d.querySelector<HTMLInputElement>('[cmdk-input]')?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);

  const run = (c: PaletteCommand) => {
    // Closed first, so the focus it gives back does not undo where the command puts it.
    dialog.current?.close();
    setOpen(false);
    void c.run();
  };
  return (
    <dialog ref={dialog} className="palette" aria-label="Command palette" onClose={() => setOpen(false)} onClick={(e) => e.target === dialog.current && setOpen(false)}>
      {open && (
        <Command label="Commands" loop>
          <Command.Input value={search} onValueChange={setSearch} placeholder="Type a command…" aria-label="Command" />
          <Command.List>
            <Command.Empty>No command matches.</Command.Empty>
            {GROUPS.map((g) => (
              <Command.Group key={g} heading={g}>
                {COMMANDS.filter((c) => c.group === g).map((c) => {
                  const why = c.unavailable?.();
                  return (
                    <Command.Item key={c.id} value={`${c.group} ${c.name}`} keywords={c.keywords} disabled={why !== undefined} onSelect={() => run(c)}>
                      {c.name}
                      {why && <span className="muted"> — {why}</span>}
                    </Command.Item>
                  );
                })}
              </Command.Group>
            ))}
          </Command.List>
        </Command>
      )}
    </dialog>
  );
}
