// A preference kept as JSON in localStorage (or any key-value store, for tests).
// Reading never throws: a missing or broken value is null, and the caller checks
// what it got. Writing never throws either: refused storage keeps the choice
// until the page is reloaded.
export type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

export const browserStorage = (): KeyValue | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

export function readStoredJson(storage: KeyValue | undefined, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

export function writeStoredJson(storage: KeyValue | undefined, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or refused */
  }
}
