import { useEffect, useState } from 'react';
import type { BodyView } from '../../../electron/core/api';
import type { BodyResult } from '../worker/bodyFormat';
import { formatInWorker } from '../worker/bodyClient';
import { formatBytes } from './format';

export function BodyPanel({ title, body, contentType, contentEncoding }: { title: string; body: BodyView; contentType: string; contentEncoding: string }) {
  const [view, setView] = useState<BodyResult | null>(null);
  useEffect(() => {
    let live = true;
    void formatInWorker({ base64: body.base64, contentType, contentEncoding, truncated: body.truncated }).then((r) => live && setView(r));
    return () => {
      live = false;
    };
  }, [body.base64, body.truncated, contentType, contentEncoding]);
  return (
    <figure className="body" aria-label={title}>
      <figcaption>
        {title} · {formatBytes(body.size)}
        {view?.notes.map((n) => (
          <span key={n} className="note"> · {n}</span>
        ))}
      </figcaption>
      {view === null ? <p>Formatting…</p> : view.kind === 'empty' ? <p className="muted">(empty)</p> : <pre className={`body-${view.kind}`} tabIndex={0}>{view.text}</pre>}
    </figure>
  );
}
