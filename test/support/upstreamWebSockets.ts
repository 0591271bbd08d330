// WebSocket endpoints on the test upstreams (ws:// on the HTTP one, wss:// on
// the HTTPS one): /ws/echo sends every message back as it came (text as text,
// binary as binary) and answers a "close" text by closing with 4000 "bye";
// /ws/reject refuses the upgrade with a 403.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

export function attachWebSockets(server: http.Server): () => void {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws) => {
    ws.on('message', (data, binary) => {
      if (!binary && data.toString() === 'close') ws.close(4000, 'bye');
      else ws.send(data, { binary });
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith('/ws/echo')) return wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}
