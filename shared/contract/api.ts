import type { CallError } from './dto';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from './channels';

// The one object the renderer sees as `window.station` (electron/fiddle's pattern): a typed call
// and a typed subscription whose return value is its own cleanup.
export interface StationApi {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What crosses the wire for a call: errors are data, so their code and problems survive IPC. */
export type CallEnvelope<T> = { ok: true; value: T } | { ok: false; error: CallError };

export class StationCallError extends Error {
  constructor(readonly error: CallError) {
    super(error.message);
    this.name = 'StationCallError';
  }
  get code() {
    return this.error.code;
  }
}

export function unwrap<T>(env: CallEnvelope<T>): T {
  if (env.ok) return env.value;
  throw new StationCallError(env.error);
}
