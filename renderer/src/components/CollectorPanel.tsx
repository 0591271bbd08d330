import { useEffect, useState } from 'react';
import { core } from '../core';

/** The collector this instance runs, if any: where a Kong gateway or another Proxyscope sends its messages, and the token it asks for. */
export function CollectorPanel() {
  const [info, setInfo] = useState<{ url: string; token: string } | null | undefined>(undefined);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    core()
      .invoke('getCollector')
      .then(setInfo, () => setInfo(null));
  }, []);
  const copy = async (what: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`${what} copied`);
    } catch {
      setCopied(`${what}: copy it by hand, the clipboard is not available here`);
    }
  };
  if (info === undefined) return null;
  return (
    <section className="collector" aria-label="Collector">
      <h3>Collector</h3>
      {info === null ? (
        <p className="muted">
          Start Proxyscope with <code>--collector</code> to receive Runscope messages from a Kong gateway or another Proxyscope; they show up as a session per bucket.
        </p>
      ) : (
        <>
          <p>
            Runscope-compatible endpoint: <code>{info.url}</code>{' '}
            <button onClick={() => void copy('URL', info.url)}>Copy URL</button>
          </p>
          <p>
            Senders use it as <code>api_endpoint</code> with this access token:{' '}
            <button onClick={() => void copy('Token', info.token)}>Copy token</button>
          </p>
          {copied && <p role="status">{copied}</p>}
        </>
      )}
    </section>
  );
}
