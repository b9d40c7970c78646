// Channel names only, with no schema library, so the sandboxed preload stays tiny.
export const ipcCallChannel = (name: string) => `station:call:${name}`;
export const IPC_EVENT_CHANNEL = 'station:event';
