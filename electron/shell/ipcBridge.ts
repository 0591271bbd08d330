// The IPC transport: one channel for commands, one for events. Every payload is
// validated with the same zod schemas as the WebSocket transport, and every
// sender is checked.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { CoreService } from '../core/api.js';
import { parseCommand } from '../core/apiSchemas.js';

import { EVENTS_CHANNEL, INVOKE_CHANNEL } from './channels.js';

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  service: CoreService,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, request: unknown) => {
    if (!isTrusted(event)) throw new Error('untrusted sender');
    const { command, arg } = (request ?? {}) as { command?: unknown; arg?: unknown };
    const parsed = parseCommand(command, arg);
    if (!parsed.ok) throw new Error(parsed.error);
    const handler = service.handlers[parsed.name] as (a: unknown) => unknown;
    return handler(parsed.arg);
  });
}

export function forwardEvents(service: CoreService, contents: WebContents): () => void {
  return service.subscribe((events) => {
    if (!contents.isDestroyed()) contents.send(EVENTS_CHANNEL, events);
  });
}
