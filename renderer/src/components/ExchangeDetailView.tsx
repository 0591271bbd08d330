import { useEffect, useState } from 'react';
import type { ExchangeDetail, HeaderPair } from '../../../electron/core/api';
import { core } from '../core';
import { useTraffic } from '../stores/trafficStore';
import { BodyPanel } from './BodyPanel';
import { formatBytes, formatMs } from './format';
import { RewritePanel } from './RewritePanel';
import { PinButton } from './PinButton';
import { RunscopePanel } from './RunscopePanel';
import { EventStreamView } from './stream/EventStreamView';
import { WebSocketFrames } from './websocket/WebSocketFrames';
import { WorkbenchActions } from './workbench/WorkbenchActions';

/** How breakpoints left it: the rule, and how each pause ended (meta rule.breakpoint.*). */
function BreakpointNote({ meta }: { meta: ExchangeDetail['meta'] }) {
  const rule = meta['rule.breakpoint'];
  if (typeof rule !== 'string') return null;
  const phases = (['request', 'response'] as const).filter((p) => meta[`rule.breakpoint.${p}`] != null).map((p) => `${p} ${String(meta[`rule.breakpoint.${p}`])}`);
  return (
    <p className="meta" aria-label="Breakpoint">
      Breakpoint {JSON.stringify(rule)}
      {phases.length > 0 && `: ${phases.join(' · ')}`}
    </p>
  );
}

function headerOf(headers: HeaderPair[], name: string): string {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';
}

function Headers({ title, headers }: { title: string; headers: HeaderPair[] }) {
  return (
    <table className="headers" aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={i}>
            <th scope="row">{name}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExchangeDetailView({ id }: { id: string }) {
  // The row as events last changed it: a new state or status means a new detail to fetch.
  const summary = useTraffic((s) => (s.selectedId === id ? s.selected : null));
  const [detail, setDetail] = useState<ExchangeDetail | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let live = true;
    core()
      .invoke('getExchange', { id })
      .then((d) => {
        if (!live) return;
        setDetail(d);
        setMissing(d === null);
      });
    return () => {
      live = false;
    };
  }, [id, summary?.state, summary?.status, summary?.messages, summary?.responseBytes, summary?.pinned]);

  if (missing) return <section className="detail">This exchange is no longer stored.</section>;
  if (!detail) return <section className="detail">Loading…</section>;
  return (
    <section className="detail" aria-label="Exchange detail">
      <h2>
        {detail.method} {detail.url}
      </h2>
      <p className="meta">
        {detail.response ? `${detail.response.status} ${detail.response.reason}` : 'no response yet'} · HTTP/{detail.httpVersion} · {formatMs(detail.durationMs)}
        {typeof detail.meta.client === 'string' && ` · from ${detail.meta.client} (Open browser)`}
        {detail.error && <span className="bad"> · {detail.error}</span>}
        {detail.state === 'pending' && detail.response && (
          <span aria-label="Still open">
            {' '}
            · open: {detail.kind === 'websocket' ? `${detail.messages ?? 0} messages` : `${formatBytes(detail.responseBytes)} so far`}, for {formatMs(Date.now() - detail.timings.startedAt)}
          </span>
        )}
      </p>
      <PinButton id={detail.id} pinned={detail.meta.pinned === true} />
      <WorkbenchActions detail={detail} />
      <BreakpointNote meta={detail.meta} />
      <RewritePanel detail={detail} />
      <div className="columns">
        <div>
          <h3>Request{detail.upstream?.request ? ' (as the client sent it)' : ''}</h3>
          <Headers title="Request headers" headers={detail.request.headers} />
          <BodyPanel title="Request body" body={detail.request.body} contentType={headerOf(detail.request.headers, 'content-type')} contentEncoding={headerOf(detail.request.headers, 'content-encoding')} />
        </div>
        <div>
          <h3>Response{detail.upstream?.response ? ' (as the client got it)' : ''}</h3>
          {detail.response ? (
            <>
              <Headers title="Response headers" headers={detail.response.headers} />
              {detail.chunkTimes && <EventStreamView body={detail.response.body} chunkTimes={detail.chunkTimes} startedAt={detail.timings.startedAt} />}
              <BodyPanel title="Response body" body={detail.response.body} contentType={headerOf(detail.response.headers, 'content-type')} contentEncoding={headerOf(detail.response.headers, 'content-encoding')} />
            </>
          ) : (
            <p>Waiting for the upstream…</p>
          )}
        </div>
      </div>
      {detail.websocket && <WebSocketFrames ws={detail.websocket} startedAt={detail.timings.startedAt} />}
      <RunscopePanel exchangeId={id} />
    </section>
  );
}
