import { GrblEmulator, type LaserEmulatorOptions } from './emulator';
import { openTtyPort } from '../machine/port';

// `perso-station sim laser --tty PATH`: the GRBL emulator on a real tty (one end of a socat pty
// pair), the station's laser driver on the other end.
export interface TtyLaserEmulator {
  emulator: GrblEmulator;
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runLaserEmulatorOnTty(path: string, opts: LaserEmulatorOptions & { emulator?: GrblEmulator } = {}): Promise<TtyLaserEmulator> {
  const port = await openTtyPort(path);
  const emulator = opts.emulator ?? new GrblEmulator(null, opts);
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
