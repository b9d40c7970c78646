import type { StationApi } from '../../../shared/contract/api';
import { createWsStation, type ConnectionState } from './ws-client';

export type { ConnectionState };

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in a plain browser. */
    station?: StationApi;
  }
}

export interface StationHandle {
  api: StationApi;
  /** Connection changes (the preload's IPC never disconnects, so it only reports 'open'). */
  onConnection(listener: (s: ConnectionState) => void): () => void;
  /** The connection now (a listener added late has missed the changes before it). */
  connection(): ConnectionState;
}

/** Electron's preload wins; in a plain browser (test/dev bridge) we talk to the bridge ourselves. */
export function pickStation(): StationHandle {
  if (window.station) return { api: window.station, onConnection: () => () => {}, connection: () => 'open' };
  const ws = createWsStation();
  return { api: ws, onConnection: (l) => ws.onConnection(l), connection: () => ws.connection };
}
