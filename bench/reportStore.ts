// The "Session store" section of the report (the store phase, storePhase.ts).
// Issue #19's sections sit between markers so that a run which did not measure
// them keeps the last ones, and a store-only or paired-only run replaces just
// its own section of bench/results.md.
import { existsSync, readFileSync } from 'node:fs';
import { fmt, type Machine } from './report.js';
import { median } from './shared.js';
import type { QueryTiming, Timed } from './storeQueries.js';
import type { StoreRun } from './storePhase.js';

/** The marked sections, in the order they are placed. */
const SECTIONS = ['store-pairs', 'session-store'] as const;
type SectionId = (typeof SECTIONS)[number];
const begin = (id: SectionId) => `<!-- ${id} -->`;
const end = (id: SectionId) => `<!-- /${id} -->`;
export const marked = (id: SectionId, body: string) => `${begin(id)}\n${body}\n${end(id)}`;
const MB = (bytes: number) => `${fmt(bytes / 1e6)} MB`;
const ms = (t: Timed | undefined, which: keyof Timed = 'median') => (t ? fmt(t[which], 1) : '–');

/** Page and count targets of issue #19 (ms). */
const PAGE_MS = { indexed: 200, body: 2000 };
const COUNT_MS = { indexed: 500, body: 2000 };
const TYPED_MS = 150;
const RSS_MB = 300;

function commandOf(s: StoreRun): string {
  const env = [`BENCH_PHASES=store`, `BENCH_STORE_EXCHANGES=${s.target}`];
  if (s.paceRps) env.push(`BENCH_STORE_RATE=${s.paceRps}`);
  if (s.maxStoredBytes) env.push(`BENCH_STORE_MAX_BYTES=${s.maxStoredBytes}`);
  return `${env.join(' ')} npm run bench`;
}

type Verdict = [string, string, boolean | null];

/** The quick count as the grid sees it: times, and what it answered (`10,000+` when a lower bound). */
function quickOf(q: QueryTiming): string {
  const c = q.ws?.quickCount;
  if (!c) return '–';
  return `${fmt(c.first, 1)} / ${fmt(c.median, 1)} (${fmt(c.matched)}${c.atLeast ? '+' : ''})`;
}

