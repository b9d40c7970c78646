import { openTtyPort, type EmulatorPort } from './machine/port';

// Any emulator on a real tty (one end of a socat pty pair), a driver on the other end: the
// `perso-station sim <device> --tty PATH` commands.
export interface TtyEmulator<E> {
  emulator: E;
  /** Resolves when the tty goes away or close() was called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runOnTty<E extends { attach(port: EmulatorPort): () => void }>(path: string, emulator: E, baudRate?: number): Promise<TtyEmulator<E>> {
  const port = await openTtyPort(path, baudRate);
  const detach = emulator.attach(port);
  void port.closed.then(detach);
  return {
    emulator,
    closed: port.closed,
    async close() {
      detach();
      await port.close();
    },
  };
}
