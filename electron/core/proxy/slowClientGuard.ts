// Drops clients that take longer than `ms` to send a request's headers
// (slowloris), or idle that long between requests. Node's own headersTimeout is
// only checked every 30 s and cannot be tuned once http-mitm-proxy made its server.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function guardSlowClients(server: Server, ms: number): void {
  const timers = new WeakMap<Socket, NodeJS.Timeout>();
  const arm = (socket: Socket) => {
    clearTimeout(timers.get(socket));
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    timers.set(socket, timer);
  };
  const disarm = (socket: Socket) => clearTimeout(timers.get(socket));
  server.on('connection', (socket: Socket) => {
    arm(socket);
    socket.once('close', () => disarm(socket));
  });
  server.on('request', (req, res) => {
    disarm(req.socket);
    res.once('finish', () => {
      if (!req.socket.destroyed) arm(req.socket);
    });
  });
  server.on('connect', (req) => disarm(req.socket)); // a tunnel now; TLS side has its own guard
  server.on('upgrade', (req) => disarm(req.socket));
}
