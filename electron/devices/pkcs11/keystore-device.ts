import { StatusHolder, type Device } from '../device';
import { deviceNote } from '../../../shared/domain/status-notes';
import type { DeviceStatus } from '../../../shared/domain/device';
import type { TokenAccess } from './provider';
import { TokenError, type Token, type TokenErrorKind } from './token';

// The HSM as a device on the device panel ("Key store: HSM — token not present"). It opens the
// token, logs in with the PIN from its source, and keeps probing with backoff while the token is
// absent, the session is lost or the HSM restarted, like any other device. A wrong PIN is not
// tried again until the PIN source gives a different one (every wrong try counts towards the
// token's lock-out); the PIN counter flags the token reports are shown.

export interface PinSource {
  /** The PIN now, or null while there is none yet (e.g. not entered on the screen). */
  read(): string | null;
  /** Where it comes from, in words ("file /etc/perso/hsm.pin"). */
  describe(): string;
}

export interface KeyStoreDeviceOptions {
  id?: string;
  pin: PinSource;
  /** Opens and logs in; throws TokenError. */
  open(pin: string): Token;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often an idle session is checked (token pulled, HSM restarted). */
  healthMs?: number;
}

const WHAT: Record<TokenErrorKind, { state: DeviceStatus['state']; message: string; action: string }> = {
  NOT_PRESENT: { state: 'offline', message: 'token not present', action: 'Connect the HSM or insert the token; the station reconnects by itself' },
  SESSION_LOST: { state: 'offline', message: 'session lost (HSM restarted or unreachable); reconnecting', action: 'Check the HSM and its network; the station reconnects by itself' },
  WRONG_PIN: { state: 'error', message: 'wrong PIN', action: 'Correct the PIN at its source (file, variable or Keys screen); the station does not retry the same PIN' },
  PIN_LOCKED: { state: 'error', message: 'user PIN locked', action: 'The HSM security officer must unlock or reset the user PIN' },
  NO_MODULE: { state: 'error', message: 'PKCS#11 module cannot be loaded', action: 'Check keyStore.module in the station config' },
  MECHANISM: { state: 'error', message: 'the token refused a mechanism', action: 'See docs/hsm.md for the mechanisms the station needs' },
  KEY: { state: 'error', message: 'key object refused', action: 'Check the key in the HSM' },
  OTHER: { state: 'offline', message: 'HSM error; reconnecting', action: 'Check the HSM; the station reconnects by itself' },
};

export class KeyStoreDevice implements Device, TokenAccess {
  readonly id: string;
  readonly kind = 'keystore' as const;
  private readonly st: StatusHolder;
  private token: Token | null = null;
  private lastKind: TokenErrorKind = 'NOT_PRESENT';
  private refusedPin: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private health: NodeJS.Timeout | null = null;
  private backoff: number;
  private closed = false;
  private waiters = new Set<() => void>();

  constructor(private readonly o: KeyStoreDeviceOptions) {
    this.id = o.id ?? 'keystore';
    this.st = new StatusHolder(this.id, 'keystore', 'Key store: HSM');
    this.backoff = o.minBackoffMs ?? 500;
  }

  status(): DeviceStatus {
    return this.st.get();
  }
  onStatus(cb: (s: DeviceStatus) => void): () => void {
    return this.st.on(cb);
  }

  async start(): Promise<void> {
    this.probe();
    this.health = setInterval(() => {
      if (this.token && !this.token.alive()) this.failed(new TokenError('SESSION_LOST', 'session check failed'));
    }, this.o.healthMs ?? 2000);
    this.health.unref();
  }

  /** Tries to open the token now; on failure schedules the next try. */
  probe(): void {
    if (this.closed || this.token) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let pin: string | null;
    try {
      pin = this.o.pin.read();
    } catch (e) {
      this.st.say('error', deviceNote('keystore.pinFile'), (e as Error).message, 'Fix the PIN file (owner only, mode 600); the station retries by itself');
      return this.later();
    }
    if (pin == null) {
      this.st.say('offline', deviceNote('keystore.waitingPin'), `waiting for the user PIN (${this.o.pin.describe()})`, 'Enter the HSM user PIN on the Keys screen');
      return this.later();
    }
    if (pin === this.refusedPin) return this.later();
    try {
      this.token = this.o.open(pin);
      this.refusedPin = null;
      this.backoff = this.o.minBackoffMs ?? 500;
      this.showOnline();
      for (const w of this.waiters) w();
      this.waiters.clear();
    } catch (e) {
      const err = e instanceof TokenError ? e : new TokenError('OTHER', (e as Error).message);
      this.lastKind = err.kind;
      if (err.kind === 'WRONG_PIN' || err.kind === 'PIN_LOCKED') this.refusedPin = pin;
      const w = WHAT[err.kind];
      this.st.say(w.state, deviceNote(`keystore.${err.kind}`), `${w.message}${err.kind === 'WRONG_PIN' || err.kind === 'PIN_LOCKED' ? pinNote(err.message) : ''}`, w.action);
      this.later();
    }
  }

  private showOnline(): void {
    const s = this.token!.state();
    const warn = s.pinLocked ? '; user PIN locked' : s.pinFinalTry ? '; PIN: one try left before lock-out' : s.pinCountLow ? '; PIN: a wrong PIN was entered since the last login' : '';
    this.st.say('online', deviceNote(s.pinLocked ? 'keystore.PIN_LOCKED' : s.pinFinalTry ? 'keystore.pinFinal' : s.pinCountLow ? 'keystore.pinWarn' : 'keystore.ready', { label: s.label }), `token "${s.label}" (${s.model}), logged in${warn}`);
  }

  private later(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.probe(), this.backoff);
    this.timer.unref();
    this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs ?? 30_000);
  }

  current(): Token {
    if (this.token) return this.token;
    throw new TokenError(this.lastKind, WHAT[this.lastKind].message);
  }

  waitReady(ms: number): Promise<boolean> {
    if (this.token) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        this.waiters.delete(done);
        resolve(false);
      }, ms);
      this.waiters.add(done);
      this.probe();
    });
  }

  failed(e: TokenError): void {
    if (!this.token) return;
    try {
      this.token.close();
    } catch {
      // It is gone already.
    }
    this.token = null;
    this.lastKind = e.kind === 'NOT_PRESENT' ? 'NOT_PRESENT' : 'SESSION_LOST';
    const w = WHAT[this.lastKind];
    this.st.say(w.state, deviceNote(`keystore.${this.lastKind}`), w.message, w.action);
    this.backoff = this.o.minBackoffMs ?? 500;
    this.later();
  }

  describe(): string {
    const s = this.st.get();
    return `HSM — ${s.message ?? s.state}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.health) clearInterval(this.health);
    this.token?.close();
    this.token = null;
    this.st.say('offline', deviceNote('closed'), 'closed');
  }
}

function pinNote(message: string): string {
  const m = /\(([^)]*PIN[^)]*)\)/.exec(message);
  return m ? ` (${m[1]})` : '';
}
