// `/` puts the focus in the filter box from anywhere in the traffic view,
// unless the user is typing in a field already.
import { useEffect } from 'react';

const typing = (el: Element | null) => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);

export function useFilterShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
      if (focusFilter()) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** Puts the focus in the traffic filter box, its text selected; false when the box is not on screen. */
export function focusFilter(): boolean {
  const box = document.querySelector<HTMLInputElement>('.filter input[role="combobox"]');
  if (!box) return false;
  box.focus();
  box.select();
  return true;
}
