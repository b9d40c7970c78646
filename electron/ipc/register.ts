import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_NAMES, ipcCallChannel, IPC_EVENT_CHANNEL } from '../../shared/contract/channels';
import { dispatch } from '../core/api/dispatch';
import type { AuthPort, Connection, Handlers } from '../core/api/handlers';
import type { StationEvents } from '../core/events';
import { mayReceive } from '../core/api/event-permissions';
import { forwardSessionEnds } from '../core/api/session-events';

// The only place raw ipcMain is used: one handler per contract call, each checking that the
// sender is our own window showing our own page before anything is dispatched.
export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  handlers: Handlers;
  auth: AuthPort;
  events: StationEvents;
  /** Is this frame URL our renderer? (its index.html under the renderer scheme, renderer-protocol.ts) */
  isTrustedUrl(url: string): boolean;
  /** The windows whose renderers may call and receive events. */
  windows(): WebContents[];
  onInternal?(e: unknown, call: string): void;
}

export function registerIpc(d: IpcDeps): () => void {
  const conns = new Map<number, Connection>();
  const connFor = (wc: WebContents): Connection => {
    let c = conns.get(wc.id);
    if (!c) {
      c = { id: `w${wc.id}`, origin: `ui:w${wc.id}`, sessionId: null };
      conns.set(wc.id, c);
      wc.once('destroyed', () => conns.delete(wc.id));
    }
    return c;
  };
  for (const name of CALL_NAMES) {
    d.ipcMain.handle(ipcCallChannel(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!d.windows().some((w) => w.id === event.sender.id) || !d.isTrustedUrl(url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'this page may not call the station' } };
      }
      return dispatch(d.handlers, name, input, connFor(event.sender), d.onInternal);
    });
  }
  const off = d.events.onAny((name, payload) => {
    for (const wc of d.windows()) {
      const c = conns.get(wc.id);
      if (c && mayReceive(d.auth.current(c.sessionId), name) && !wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, { name, payload });
    }
  });
  // A session the core ends (idle expiry, forced logout) is told to its window at once.
  const offEnded = forwardSessionEnds({
    auth: d.auth, handlers: d.handlers,
    targets: () => d.windows().flatMap((wc) => {
      const conn = conns.get(wc.id);
      return conn ? [{ conn, send: (info: unknown) => !wc.isDestroyed() && wc.send(IPC_EVENT_CHANNEL, { name: 'session.changed', payload: info }) }] : [];
    }),
  });
  return () => {
    off();
    offEnded();
    for (const name of CALL_NAMES) d.ipcMain.removeHandler(ipcCallChannel(name));
  };
}
