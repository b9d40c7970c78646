import { MachineEmulator, type MachineEmulatorOptions } from './emulator';
import { runOnTty, type TtyEmulator } from '../tty';

// `perso-station sim machine --tty PATH`: the machine emulator on a real tty.
export type TtyMachineEmulator = TtyEmulator<MachineEmulator>;

export function runMachineEmulatorOnTty(path: string, opts: MachineEmulatorOptions & { emulator?: MachineEmulator } = {}): Promise<TtyMachineEmulator> {
  return runOnTty(path, opts.emulator ?? new MachineEmulator(null, opts));
}
