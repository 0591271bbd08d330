// IPC channel names shared by main (ipcBridge.ts) and the preload.
export const INVOKE_CHANNEL = 'proxyscope:invoke';
export const EVENTS_CHANNEL = 'proxyscope:events';
