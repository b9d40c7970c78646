// The PC/SC hardware behind a small interface, serialport style: `pcsclite` talks to the real
// daemon, `SimPcscBinding` holds virtual cards in process. The reader service is written against
// this interface only, so its hot-plug, recovery and ISO 7816 logic is tested on the sim and
// runs unchanged on pcscd.

export type ShareMode = 'exclusive' | 'shared';
export type CardProtocol = 'T0' | 'T1';
export type Disposition = 'leave' | 'reset' | 'unpower';

/** A failure of the binding; `pcscCode` is the PC/SC return code when the layer below gave one. */
export class BindingError extends Error {
  constructor(
    message: string,
    readonly pcscCode?: number,
  ) {
    super(message);
    this.name = 'BindingError';
  }
}

export interface ReaderStatus {
  /** A card is in the reader and answered its reset. */
  present: boolean;
  /** A card is in the reader but does not answer (no ATR). */
  mute: boolean;
  atr: Buffer | null;
}

export interface ContextEvents {
  reader(reader: BindingReader): void;
  /** The context is unusable (service stopped, reader list failed); it emits nothing more. */
  error(err: BindingError): void;
}

export interface ReaderEvents {
  status(s: ReaderStatus): void;
  /** The reader is gone: unplugged (no error), or its watcher failed (err). */
  end(err?: BindingError): void;
}

export interface BindingReader {
  readonly name: string;
  /** Starts delivering status changes; the first one is the current status. */
  watch(events: ReaderEvents): void;
  connect(share: ShareMode, protocols: CardProtocol[]): Promise<CardProtocol>;
  /**
   * Sends one APDU as is (no ISO 7816 handling) and calls back with the raw answer. A callback,
   * not a promise: this is the per-APDU path the benchmark holds against C.
   */
  transmit(apdu: Buffer, maxResponse: number, cb: (err: BindingError | null, response?: Buffer) => void): void;
  disconnect(disposition: Disposition): Promise<void>;
  /** Stops watching; must be called or a native watcher thread keeps the process alive. */
  close(): void;
}

export interface BindingContext {
  /** Releases the context and every reader it announced. */
  close(): void;
}

export interface PcscBinding {
  readonly kind: 'pcsclite' | 'sim';
  /** Establishes a context; throws a BindingError (e.g. SCARD_E_NO_SERVICE) when there is no service. */
  establish(events: ContextEvents): BindingContext;
}
