// A selection as a filter: `id="…" or id="…"`, which the core's commands that
// take a filter (export, send to Runscope) understand; `id=` compares as
// written and the store finds each by its index.

/** The filter language's quoting: `\` before a quote or a backslash. */
const quoted = (id: string) => `"${id.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export function idFilter(ids: Iterable<string>): string {
  return [...ids].map((id) => `id=${quoted(id)}`).join(' or ');
}
