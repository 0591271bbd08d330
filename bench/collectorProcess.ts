// The strict test collector (test/support/collector.ts) in its own process, so
// its JSON parsing and schema checks do not share an event loop with the bench.
// Answers 'count' messages; keeps only a count of what it received, not the messages.
import { startCollector } from '../test/support/collector.js';
import { BUCKET, TOKEN } from './shared.js';

export interface CollectorCount {
  type: 'count';
  received: number;
  rejected: number;
  requests: number;
}

const collector = await startCollector({ token: TOKEN, bucket: BUCKET });
let received = 0;
const drain = () => {
  received += collector.received.length;
  collector.received.length = 0;
};
setInterval(drain, 200).unref();

process.on('message', (msg: { type: string }) => {
  if (msg.type !== 'count') return;
  drain();
  const reply: CollectorCount = { type: 'count', received, rejected: collector.rejected.length, requests: collector.requests };
  process.send!(reply);
});
process.on('disconnect', () => void collector.close().then(() => process.exit(0)));
process.send!({ type: 'ready', url: collector.url });
