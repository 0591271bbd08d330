import { describe, expect, it } from 'vitest';
import { parseCli } from '../../electron/headless/cliOptions.js';

const parse = (...argv: string[]) => parseCli(['--headless', ...argv], {});
const error = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    parseCli(['--headless', ...argv], env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('headless command line', () => {
  it('defaults to 127.0.0.1:8080, UI on 8081, no overrides', () => {
    const o = parse();
    expect(o).toMatchObject({ port: 8080, host: '127.0.0.1', uiPort: 8081, ui: true, json: false, overrides: {} });
  });

  it('maps the Kong option flags to settings overrides', () => {
    const o = parse('--bucket', 'b', '--access-token', 't', '--log-body', '--api-endpoint', 'http://127.0.0.1:9', '--timeout', '50', '--keepalive', '7');
    expect(o.overrides).toEqual({ bucket: 'b', access_token: 't', log_body: true, api_endpoint: 'http://127.0.0.1:9', timeout: 50, keepalive: 7 });
    expect(parse('--no-log-body').overrides).toEqual({ log_body: false });
  });

  it('reads the token from RUNSCOPE_ACCESS_TOKEN; the flag wins', () => {
    expect(parseCli(['--headless'], { RUNSCOPE_ACCESS_TOKEN: 'env' }).overrides.access_token).toBe('env');
    expect(parseCli(['--headless', '--access-token', 'flag'], { RUNSCOPE_ACCESS_TOKEN: 'env' }).overrides.access_token).toBe('flag');
  });

  it.each([
    [['--timeout', 'abc'], '--timeout must be a positive integer (ms)'],
    [['--timeout', '0'], '--timeout must be a positive integer (ms)'],
    [['--timeout', '-5'], '--timeout must be a positive integer (ms)'],
    [['--keepalive', '1.5'], '--keepalive must be a positive integer (ms)'],
    [['--api-endpoint', 'nope'], '--api-endpoint is not a url (expected http:// or https://)'],
    [['--api-endpoint', 'javascript:alert(1)'], '--api-endpoint is not a url (expected http:// or https://)'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535'],
    [['--port', 'x'], '--port must be an integer from 0 to 65535'],
    [['--ui-port', '-1'], '--ui-port must be an integer from 0 to 65535'],
    [['--max-body-bytes', 'lots'], '--max-body-bytes must be an integer from 0 to 9007199254740991'],
    [['--breakpoint-timeout', '0'], '--breakpoint-timeout must be an integer from 1 to 2147483647'],
    [['--breakpoint-timeout', '3000000000'], '--breakpoint-timeout must be an integer from 1 to 2147483647'],
    [['--host', '0.0.0.0'], '--host 0.0.0.0 is not a loopback address; add --allow-remote to listen on it'],
  ])('refuses %j with "%s"', (argv, message) => {
    expect(error(argv)).toBe(message);
  });

  it('a paused exchange goes on by itself after 5 minutes, or --breakpoint-timeout', () => {
    expect(parse().limits.breakpointTimeout).toBe(300_000);
    expect(parse('--breakpoint-timeout', '1500').limits.breakpointTimeout).toBe(1500);
  });

  it('tells a flag given from its default: only given ones win over what Settings saved', () => {
    expect(parse()).toMatchObject({ portGiven: false, limitsGiven: [] });
    expect(parse('--port', '8080', '--max-body-bytes', '5', '--max-stored-exchanges=7', '--allow-insecure-upstream', 'a.test')).toMatchObject({
      portGiven: true,
      limitsGiven: ['maxBodyBytes', 'storedMaxExchanges', 'insecureUpstreamHosts'],
    });
  });

  it('refuses unknown flags', () => {
    expect(error(['--bucket-key', 'x'])).toMatch(/unknown option '--bucket-key'/);
  });

  it('allows a non-loopback host only with --allow-remote', () => {
    expect(parse('--host', '0.0.0.0', '--allow-remote')).toMatchObject({ host: '0.0.0.0', allowRemote: true });
  });
});
