import { useEffect, useState } from 'react';
import { core } from '../core';
import { useStatus } from '../stores/statusStore';

export function CaView() {
  const caPath = useStatus((s) => s.status?.caPath);
  const [exported, setExported] = useState<string | null>(null);
  const [browser, setBrowser] = useState<string | null>(null);
  const [found, setFound] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    void core()
      .invoke('listBrowsers')
      .then((b) => live && setFound(b));
    return () => {
      live = false;
    };
  }, []);
  const openBrowser = async () => {
    const r = await core().invoke('openBrowser', {});
    setBrowser(r.ok ? `Opened ${r.browser} with a profile of its own, through the proxy.` : r.error);
  };
  const exportCa = async () => {
    const { pem, path } = await core().invoke('exportCa');
    const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'proxyscope-ca.pem';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExported(path);
  };
  return (
    <section className="ca" aria-label="CA certificate">
      <p>
        Proxyscope reads HTTPS by presenting certificates signed by its own CA. Trust that CA in the clients you inspect, and only there.
        It lives at <code>{caPath ?? '…'}</code>.
      </p>
      <button onClick={() => void exportCa()}>Export CA certificate</button>
      {exported && <p role="status">Exported proxyscope-ca.pem (from {exported}).</p>}
      <h3>Or skip trusting it</h3>
      <p>
        A Chrome, Chromium, Edge, Brave or Firefox of yours, started with a separate profile that goes through the proxy and trusts its certificates (that profile only):{' '}
        <button onClick={() => void openBrowser()} disabled={found !== null && found.length === 0}>
          Open browser
        </button>
      </p>
      {found && (
        <p className="muted" aria-label="Browsers found">
          {found.length === 0 ? 'No Chrome, Chromium, Edge, Brave or Firefox found: install one, or set PROXYSCOPE_BROWSER to its executable.' : `Found: ${found.join(', ')} (the first is started).`}
        </p>
      )}
      {browser && <p role="status">{browser}</p>}
      <h3>Trust it</h3>
      <ul className="trust">
        <li><strong>curl</strong>: <code>curl --cacert proxyscope-ca.pem -x http://127.0.0.1:8080 https://…</code></li>
        <li><strong>Node.js</strong>: <code>NODE_EXTRA_CA_CERTS=proxyscope-ca.pem node app.js</code></li>
        <li><strong>macOS</strong>: open the file in Keychain Access (System keychain), then set “When using this certificate” to Always Trust.</li>
        <li><strong>Windows</strong>: <code>certutil -user -addstore Root proxyscope-ca.pem</code>, or certmgr.msc → Trusted Root Certification Authorities → Import.</li>
        <li><strong>Debian/Ubuntu</strong>: copy to <code>/usr/local/share/ca-certificates/proxyscope-ca.crt</code>, run <code>sudo update-ca-certificates</code>.</li>
        <li><strong>Chrome/Chromium on Linux</strong>: <code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n Proxyscope -i proxyscope-ca.pem</code>.</li>
        <li><strong>Firefox</strong> (own store): Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import.</li>
      </ul>
      <p className="muted">Remove it again when you stop inspecting: anyone with the CA key could read your HTTPS traffic. The key never leaves this machine (mode 0600).</p>
    </section>
  );
}
