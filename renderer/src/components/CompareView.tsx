// Two selected exchanges compared (compare/compareExchanges.ts): both fetched
// with getExchange, their bodies decoded in the body worker.
import { useEffect, useState } from 'react';
import type { ExchangeDetail, HeaderPair } from '../../../electron/core/api';
import { compareExchanges, type BodyDiff, type CompareSide, type Comparison, type HeaderChange, type LineChange } from '../compare/compareExchanges';
import { core } from '../core';
import { formatInWorker } from '../worker/bodyClient';
import { formatBytes } from './format';

const headerOf = (headers: HeaderPair[], name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';

/** Decoded body text; null when it is not text (the worker's hex view). */
async function decoded(part: { headers: HeaderPair[]; body: ExchangeDetail['request']['body'] } | null): Promise<string | null> {
  if (!part) return '';
  const r = await formatInWorker({ base64: part.body.base64, contentType: headerOf(part.headers, 'content-type'), contentEncoding: headerOf(part.headers, 'content-encoding'), truncated: part.body.truncated });
  return r.kind === 'hex' ? null : r.text;
}

async function sideOf(detail: ExchangeDetail): Promise<CompareSide> {
  const [requestText, responseText] = await Promise.all([decoded(detail.request), decoded(detail.response)]);
  return { detail, requestText, responseText };
}

type Loaded = { state: 'loading' } | { state: 'missing' } | { state: 'ready'; comparison: Comparison };

const KIND_WORDS: Record<HeaderChange['kind'], string> = { same: 'same', added: 'added', removed: 'removed', changed: 'changed' };

function Lines({ rows }: { rows: Array<[string, LineChange]> }) {
  return (
    <table className="compare-table" aria-label="Request and status lines">
      <thead>
        <tr>
          <th scope="col" className="c-name" />
          <th scope="col">A</th>
          <th scope="col">B</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, l]) => (
          <tr key={label} className={l.same ? 'same' : 'changed'}>
            <th scope="row">{label}</th>
            <td>{l.before}</td>
            <td>{l.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HeaderDiff({ title, changes }: { title: string; changes: HeaderChange[] }) {
  return (
    <table className="compare-table" aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col" className="c-name">Header</th>
          <th scope="col">A</th>
          <th scope="col">B</th>
          <th scope="col" className="c-kind">Change</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((h) => (
          <tr key={h.name.toLowerCase()} className={h.kind}>
            <th scope="row">{h.otherName ? `${h.name} / ${h.otherName}` : h.name}</th>
            <td>{h.before.join('\n')}</td>
            <td>{h.after.join('\n')}</td>
            <td>{KIND_WORDS[h.kind]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const sizeWords = ([a, b]: [number, number]) => (a === b ? formatBytes(a) : `${formatBytes(a)} and ${formatBytes(b)}`);

function BodyDiffView({ title, diff }: { title: string; diff: BodyDiff }) {
  let summary: string;
  if (diff.kind === 'binary') summary = `binary, ${sizeWords(diff.sizes)}, ${diff.same ? 'same' : 'different'}`;
  else if (diff.kind === 'large') summary = `too many changes to show (${diff.lineCounts[0]} and ${diff.lineCounts[1]} lines)`;
  else summary = diff.same ? 'same' : 'different';
  return (
    <figure className="body" aria-label={title}>
      <figcaption>
        {title} · {summary}
      </figcaption>
      {diff.kind === 'text' && !diff.same && (
        <pre className="diff" tabIndex={0}>
          {diff.lines.map((l, i) =>
            l.op === 'skip' ? (
              <div key={i} className="diff-skip">
                … {l.count} unchanged line{l.count === 1 ? '' : 's'}
              </div>
            ) : (
              <div key={i} className={l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : 'diff-same'}>
                {l.op} {l.text}
              </div>
            ),
          )}
        </pre>
      )}
    </figure>
  );
}

export function CompareView({ ids, onClose }: { ids: readonly [string, string]; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [a, b] = ids;
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    void Promise.all([core().invoke('getExchange', { id: a }), core().invoke('getExchange', { id: b })]).then(async ([x, y]) => {
      if (!live) return;
      if (x === null || y === null) return setLoaded({ state: 'missing' });
      const [sx, sy] = await Promise.all([sideOf(x), sideOf(y)]);
      if (live) setLoaded({ state: 'ready', comparison: compareExchanges(sx, sy) });
    });
    return () => {
      live = false;
    };
  }, [a, b]);

  return (
    <section className="detail compare" aria-label="Compare exchanges">
      <h2>
        Compare{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h2>
      {loaded.state === 'loading' && <p>Loading…</p>}
      {loaded.state === 'missing' && <p>One of these exchanges is no longer stored.</p>}
      {loaded.state === 'ready' && <ComparisonView c={loaded.comparison} />}
    </section>
  );
}

function ComparisonView({ c }: { c: Comparison }) {
  return (
    <>
      {c.identical && <p role="status">The two exchanges are the same.</p>}
      <Lines rows={[['Request', c.requestLine], ['Response', c.statusLine]]} />
      <HeaderDiff title="Request headers" changes={c.requestHeaders} />
      <BodyDiffView title="Request body" diff={c.requestBody} />
      <HeaderDiff title="Response headers" changes={c.responseHeaders} />
      <BodyDiffView title="Response body" diff={c.responseBody} />
    </>
  );
}