export function renderStoreSection(s: StoreRun, machine: Machine, startedAt: Date, quick: boolean): string {
  const L: string[] = [`## Session store (issue #19): ${fmt(s.target)} exchanges captured and stored, then queried`, ''];
  L.push(`Run ${startedAt.toISOString()} at commit ${machine.commit}${quick ? ' — **BENCH_QUICK smoke run: too short to quote**' : ''}: \`${commandOf(s)}\`.`, '');
  L.push(
    `One Proxyscope, forwarding off, session store on (${s.maxStoredBytes ? `\`--max-stored-bytes ${s.maxStoredBytes}\`` : 'default retention: 1,000,000 exchanges or 4 GiB'}), web UI on; wrk with \`bench/wrk-mix.lua\` at c=${s.connections}, ${s.paceRps ? `each connection pausing between requests to come near ${fmt(s.paceRps)} req/s in all` : 'closed loop (as fast as the proxy answers)'}. ` +
      'The mix: hosts api, cdn, auth, shop, metrics `.localhost` (4:3:2:3:1), GET 70 % / POST 22 % / PUT 5 % / DELETE 3 % (POST and PUT with a 270 B JSON body), status 200 / 201 (POST) / 404 (7 %) / 500 (4 %), response bodies of varied words 128–1,920 B (mean ≈ 1 KiB; 404s 64–704 B), 1 % of responses 50–250 ms late and 0.1 % 1–1.5 s, one body in 2,000 with a rare word.',
    '',
  );
  const perEx = (bytes: number) => `${fmt(bytes / s.stored)} B per stored exchange`;
  const rssAt = s.rssAt.map((r) => `${fmt(r.count)}: ${fmt(r.rss)} MB (${fmt(r.atS)} s)`).join(' · ');
  L.push('| | measured |', '|---|---|');
  L.push(`| exchanges sent by wrk / stored | ${fmt(s.sent)} / ${fmt(s.stored)} (wrk socket errors and timeouts: ${fmt(s.wrkErrors)}) |`);
  L.push(`| time: wrk done / last exchange committed | ${fmt(s.loadS, 1)} s (${fmt(s.sent / s.loadS)} req/s) / ${fmt(s.committedS, 1)} s (${fmt(s.stored / s.committedS)} exchanges stored /s) |`);
  L.push(`| proxy RSS (all threads) when the stored count reached | ${rssAt || '–'} |`);
  L.push(`| peak RSS (VmHWM or highest sample) / after the store settled | ${fmt(s.peakRss)} MB / ${fmt(s.rssSettled)} MB |`);
  L.push(`| sessions.db + WAL, running | ${MB(s.disk.db)} + ${MB(s.disk.wal)} = ${perEx(s.disk.db + s.disk.wal)} |`);
  L.push(`| sessions.db + WAL, after stop | ${MB(s.diskAfterStop.db)} + ${MB(s.diskAfterStop.wal)} = ${perEx(s.diskAfterStop.db + s.diskAfterStop.wal)} |`);
  L.push(`| bytes counted for retention (sessions.bytes) | ${MB(s.storedBytes)} = ${perEx(s.storedBytes)} |`);
  L.push(`| retention | ${s.evictionNote ?? 'evicted nothing'}${s.storeNote ? `; store: ${s.storeNote}` : ''} |`);
  L.push('');
  const step = Math.max(1, Math.ceil(s.series.length / 12));
  const series = s.series.filter((_, i) => i % step === 0 || i === s.series.length - 1);
  L.push(`RSS over the run (s: stored, MB): ${series.map(([t, n, rss]) => `${t} s: ${fmt(n)}, ${rss}`).join(' · ')}.`, '');

  L.push('### Queries over the stored exchanges', '');
  L.push(
    `Through the running instance's UI WebSocket as the renderer sends them (round trips: \`queryExchanges\` with limit 100, sorted by start time, and \`countExchanges\`; opened in ${fmt(s.uiConnectMs, 1)} ms), then offline after it stopped: \`new SessionDb(path, {no bounds}, {reader: true})\` (opened in ${fmt(s.offlineOpenMs)} ms) with \`pageOf\` / \`countOf\` from dist. ` +
      '"first" is the first time a filter is asked (what typing it costs); other columns are the median of 3 repeats after it. ms.',
    '',
  );
  L.push('| filter | matched | UI page newest first: first / repeat | UI page oldest first | UI quick count: first / repeat (answer) | UI count: first / repeat | offline page (newest / oldest first) | offline count |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const q of s.queries) {
    L.push(`| \`${q.filter}\` | ${fmt(q.matched)} | ${ms(q.ws?.pageDesc, 'first')} / ${ms(q.ws?.pageDesc)} | ${ms(q.ws?.pageAsc)} | ${quickOf(q)} | ${ms(q.ws?.count, 'first')} / ${ms(q.ws?.count)} | ${ms(q.offline?.pageDesc)} / ${ms(q.offline?.pageAsc)} | ${ms(q.offline?.count)} |`);
  }
  L.push('');

  const verdicts: Verdict[] = [];
  verdicts.push([`Proxy RSS ≤ ${RSS_MB} MB through ${fmt(s.target)} stored exchanges`, `peak ${fmt(s.peakRss)} MB`, Number.isFinite(s.peakRss) ? s.peakRss <= RSS_MB : null]);
  const missed: string[] = [];
  for (const q of s.queries) {
    const all = (pick: 'pageDesc' | 'pageAsc' | 'count') => [q.ws?.[pick], q.offline?.[pick]].filter((t): t is Timed => Boolean(t));
    const page = Math.max(...[...all('pageDesc'), ...all('pageAsc')].flatMap((t) => [t.first, t.median]));
    const count = Math.max(...all('count').flatMap((t) => [t.first, t.median]));
    const ok = page <= PAGE_MS[q.kind] && count <= COUNT_MS[q.kind];
    if (!ok) missed.push(q.filter);
    verdicts.push([`\`${q.filter}\` (${fmt(q.matched)} matched): first page ≤ ${fmt(PAGE_MS[q.kind])} ms, count ≤ ${fmt(COUNT_MS[q.kind])} ms`, `worst page ${fmt(page, 1)} ms, worst count ${fmt(count, 1)} ms (UI and offline, first or repeat)`, Number.isFinite(page + count) ? ok : null]);
  }
  for (const q of s.queries.filter((x) => x.kind === 'body' && x.ws?.quickCount?.atLeast)) {
    const c = q.ws!.quickCount!;
    const worst = Math.max(c.first, c.median);
    verdicts.push([`\`${q.filter}\`: the grid's first count figure (the quick count, a lower bound) ≤ ${fmt(COUNT_MS.body)} ms`, `${fmt(c.matched)}+ in ${fmt(worst, 1)} ms at worst; the exact count as above`, worst <= COUNT_MS.body]);
  }
  const typed = s.queries.filter((q) => q.kind === 'indexed' && q.ws).map((q) => q.ws!.pageDesc.first);
  if (typed.length) {
    const typical = median(typed);
    verdicts.push([`The UI's first page after a filter is typed ≤ ${TYPED_MS} ms (UI round trip, first time each indexed filter is asked)`, `median of ${typed.length} filters ${fmt(typical, 1)} ms, worst ${fmt(Math.max(...typed), 1)} ms`, typical <= TYPED_MS]);
  }
  L.push('| Target (issue #19) | Measured | Met |', '|---|---|:---:|');
  for (const [t, m, met] of verdicts) L.push(`| ${t} | ${m} | ${met === null ? '–' : met ? 'yes' : '**no**'} |`);
  L.push('');
  if (missed.length) {
    L.push('Plans of the queries that missed (EXPLAIN QUERY PLAN of the page, newest first, and of the count):', '');
    for (const q of s.queries.filter((x) => missed.includes(x.filter))) L.push(`- \`${q.filter}\`: page: ${q.plans?.page ?? '–'}; count: ${q.plans?.count ?? '–'}`);
    L.push('');
  }
  return marked('session-store', L.join('\n').trimEnd());
}

