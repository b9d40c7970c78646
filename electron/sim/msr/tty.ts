import { SerialPort } from 'serialport';
import { EncoderEmulator, type EncoderEmulatorOptions, type EmulatorPort } from './emulator';

// Runs the encoder emulator on a real serial port, typically one end of a socat pty pair
// (`perso-station sim encoder --tty PATH`). Unplugging closes this end; plugging reopens it.

export interface TtyEncoderEmulator {
  emulator: EncoderEmulator;
  path: string;
  /** Called when the port closes (stop(), unplug, or the pty went away; `disconnected` for the last). */
  onClose(cb: (disconnected: boolean) => void): () => void;
  stop(): Promise<void>;
}

export async function runEncoderEmulatorOnTty(path: string, opts: EncoderEmulatorOptions & { baudRate?: number } = {}): Promise<TtyEncoderEmulator> {
  const port = new SerialPort({ path, baudRate: opts.baudRate ?? 9600, autoOpen: false });
  const closeListeners = new Set<(disconnected: boolean) => void>();
  port.on('close', (err?: { disconnected?: boolean }) => {
    for (const l of closeListeners) l(!!err?.disconnected);
  });
  port.on('error', () => {
    /* a write to a vanished pty: the close event reports it */
  });
  const open = () => new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const close = () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
  const emPort: EmulatorPort = {
    write(bytes) {
      if (port.isOpen) port.write(bytes);
    },
    onData(cb) {
      port.on('data', cb);
      return () => port.off('data', cb);
    },
    unplug() {
      void close();
    },
    plug() {
      if (!port.isOpen) open().catch(() => undefined);
    },
  };
  const emulator = new EncoderEmulator(emPort, opts);
  await open();
  return {
    emulator,
    path,
    onClose(cb) {
      closeListeners.add(cb);
      return () => closeListeners.delete(cb);
    },
    async stop() {
      emulator.stop();
      await close();
    },
  };
}
