import { EVENT_NAMES, type EventName, type EventPayload } from '../../shared/contract/channels';

// The station's outgoing events, typed by the contract. The IPC layer and the bridge subscribe
// and forward them; a subscription returns its own cleanup.
export class StationEvents {
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>();

  on<E extends EventName>(name: E, cb: (p: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(cb as (p: unknown) => void);
    return () => set!.delete(cb as (p: unknown) => void);
  }

  /** Subscribes to every event; used by transports that forward all of them. */
  onAny(cb: (name: EventName, p: unknown) => void): () => void {
    const offs = EVENT_NAMES.map((n) => this.on(n, (p) => cb(n, p)));
    return () => offs.forEach((o) => o());
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const l of set) {
      try {
        l(payload);
      } catch {
        // A broken listener (a closed window) must not stop the engine.
      }
    }
  }
}
