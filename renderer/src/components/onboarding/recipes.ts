// How to send traffic through the proxy, for the empty traffic view: one
// command per client, with this proxy's address and CA file filled in. The
// curl and Python ones are run by test/e2e/onboarding.spec.ts.

export interface Recipe {
  client: string;
  command: string;
  note?: string;
}

/** Single quotes for a POSIX shell, when the word needs them. */
const sh = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function recipes(proxy: string, caPath: string): Recipe[] {
  const p = sh(proxy);
  const ca = sh(caPath);
  return [
    { client: 'curl', command: `curl --proxy ${p} --cacert ${ca} https://example.com/` },
    {
      client: 'Python (requests)',
      command: `HTTPS_PROXY=${p} HTTP_PROXY=${p} REQUESTS_CA_BUNDLE=${ca} python3 your_script.py`,
      note: 'requests reads the proxy and the CA file from the environment',
    },
    {
      client: 'Node.js',
      command: `NODE_USE_ENV_PROXY=1 HTTPS_PROXY=${p} HTTP_PROXY=${p} NODE_EXTRA_CA_CERTS=${ca} node app.js`,
      note: 'fetch and http read the proxy from the environment from Node 24 on; before that, give your HTTP client a proxy agent',
    },
    {
      client: 'The whole system',
      command: `${proxy} (HTTP and HTTPS proxy)`,
      note: 'in your OS network settings; then trust the CA (CA certificate tab) in what you use',
    },
  ];
}
