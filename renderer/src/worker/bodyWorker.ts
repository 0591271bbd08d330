/// <reference lib="webworker" />
import { formatBody, type BodyRequest } from './bodyFormat';

self.addEventListener('message', async (e: MessageEvent<BodyRequest>) => {
  (self as unknown as Worker).postMessage(await formatBody(e.data));
});
