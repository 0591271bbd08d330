// Exposes the API contract to the sandboxed renderer, nothing else. Built as
// CommonJS (dist/electron/preload.cjs): sandboxed preloads cannot be ES modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CoreEvent } from './core/api.js';
import { EVENTS_CHANNEL, INVOKE_CHANNEL } from './shell/channels.js';

contextBridge.exposeInMainWorld('proxyscope', {
  invoke: (command: string, arg?: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, { command, arg }),
  onEvents: (listener: (events: CoreEvent[]) => void) => {
    const wrapped = (_e: IpcRendererEvent, events: CoreEvent[]) => listener(events);
    ipcRenderer.on(EVENTS_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENTS_CHANNEL, wrapped);
  },
});
