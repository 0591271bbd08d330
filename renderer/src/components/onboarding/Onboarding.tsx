// What the traffic view shows before anything is captured: where the proxy
// listens, a command per client to send traffic through it, Open browser, and
// whether the CA has been exported yet.
import { useState } from 'react';
import { core } from '../../core';
import { useStatus } from '../../stores/statusStore';
import { recipes } from './recipes';

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('Copied');
    } catch {
      setDone('Select the text to copy it');
    }
  };
  return (
    <>
      <button type="button" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      {done && <span className="muted"> {done}</span>}
    </>
  );
}

export function Onboarding() {
  const status = useStatus((s) => s.status);
  const [browser, setBrowser] = useState<string | null>(null);
  if (!status) return null;
  const openBrowser = async () => {
    const r = await core().invoke('openBrowser', {});
    setBrowser(r.ok ? `Opened ${r.browser}: browse, and its traffic shows up here.` : r.error);
  };
  return (
    <section className="onboarding" aria-label="Getting started">
      <h2>Nothing captured yet</h2>
      <p>
        Proxyscope listens at <code aria-label="Proxy address">{status.proxy}</code> <CopyButton text={status.proxy} label="Copy the proxy address" />. Point a client at it:
      </p>
      <table className="recipes" aria-label="Recipes">
        <tbody>
          {recipes(status.proxy, status.caPath).map((r) => (
            <tr key={r.client}>
              <th scope="row">{r.client}</th>
              <td>
                <code>{r.command}</code>
                {r.note && <div className="muted">{r.note}</div>}
              </td>
              <td>
                <CopyButton text={r.command} label={`Copy the ${r.client} command`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Or a browser of yours, set up for it and trusting its CA in its own profile:{' '}
        <button type="button" onClick={() => void openBrowser()}>
          Open browser
        </button>
        {browser && <span role="status"> {browser}</span>}
      </p>
      <p className="muted" aria-label="CA state">
        {status.caExported
          ? `The CA (${status.caPath}) has been exported; trust it only in the clients you inspect.`
          : `HTTPS needs the client to trust Proxyscope's CA (${status.caPath}): the commands above name it; for anything else see the CA certificate tab.`}
      </p>
    </section>
  );
}
