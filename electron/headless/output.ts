// What the headless CLI prints: NDJSON with --json (stdout holds nothing else), else human lines.
import type { DeliverySummary, ExchangeSummary, PausedExchange, RuleAlert } from '../core/api.js';
import type { CollectedEvent } from '../core/collector/collectorServer.js';

export interface ReadyInfo {
  proxy: string;
  ca: string;
  forwarding: boolean;
  note: string | null;
  ui: string | null;
  collector: string | null;
}

export interface Totals {
  exchanges: number;
  sent: number;
  failed: number;
}

export function createOutput(json: boolean) {
  // Lines are written once per event-loop turn: a write per exchange and per
  // delivery costs the proxy a share of its CPU when stdout is a pipe.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    process.stdout.write(text);
  };
  const queue = (text: string) => {
    pending += `${text}\n`;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const line = (obj: object) => queue(JSON.stringify(obj));
  const human = queue;
  return {
    flush,
    ready(r: ReadyInfo) {
      if (json) {
        line({ event: 'ready', proxy: r.proxy, ca: r.ca, forwarding: r.forwarding, ...(r.ui ? { ui: r.ui } : {}), ...(r.collector ? { collector: r.collector } : {}) });
        return flush();
      }
      human(`Proxyscope proxy listening on ${r.proxy}`);
      human(`CA certificate: ${r.ca}  (trust it, or: curl --cacert ${r.ca} -x ${r.proxy} https://...)`);
      human(r.forwarding ? 'Forwarding to Runscope: on' : `Forwarding to Runscope: off (${(r.note ?? 'not configured').replace(/^forwarding off: /, '')})`);
      if (r.ui) human(`Web UI: ${r.ui}`);
      if (r.collector) human(`Collector (Runscope-compatible): ${r.collector}  (its token: the collector-token file in the data dir)`);
      flush();
    },
    exchange(s: ExchangeSummary) {
      if (json) return line({ event: 'exchange', id: s.id, method: s.method, url: s.url, status: s.status });
      human(`${s.method} ${s.url} -> ${s.status ?? '-'}${s.error ? ` (${s.error})` : ''} ${s.durationMs?.toFixed(1) ?? '-'} ms`);
    },
    delivery(d: DeliverySummary) {
      if (json) {
        return line({ event: 'delivery', id: d.exchangeId, state: d.state, attempts: d.attempts, httpStatus: d.httpStatus, error: d.lastError });
      }
      human(`  runscope ${d.exchangeId}: ${d.state} after ${d.attempts} attempt(s)${d.lastError ? ` (${d.lastError})` : ''}`);
    },
    alert(a: RuleAlert) {
      const held = a.suppressed > 0 ? ` (${a.suppressed} more matched since the last alert)` : '';
      if (json) return line({ event: 'alert', rule: a.rule, id: a.id, method: a.method, url: a.url, status: a.status, suppressed: a.suppressed });
      human(`ALERT ${a.rule}: ${a.method} ${a.url} -> ${a.status ?? '-'}${held}`);
    },
    paused(p: PausedExchange) {
      if (json) return line({ event: 'paused', id: p.id, method: p.request.method, url: p.request.url, phase: p.phase, rule: p.rule });
      const inS = Math.round((p.resumesAt - p.pausedAt) / 1000);
      human(`PAUSED ${p.rule} (${p.phase}): ${p.request.method} ${p.request.url}; resume, edit or drop it in the web UI, or it goes on in ${inS} s`);
    },
    collected(c: CollectedEvent) {
      if (json) return line({ event: 'collected', bucket: c.bucket, id: c.id, method: c.method, url: c.url, status: c.status });
      human(`collected ${c.bucket}: ${c.method} ${c.url} -> ${c.status ?? '-'}`);
    },
    totals(t: Totals) {
      if (json) return line({ event: 'totals', exchanges: t.exchanges, sent: t.sent, failed: t.failed });
      human(`${t.exchanges} exchanges; Runscope: ${t.sent} sent, ${t.failed} failed`);
    },
    info(text: string) {
      if (!json) human(text);
      else process.stderr.write(`proxyscope: ${text}\n`);
    },
    warn(text: string) {
      process.stderr.write(`proxyscope: ${text}\n`);
    },
  };
}
