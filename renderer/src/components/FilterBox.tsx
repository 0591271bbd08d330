// The filter box: the filter language, parsed here on each keystroke. A filter
// that parses is queried (debounced); one that does not shows its error and
// column, and the grid keeps the last good result. Suggestions for the word at
// the caret (filterBox/suggest.ts) form a keyboard-selectable listbox.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatFilterError, parseFilter } from '../../../electron/core/filter/index';
import { core, traffic } from '../core';
import { accept, quoteValue, suggest, type Suggestion } from '../filterBox/suggest';
import { debounce } from '../stores/throttle';
import { useTraffic } from '../stores/trafficStore';
import { FilterHelp } from './FilterHelp';

const QUERY_DELAY_MS = 150;

export function FilterBox() {
  const applied = useTraffic((s) => s.query.filter);
  const problem = useTraffic((s) => s.problem);
  const [text, setText] = useState(applied);
  const [caret, setCaret] = useState(applied.length);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState(false);
  const [active, setActive] = useState(0);
  const [values, setValues] = useState<{ key: string; items: string[] }>({ key: '', items: [] });
  const input = useRef<HTMLInputElement>(null);
  const moveCaret = useRef<number | null>(null);
  const listId = useId();
  const errorId = useId();
  const query = useMemo(() => debounce((filter: string) => traffic().setQuery({ filter }), QUERY_DELAY_MS), []);
  useEffect(() => () => query.cancel(), [query]);

  const found = useMemo(() => suggest(text, caret, all), [text, caret, all]);
  const askKey = found?.ask ? `${found.ask.field}\u0000${found.ask.prefix}` : '';
  useEffect(() => {
    if (!found?.ask) return;
    let live = true;
    const { field, prefix } = found.ask;
    core()
      .invoke('filterSuggestions', { field, prefix })
      .then((items) => live && setValues({ key: askKey, items }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // askKey names the request: `found` itself is new on every keystroke.
  }, [askKey]);

  const items: Suggestion[] = useMemo(() => {
    if (!found) return [];
    const typed = text.slice(found.from, found.to);
    const asked = found.ask && values.key === askKey ? values.items.map((v) => ({ label: v, insert: `${quoteValue(v)} `, detail: found.ask!.field })) : [];
    return [...found.items, ...asked].filter((s) => s.insert.trim() !== typed);
  }, [found, values, askKey, text]);
  const showList = open && items.length > 0;
  const activeIndex = Math.min(active, items.length - 1);

  useLayoutEffect(() => {
    if (moveCaret.current === null) return;
    input.current?.setSelectionRange(moveCaret.current, moveCaret.current);
    moveCaret.current = null;
  });

  const change = (next: string, at: number) => {
    setText(next);
    setCaret(at);
    setActive(0);
    const parsed = parseFilter(next);
    if (parsed.ok) {
      setError(null);
      query(next.trim());
    } else {
      setError(formatFilterError(parsed.error));
      query.cancel();
    }
  };

  const take = (s: Suggestion) => {
    if (!found) return;
    const next = accept(text, found, s.insert);
    moveCaret.current = next.caret;
    setAll(false);
    change(next.text, next.caret);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (showList && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
    } else if (showList && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      take(items[activeIndex]!);
    } else if (showList && e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setAll(true);
      setOpen(true);
    }
  };

  const coreError = !error && problem ? formatFilterError({ column: problem.column, message: problem.error }) : null;
  const shown = error ?? coreError;
  return (
    <div className="filter">
      <div className="filter-row">
        <label htmlFor={`${listId}-input`}>Filter</label>
        <div className="combo">
          <input
            id={`${listId}-input`}
            ref={input}
            type="search"
            role="combobox"
            spellCheck={false}
            autoComplete="off"
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-activedescendant={showList ? `${listId}-${activeIndex}` : undefined}
            aria-invalid={shown !== null}
            aria-describedby={shown ? errorId : undefined}
            value={text}
            placeholder="status>=400 host*=api -path^=/health   (? for help)"
            onChange={(e) => {
              setOpen(true);
              setAll(false);
              change(e.target.value, e.target.selectionStart ?? e.target.value.length);
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
            onKeyDown={onKeyDown}
            onBlur={() => setOpen(false)}
            onFocus={() => setOpen(true)}
          />
          {showList && (
            <ul role="listbox" id={listId} aria-label="Filter suggestions" className="suggestions">
              {items.map((s, i) => (
                <li
                  key={`${s.label}-${i}`}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === activeIndex}
                  className={i === activeIndex ? 'active' : undefined}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    take(s);
                  }}
                >
                  <code>{s.label}</code> <span className="muted">{s.detail}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <FilterHelp
          onExample={(f) => {
            moveCaret.current = f.length;
            change(f, f.length);
            input.current?.focus();
          }}
        />
      </div>
      {shown && (
        <p role="alert" id={errorId} className="filter-error">
          {shown}
        </p>
      )}
    </div>
  );
}
