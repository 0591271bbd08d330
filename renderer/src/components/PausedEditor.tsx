// The editor of one paused exchange: its request (method, URL, headers, body)
// or its response (status, headers, body), then Resume, Drop, or (a request)
// Respond with an answer of the user's own. What is left as it was goes on as
// it came: the core sends an unchanged exchange untouched.
import { useState } from 'react';
import type { PausedExchange, PauseResult, RequestChanges, ResponseChanges } from '../../../electron/core/api';
import { core } from '../core';
import { formatTime } from './format';
import { editableBody, headersText, parseHeaders } from './pausedEdit';

function Text({ label, value, onChange, rows }: { label: string; value: string; onChange(v: string): void; rows?: number }) {
  return (
    <label className="field">
      <span>{label}</span>
      {rows ? <textarea rows={rows} value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} /> : <input value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} />}
    </label>
  );
}

/** The body box, or why there is none. */
function Body({ label, body, onChange }: { label: string; body: { text: string } | { note: string }; onChange(v: string): void }) {
  if ('note' in body) {
    return (
      <p className="field" aria-label={label}>
        <span>{label}</span>
        <span className="muted">{body.note}</span>
      </p>
    );
  }
  return <Text label={label} value={body.text} onChange={onChange} rows={8} />;
}

async function send(run: () => Promise<PauseResult>, setError: (e: string | null) => void): Promise<void> {
  try {
    const r = await run();
    setError(r.ok ? null : r.error);
  } catch (err) {
    setError((err as Error).message);
  }
}

export function PausedEditor({ paused }: { paused: PausedExchange }) {
  const { id, phase } = paused;
  const side = phase === 'request' ? paused.request : paused.response!;
  const [method, setMethod] = useState(paused.request.method);
  const [url, setUrl] = useState(paused.request.url);
  const [status, setStatus] = useState(String(paused.response?.status ?? ''));
  const [headers, setHeaders] = useState(headersText(side.headers));
  const [body, setBody] = useState(() => editableBody(side.body, side.headers));
  const [answerStatus, setAnswerStatus] = useState('200');
  const [answerHeaders, setAnswerHeaders] = useState('Content-Type: text/plain; charset=utf-8');
  const [answerBody, setAnswerBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const title = phase === 'request' ? 'Request headers' : 'Response headers';
  const setText = (text: string) => setBody({ text });

  const resume = () => {
    const parsed = parseHeaders(headers, title);
    if (!parsed.ok) return setError(parsed.error);
    const text = 'text' in body ? { body: body.text } : {};
    if (phase === 'request') {
      const request: RequestChanges = { method: method.trim(), url: url.trim(), headers: parsed.headers, ...text };
      return void send(() => core().invoke('resumePaused', { id, request }), setError);
    }
    const response: ResponseChanges = { status: Number(status), headers: parsed.headers, ...text };
    void send(() => core().invoke('resumePaused', { id, response }), setError);
  };
  const respond = () => {
    const parsed = parseHeaders(answerHeaders, 'Answer headers');
    if (!parsed.ok) return setError(parsed.error);
    void send(() => core().invoke('respondPaused', { id, status: Number(answerStatus), headers: parsed.headers, body: answerBody }), setError);
  };

  return (
    <section className="paused-editor" aria-label="Paused exchange">
      <h2>
        Paused at its {phase}: {paused.request.method} {paused.request.url}
      </h2>
      <p className="meta">
        Breakpoint {JSON.stringify(paused.rule)} · goes on by itself, unedited, at {formatTime(paused.resumesAt).slice(0, 8)}
      </p>
      <div className="edit-grid">
        {phase === 'request' ? (
          <>
            <Text label="Method" value={method} onChange={setMethod} />
            <Text label="URL" value={url} onChange={setUrl} />
          </>
        ) : (
          <Text label="Status" value={status} onChange={setStatus} />
        )}
        <Text label={title} value={headers} onChange={setHeaders} rows={6} />
        <Body label={phase === 'request' ? 'Request body' : 'Response body'} body={body} onChange={setText} />
      </div>
      <div className="actions">
        <button type="button" onClick={resume}>
          Resume
        </button>
        <button type="button" onClick={() => void send(() => core().invoke('dropPaused', { id }), setError)}>
          Drop
        </button>
      </div>
      {phase === 'request' && (
        <fieldset className="answer">
          <legend>Answer it yourself (the upstream is not asked)</legend>
          <Text label="Answer status" value={answerStatus} onChange={setAnswerStatus} />
          <Text label="Answer headers" value={answerHeaders} onChange={setAnswerHeaders} rows={3} />
          <Text label="Answer body" value={answerBody} onChange={setAnswerBody} rows={4} />
          <button type="button" onClick={respond}>
            Respond
          </button>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="bad">
          {error}
        </p>
      )}
    </section>
  );
}