function sectionOf(markdown: string, id: SectionId): string | null {
  const a = markdown.indexOf(begin(id));
  const b = markdown.indexOf(end(id));
  return a >= 0 && b > a ? markdown.slice(a, b + end(id).length) : null;
}

/** Whether `markdown` holds a marked section (a run that measured part of issue #19). */
export const hasMarkedSection = (markdown: string): boolean => SECTIONS.some((id) => sectionOf(markdown, id) !== null);

/**
 * Each marked section from `fresh` if it has it, else from the file at `path`;
 * the rest from the file (keepRest) or from `fresh`. Placed before "How it was measured".
 */
export function mergeSections(path: string, fresh: string, keepRest: boolean): string {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let rest = keepRest && old ? old : fresh;
  const sections: string[] = [];
  for (const id of SECTIONS) {
    const section = sectionOf(fresh, id) ?? sectionOf(old, id);
    const current = sectionOf(rest, id);
    if (current) rest = rest.replace(current, '');
    if (section) sections.push(section);
  }
  rest = rest.replace(/\n{3,}/g, '\n\n');
  if (!sections.length) return rest;
  const block = sections.join('\n\n');
  const at = rest.indexOf('## How it was measured');
  return at >= 0 ? `${rest.slice(0, at)}${block}\n\n${rest.slice(at)}` : `${rest.trimEnd()}\n\n${block}\n`;
}
