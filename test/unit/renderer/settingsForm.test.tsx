// @vitest-environment jsdom
// The settings form's contract as outside checks see it: exact labels, errors
// next to their field, nothing sent while invalid, the token never shown back.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveSettingsResult, SettingsInput, SettingsView } from '../../../electron/core/api.js';
import { SettingsForm } from '../../../renderer/src/components/SettingsForm.js';
import { connect } from '../../../renderer/src/core.js';
import { useSettings } from '../../../renderer/src/stores/settingsStore.js';
import type { Transport } from '../../../renderer/src/transport.js';

const stored: SettingsView = { bucket: 'b1', accessTokenLast4: null, log_body: false, api_endpoint: 'https://api.runscope.com', timeout: 10000, keepalive: 30, redact_credentials: true };
let sent: SettingsInput[] = [];
let answer: (input: SettingsInput) => SaveSettingsResult;

const fakeCore: Transport = {
  kind: 'electron',
  invoke: (async (command: string, arg?: unknown) => {
    if (command !== 'saveSettings') throw new Error(`unexpected ${command}`);
    sent.push(arg as SettingsInput);
    return answer(arg as SettingsInput);
  }) as Transport['invoke'],
  onEvents: () => () => undefined,
  onConnection: () => () => undefined,
};

beforeEach(async () => {
  sent = [];
  answer = (input) => ({ ok: true, settings: { ...stored, bucket: input.bucket ?? '', accessTokenLast4: input.access_token ? input.access_token.slice(-4) : stored.accessTokenLast4 } });
  useSettings.setState({ saved: stored, errors: {}, saving: false, notice: null });
  await connect(fakeCore);
  render(<SettingsForm />);
});
afterEach(cleanup);

const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('settings form', () => {
  it('labels its fields exactly', () => {
    for (const label of ['Bucket', 'Access token', 'API endpoint', 'Timeout (ms)', 'Keepalive (ms)']) expect(screen.getByLabelText(label)).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Log bodies' })).toBeTruthy();
  });

  it('is grouped under headings, each field with one line of help as its description', () => {
    for (const name of ['Runscope forwarding', 'Capture', 'Proxy']) expect(screen.getByRole('heading', { name })).toBeTruthy();
    for (const label of ['Bucket', 'Access token', 'Log bodies', 'Redact credentials when forwarding', 'API endpoint', 'Timeout (ms)', 'Keepalive (ms)']) {
      const hint = document.getElementById(screen.getByLabelText(label).getAttribute('aria-describedby')!);
      expect(hint?.className, label).toBe('hint');
      expect(hint?.textContent?.length, label).toBeGreaterThan(20);
    }
    expect(document.getElementById('bucket-hint')?.textContent).toMatch(/bucket key.*URL, e\.g\. abc123xyz/);
    expect(document.getElementById('log-body-hint')?.textContent).toMatch(/request and response bodies.*base64/);
    // This fake is the desktop shell's transport.
    expect(document.getElementById('access-token-hint')?.textContent).toMatch(/OS keychain \(Electron safeStorage\), never shown again/);
  });

  it('refuses an invalid timeout next to the field and sends nothing', async () => {
    type('Timeout (ms)', '-5');
    save();
    const field = screen.getByLabelText('Timeout (ms)');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(field.getAttribute('aria-describedby')!)?.textContent).toBe('timeout must be a positive integer (ms)');
    expect(sent).toEqual([]);
  });

  it("shows the core's per-field errors as authoritative", async () => {
    answer = () => ({ ok: false, errors: { bucket: 'bucket must not contain control characters' } });
    save();
    await screen.findByText('bucket must not contain control characters');
    expect(screen.getByLabelText('Bucket').getAttribute('aria-describedby')).toBe('bucket-error');
  });

  it('after a save shows only the last 4 of the token; an empty field keeps it', async () => {
    type('Access token', 'secret-token-abcd');
    save();
    // The saved view and the cleared field may land in separate renders: wait for both.
    await waitFor(() => {
      expect(screen.getByLabelText('Access token').getAttribute('placeholder')).toBe('•••• abcd');
      expect((screen.getByLabelText('Access token') as HTMLInputElement).value).toBe('');
    });
    expect(sent[0]).toMatchObject({ access_token: 'secret-token-abcd', timeout: 10000, keepalive: 30 });
    save();
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]!.access_token).toBeNull();
  });
});
