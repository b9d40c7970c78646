import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcCallChannel, IPC_EVENT_CHANNEL } from '../shared/contract/ipc-names';
import type { StationApi, CallEnvelope } from '../shared/contract/api';
import { StationCallError } from '../shared/contract/api';

// The renderer's only door to the station: one typed object, `window.station`, never raw
// ipcRenderer. Main validates every payload against the contract and checks the sender.
const api: StationApi = {
  async call(name, input) {
    const env = (await ipcRenderer.invoke(ipcCallChannel(String(name)), input)) as CallEnvelope<never>;
    if (env.ok) return env.value;
    throw new StationCallError(env.error);
  },
  on(event, listener) {
    const handler = (_e: IpcRendererEvent, msg: { name: string; payload: unknown }) => {
      if (msg && msg.name === event) (listener as (p: unknown) => void)(msg.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('station', api);
