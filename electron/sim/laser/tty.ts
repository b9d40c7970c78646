import { GrblEmulator, type LaserEmulatorOptions } from './emulator';
import { runOnTty, type TtyEmulator } from '../tty';

// `perso-station sim laser --tty PATH`: the GRBL emulator on a real tty.
export type TtyLaserEmulator = TtyEmulator<GrblEmulator>;

export function runLaserEmulatorOnTty(path: string, opts: LaserEmulatorOptions & { emulator?: GrblEmulator } = {}): Promise<TtyLaserEmulator> {
  return runOnTty(path, opts.emulator ?? new GrblEmulator(null, opts));
}
