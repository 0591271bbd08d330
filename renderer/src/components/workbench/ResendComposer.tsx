// "Edit and send": the request prefilled from the exchange (method, URL,
// headers as `Name: value` lines, the body when it is text); Send sends it with
// the edits. A body that is not text (binary, compressed) is sent as it was.
// A refusal is shown here and the form kept.
import { useState } from 'react';
import type { ExchangeDetail, ResendEdits } from '../../../../electron/core/api';
import { editableBody, headersText, parseHeaders } from '../pausedEdit';
import { resend } from './resend';

export function ResendComposer({ detail, onClose }: { detail: ExchangeDetail; onClose(): void }) {
  const [method, setMethod] = useState(detail.method);
  const [url, setUrl] = useState(detail.url);
  const [headers, setHeaders] = useState(() => headersText(detail.request.headers));
  const [original] = useState(() => editableBody(detail.request.body, detail.request.headers));
  const [body, setBody] = useState('text' in original ? original.text : '');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const send = async () => {
    const parsed = parseHeaders(headers, 'Headers');
    if (!parsed.ok) return setError(parsed.error);
    const edits: ResendEdits = { method: method.trim(), url: url.trim(), headers: parsed.headers };
    if ('text' in original && body !== original.text) edits.body = body;
    setSending(true);
    const refused = await resend(detail.id, edits);
    setSending(false);
    setError(refused);
  };

  return (
    <form
      className="paused-editor resend-composer"
      aria-label="Edit and send"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="edit-grid">
        <label className="field">
          <span>Method</span>
          <input value={method} spellCheck={false} onChange={(e) => setMethod(e.target.value)} />
        </label>
        <label className="field">
          <span>URL</span>
          <input value={url} spellCheck={false} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <label className="field">
          <span>Headers</span>
          <textarea rows={6} value={headers} spellCheck={false} onChange={(e) => setHeaders(e.target.value)} />
        </label>
        {'text' in original ? (
          <label className="field">
            <span>Body</span>
            <textarea rows={6} value={body} spellCheck={false} onChange={(e) => setBody(e.target.value)} />
          </label>
        ) : (
          <p className="field" aria-label="Body">
            <span>Body</span>
            <span className="muted">{original.note}</span>
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" disabled={sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="bad">
          {error}
        </p>
      )}
    </form>
  );
}
