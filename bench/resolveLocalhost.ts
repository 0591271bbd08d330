// Preloaded (`node --import`) into the Node proxies under test: resolves
// `*.localhost` to 127.0.0.1, as browsers and systemd-resolved do but glibc
// here does not, so the new-host workload can use real hostnames without
// touching /etc/hosts. Every other name goes to the system resolver.
import dns from 'node:dns';

type Callback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

const systemLookup = dns.lookup;
const LOCALHOST_SUBDOMAIN = /\.localhost\.?$/i;

function lookup(hostname: string, options: unknown, callback?: Callback): void {
  let cb = callback;
  let opts = options;
  if (typeof opts === 'function') {
    cb = opts as Callback;
    opts = {};
  }
  if (typeof opts === 'number') opts = { family: opts };
  if (!LOCALHOST_SUBDOMAIN.test(hostname)) {
    return (systemLookup as unknown as (h: string, o: unknown, c: Callback) => void)(hostname, opts, cb!);
  }
  const all = Boolean((opts as dns.LookupOptions | undefined)?.all);
  process.nextTick(() => (all ? cb!(null, [{ address: '127.0.0.1', family: 4 }]) : cb!(null, '127.0.0.1', 4)));
}

(dns as unknown as { lookup: typeof lookup }).lookup = lookup;
