import { MachineEmulator, type MachineEmulatorOptions } from './emulator';
import { openTtyPort } from './port';

// `perso-station sim machine --tty PATH`: the machine emulator on a real tty (one end of a socat
// pty pair), the station's driver on the other end.
export interface TtyMachineEmulator {
  emulator: MachineEmulator;
  /** Resolves when the tty goes away or close() was called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runMachineEmulatorOnTty(path: string, opts: MachineEmulatorOptions & { emulator?: MachineEmulator } = {}): Promise<TtyMachineEmulator> {
  const port = await openTtyPort(path);
  const emulator = opts.emulator ?? new MachineEmulator(null, opts);
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
