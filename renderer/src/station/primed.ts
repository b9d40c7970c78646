import type { StationApi } from '../../../shared/contract/api';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract/channels';

// The boot entry asks for what the first screen needs while the UI's code is still loading; the
// stores then make the very same calls. A primed call is handed out once, to the first identical
// call, and whatever the app has not claimed by `release()` is dropped (never served stale later).
// Only the boot entry primes, so every primed answer is at most a moment older than the call.

export interface PrimedApi extends StationApi {
  /** Sends the call now; the first identical `call` gets this answer instead of asking again. */
  prime<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  /** Drops the primed answers nobody claimed: from here on every call goes to the station. */
  release(): void;
}

// Inputs are flat objects of JSON values: the key ignores the order their fields were written in.
const keyOf = (name: string, input: unknown) =>
  `${name} ${JSON.stringify(input, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v))}`;

export function primeApi(api: StationApi): PrimedApi {
  const primed = new Map<string, Promise<unknown>>();
  return {
    prime(name, input) {
      const key = keyOf(name, input);
      const p = api.call(name, input);
      primed.set(key, p);
      // A refusal (e.g. not signed in yet) is not kept for later: whoever asks after it came
      // back asks the station again. Also: an answer nobody claims is not an unhandled rejection.
      p.catch(() => {
        if (primed.get(key) === p) primed.delete(key);
      });
      return p;
    },
    release() {
      primed.clear();
    },
    call(name, input) {
      const key = keyOf(name, input);
      const p = primed.get(key);
      if (!p) return api.call(name, input);
      primed.delete(key);
      return p as Promise<CallOutput<typeof name>>;
    },
    on: (event, listener) => api.on(event, listener),
  };
}
