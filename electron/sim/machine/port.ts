import { openSerialPort } from '../../devices/serial/link';

// The far end an emulator talks through: a MemoryLinkFarEnd in-process, or a real tty opened
// with serialport. `unplug`/`plug` exist only where a cable can be simulated.
export interface EmulatorPort {
  write(bytes: Buffer | string): void;
  onData(cb: (chunk: Buffer) => void): () => void;
  unplug?(): void;
  plug?(): void;
}

export interface TtyPort extends EmulatorPort {
  /** Resolves when the tty goes away (socat killed) or close() was called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** Opens a tty (e.g. one end of a socat pty pair) as an emulator port. */
export async function openTtyPort(path: string, baudRate = 115200): Promise<TtyPort> {
  const link = await openSerialPort({ path, baudRate });
  await link.open();
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  link.onClose(() => done());
  return {
    write(bytes) {
      // A write after the far side vanished is simply lost, as on a cable.
      link.write(bytes).catch(() => undefined);
    },
    onData: (cb) => link.onData(cb),
    closed,
    async close() {
      await link.close();
      done();
    },
  };
}
