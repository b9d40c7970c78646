import { StationCallError, type StationApi } from '../../../shared/contract/api';
import type { CallName, EventName } from '../../../shared/contract/channels';
import type { CallError } from '../../../shared/contract/dto';

// A scripted StationApi for store tests: each call name maps to a handler; every call is recorded;
// events can be emitted by the test.
export type Handler = (input: any) => unknown | Promise<unknown>;

export function fakeApi(handlers: Partial<Record<CallName, Handler>>) {
  const calls: { name: CallName; input: any }[] = [];
  const listeners = new Map<string, Set<(p: any) => void>>();
  const api: StationApi = {
    async call(name, input) {
      calls.push({ name, input });
      const h = handlers[name];
      if (!h) throw new StationCallError({ code: 'NOT_FOUND', message: `no fake for ${name}` });
      return (await h(input)) as any;
    },
    on(event, l) {
      let s = listeners.get(event);
      if (!s) listeners.set(event, (s = new Set()));
      s.add(l as any);
      return () => s!.delete(l as any);
    },
  };
  return {
    api,
    calls,
    handlers,
    emit(event: EventName, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

export function fail(error: CallError): never {
  throw new StationCallError(error);
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
