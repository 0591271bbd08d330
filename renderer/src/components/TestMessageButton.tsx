// "Send test message": one sample message with the saved settings, and what the
// collector answered: its HTTP status and Runscope uuid, or the error.
import { useState } from 'react';
import type { TestMessageResult } from '../../../electron/core/api';
import { core } from '../core';

export function testMessageText(r: TestMessageResult): string {
  if (r.ok) return `Sent to bucket ${r.bucket}: HTTP ${r.httpStatus}${r.uuid ? `, Runscope uuid ${r.uuid}` : ''}`;
  return `Not sent${r.httpStatus === null ? '' : ` (HTTP ${r.httpStatus})`}: ${r.error}`;
}

export function TestMessageButton() {
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TestMessageResult | null>(null);
  const send = async () => {
    setSending(true);
    setResult(null);
    setResult(await core().invoke('sendTestMessage'));
    setSending(false);
  };
  return (
    <>
      <button type="button" disabled={sending} onClick={() => void send()} aria-describedby="test-message-hint">
        {sending ? 'Sending…' : 'Send test message'}
      </button>
      {result && (
        <span role="status" aria-label="Test message" className={result.ok ? 'good' : 'bad'}>
          {testMessageText(result)}
        </span>
      )}
    </>
  );
}
