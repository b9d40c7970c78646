import type { StationApi } from '../../../shared/contract/api';
import { createWsStation, type ConnectionState } from './ws-client';

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
}

/** Electron's preload wins; in a plain browser (test/dev bridge) we talk to the bridge ourselves. */
export function pickStation(): StationHandle {
  if (window.station) return { api: window.station, onConnection: () => () => {} };
  const ws = createWsStation();
  return { api: ws, onConnection: (l) => ws.onConnection(l) };
}
